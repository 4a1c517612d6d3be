import type { LedPattern } from "../../../src/protocol";
import type { T } from "../i18n";

type Lamp = "green" | "amber" | "red";

/** Which lamps each pattern lights (steady; blinking is the LED driver's business). */
export const LIT: Readonly<Record<LedPattern, readonly Lamp[]>> = {
  off: [],
  ready: [],
  busy: ["amber"],
  pass: ["green"],
  fail: ["red"],
  refer: ["amber"],
  "card-left": ["amber", "red"],
  "out-of-service": ["red"],
};

/** The status light tower as drawn on screen (demo panel, staff LED test): colour plus words. */
export function Lamps({ pattern, t }: { pattern: LedPattern; t: T }) {
  const lit = LIT[pattern];
  return (
    <div class="lamps" data-pattern={pattern}>
      {(["green", "amber", "red"] as const).map((lamp) => {
        const on = lit.includes(lamp);
        return (
          <span key={lamp} class={`lamp lamp-${lamp}${on ? " lamp-on" : ""}`} data-lamp={lamp} data-on={on ? "1" : "0"}>
            <span class="lamp-dot" aria-hidden="true" />
            {t(`lamp.${lamp}`)} {on ? t("lamp.on") : t("lamp.off")}
          </span>
        );
      })}
      <span class="lamps-pattern">{t(`led.${pattern}`)}</span>
    </div>
  );
}

/** Three small dots for the header's demo button, so the simulated lights stay visible with the drawer closed. */
export function MiniLamps({ pattern }: { pattern: LedPattern }) {
  const lit = LIT[pattern];
  return (
    <span class="mini-lamps" aria-hidden="true" data-pattern={pattern}>
      {(["green", "amber", "red"] as const).map((lamp) => (
        <span key={lamp} class={`lamp-${lamp}${lit.includes(lamp) ? " lamp-on" : ""}`}>
          <span class="lamp-dot" />
        </span>
      ))}
    </span>
  );
}
