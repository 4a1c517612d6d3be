import type { T } from "../i18n";

interface Props {
  t: T;
  onDigit: (d: string) => void;
  onDelete: () => void;
  /** Optional third key on the bottom row (e.g. "next field"). */
  onNext?: () => void;
}

const ROWS = [
  ["1", "2", "3"],
  ["4", "5", "6"],
  ["7", "8", "9"],
] as const;

/** Large 3×4 telephone-order digit pad (tap targets well above 48 px). */
export function DigitPad({ t, onDigit, onDelete, onNext }: Props) {
  return (
    <div class="pad" role="group" aria-label={t("pad.group")}>
      {ROWS.flat().map((d) => (
        <button type="button" class="pad-key" key={d} onClick={() => onDigit(d)} data-key={d}>
          {d}
        </button>
      ))}
      <button type="button" class="pad-key pad-delete" onClick={onDelete} aria-label={t("pad.delete")} data-key="delete">
        <svg viewBox="0 0 24 24" aria-hidden="true" class="pad-icon">
          <path d="M9 5h11v14H9l-6-7z M12 9l6 6 M18 9l-6 6" fill="none" stroke="currentColor" stroke-width="2" />
        </svg>
      </button>
      <button type="button" class="pad-key" onClick={() => onDigit("0")} data-key="0">
        0
      </button>
      {onNext ? (
        <button type="button" class="pad-key pad-next" onClick={onNext} aria-label={t("pad.next")} data-key="next">
          <svg viewBox="0 0 24 24" aria-hidden="true" class="pad-icon">
            <path d="M4 12h14M13 6l6 6-6 6" fill="none" stroke="currentColor" stroke-width="2.5" stroke-linecap="round" stroke-linejoin="round" />
          </svg>
        </button>
      ) : (
        <span class="pad-blank" aria-hidden="true" />
      )}
    </div>
  );
}
