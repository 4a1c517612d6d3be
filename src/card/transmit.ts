/**
 * The card port: one method. The transport moves bytes and never interprets them.
 *
 * Contract:
 * - `command` is a complete C-APDU; the promise resolves with the complete R-APDU (data ‖ SW1 SW2).
 * - A card status word (6982, 63Cx, …) is NOT a transport failure: it is returned as bytes.
 * - Transport failures reject with a `CardError` (see errors.ts): no-card (removed), no-reader,
 *   timeout, transport. Recovery rules (61xx GET RESPONSE, 6Cxx re-send) belong to card.ts, not here.
 * - `signal` aborts the wait; an aborted call rejects promptly and leaves the channel unusable for
 *   that card session.
 */
export interface Transmit {
  transmit(command: Uint8Array, signal: AbortSignal): Promise<Uint8Array>;
}
