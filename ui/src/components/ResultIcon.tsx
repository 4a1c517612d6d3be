import type { Outcome } from "../../../src/protocol";

/** Outcome shape (tick, cross, person, pause) so the result never relies on colour alone. */
export function ResultIcon({ outcome }: { outcome: Outcome }) {
  return (
    <svg class="result-icon" viewBox="0 0 48 48" aria-hidden="true" data-icon={outcome}>
      <circle cx="24" cy="24" r="22" fill="currentColor" opacity="0.15" />
      <circle cx="24" cy="24" r="22" fill="none" stroke="currentColor" stroke-width="3" />
      {outcome === "pass" && <path d="M13 25l7 7 15-16" fill="none" stroke="currentColor" stroke-width="5" stroke-linecap="round" stroke-linejoin="round" />}
      {outcome === "fail" && <path d="M16 16l16 16M32 16L16 32" fill="none" stroke="currentColor" stroke-width="5" stroke-linecap="round" />}
      {outcome === "refer" && (
        <g fill="currentColor">
          <circle cx="24" cy="16" r="6" />
          <path d="M12 37c0-7 5-12 12-12s12 5 12 12z" />
        </g>
      )}
      {outcome === "abandoned" && <path d="M19 15v18M29 15v18" fill="none" stroke="currentColor" stroke-width="5" stroke-linecap="round" />}
    </svg>
  );
}
