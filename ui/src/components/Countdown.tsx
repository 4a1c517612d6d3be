import { useEffect, useState } from "preact/hooks";
import type { Countdown as CountdownState } from "../../../src/protocol";
import type { T } from "../i18n";

/**
 * The one ticking component: re-renders a few times a second from `endsAt` (daemon wall clock; the
 * daemon and the kiosk browser run on the same machine). Screens never start timers themselves.
 */
export function Countdown({ countdown, t }: { countdown: CountdownState; t: T }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(id);
  }, []);
  const leftMs = Math.max(0, countdown.endsAt - now);
  const seconds = Math.ceil(leftMs / 1000);
  const fraction = countdown.totalMs > 0 ? Math.min(1, leftMs / countdown.totalMs) : 0;
  const low = seconds <= 5;
  return (
    <div class={low ? "countdown countdown-low" : "countdown"} role="timer" aria-label={t("countdown.label")}>
      <svg class="countdown-ring" viewBox="0 0 36 36" aria-hidden="true">
        <circle cx="18" cy="18" r="15" class="countdown-track" />
        <circle
          cx="18"
          cy="18"
          r="15"
          class="countdown-arc"
          pathLength={100}
          stroke-dasharray={`${(fraction * 100).toFixed(1)} 100`}
          transform="rotate(-90 18 18)"
        />
      </svg>
      <span class="countdown-text">{t("countdown.seconds", { n: seconds })}</span>
    </div>
  );
}
