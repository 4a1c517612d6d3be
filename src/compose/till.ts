/**
 * Glue from the flow's verdict-token port (flow/ports.ts `VerdictTokenPort`) to src/till/: a single-use
 * id at once (for the audit row), then the JWS signed with the kiosk's key and drawn as a QR code.
 * Every issued token is handed to `onIssued` (metrics, the optional till POST): fire and forget, so
 * nothing here ever delays the customer's result screen.
 */
import type { VerdictTokenPort } from "../flow/ports";
import type { Logger } from "../log";
import type { VerdictFacts } from "../till/claims";
import { issueToken, newTokenId, type IssuedToken, type TokenKey } from "../till/issuer";
import { qrMatrix } from "../till/qr";

export interface TokenGlueDeps {
  key: TokenKey;
  lifetimeS: number;
  now: () => number;
  log: Logger;
  /** A token was signed (the QR code is about to be shown). Must not throw. */
  onIssued?: (token: IssuedToken, facts: VerdictFacts) => void;
  /** Signing or drawing failed (counted; the result screen shows no QR code). Must not throw. */
  onFailed?: () => void;
}

export function createTokenGlue(deps: TokenGlueDeps): VerdictTokenPort {
  return {
    issue(facts) {
      const id = newTokenId();
      const token = issueToken(deps.key, facts, deps.now(), deps.lifetimeS, id).then(
        (t) => {
          const qr = qrMatrix(t.jws);
          try {
            deps.onIssued?.(t, facts);
          } catch (e) {
            deps.log.warn("till.listener-failed", { error: e instanceof Error ? e.name : typeof e });
          }
          return { jws: t.jws, size: qr.size, path: qr.path, expiresAt: t.expiresAt };
        },
        (e: unknown) => {
          deps.onFailed?.();
          throw e;
        },
      );
      return { id, token };
    },
  };
}
