import { useState } from "preact/hooks";
import { BigButton } from "../components/BigButton";
import { DigitPad } from "../components/DigitPad";
import type { ScreenProps } from "./types";

const MAX_PIN = 8;

/** PIN pad for the staff screen; the daemon checks the PIN and rate-limits tries. */
export function StaffLogin({ screen, t, send }: ScreenProps<"staff-login">) {
  const [pin, setPin] = useState("");
  const submit = () => {
    send({ type: "staff-login", pin });
    setPin("");
  };
  const locked = screen.problem === "locked" || screen.problem === "no-pin-set";
  return (
    <section class="screen screen-staff-login" data-screen="staff-login" aria-labelledby="staff-login-title">
      <div class="split">
        <div class="stack">
          <h1 id="staff-login-title">{t("staffLogin.title")}</h1>
          <p class="lead">{t("staffLogin.body")}</p>
          {screen.pin === "demo" ? (
            <p class="hint" data-testid="demo-pin">
              {t("staffLogin.demoPin")}
            </p>
          ) : null}
          <p class="pin-dots" aria-live="polite" aria-label={t("staffLogin.entered", { n: pin.length })} data-testid="pin-dots">
            {"●".repeat(pin.length).padEnd(4, "○")}
          </p>
          <p class={screen.problem ? "problem problem-bad" : "problem"} role="status" data-problem={screen.problem ?? ""}>
            {screen.problem ? t(`staffLogin.problem.${screen.problem}`) : ""}
          </p>
        </div>
        <div class="entry-pad">
          <DigitPad t={t} onDigit={(d) => setPin((p) => (p.length < MAX_PIN ? p + d : p))} onDelete={() => setPin((p) => p.slice(0, -1))} />
          <div class="entry-actions">
            <BigButton onPress={() => send({ type: "staff-close" })} testId="staff-cancel">
              {t("common.cancel")}
            </BigButton>
            <BigButton kind="primary" disabled={pin.length < 4 || locked} onPress={submit} testId="staff-enter">
              {t("staffLogin.enter")}
            </BigButton>
          </div>
        </div>
      </div>
    </section>
  );
}
