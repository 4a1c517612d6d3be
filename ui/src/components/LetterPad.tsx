import type { T } from "../i18n";

interface Props {
  t: T;
  onKey: (key: string) => void;
  onDelete: () => void;
  onNext?: () => void;
  /** The active field takes digits only: the letter keys are shown but disabled. */
  digitsOnly: boolean;
}

/** Digits on top, then A–Z in alphabetical order (easier to find than QWERTY for people who do not
 *  type; the card number and the MRZ are upper case). Ten columns; delete and next take two each. */
const DIGITS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0"] as const;
const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ".split("");

/**
 * The letter keypad for `alnum` access-key fields (residence card number, passport number): 36 keys
 * of at least 48 px, ten to a row, so it fits the 800×480 panel under the entry boxes.
 */
export function LetterPad({ t, onKey, onDelete, onNext, digitsOnly }: Props) {
  const key = (k: string, disabled: boolean) => (
    <button type="button" class="pad-key letter-key" key={k} onClick={() => onKey(k)} data-key={k} disabled={disabled}>
      {k}
    </button>
  );
  return (
    <div class="letter-pad" role="group" aria-label={t("pad.letters")}>
      {DIGITS.map((d) => key(d, false))}
      {LETTERS.map((l) => key(l, digitsOnly))}
      <button type="button" class="pad-key letter-wide pad-delete" onClick={onDelete} aria-label={t("pad.deleteChar")} data-key="delete">
        <svg viewBox="0 0 24 24" aria-hidden="true" class="pad-icon">
          <path d="M9 5h11v14H9l-6-7z M12 9l6 6 M18 9l-6 6" fill="none" stroke="currentColor" stroke-width="2" />
        </svg>
      </button>
      {onNext ? (
        <button type="button" class="pad-key letter-wide pad-next" onClick={onNext} aria-label={t("pad.next")} data-key="next">
          <svg viewBox="0 0 24 24" aria-hidden="true" class="pad-icon">
            <path d="M4 12h14M13 6l6 6-6 6" fill="none" stroke="currentColor" stroke-width="2.5" stroke-linecap="round" stroke-linejoin="round" />
          </svg>
        </button>
      ) : null}
    </div>
  );
}
