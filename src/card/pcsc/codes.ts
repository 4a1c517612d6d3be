/**
 * PC/SC return codes (pcsc-lite `pcsclite.h`) → the card layer's CardProblem. The `pcsclite` binding
 * reports failures as `Error("SCardTransmit error: Card was removed.(0x80100069)")`; the code in
 * brackets is the only part we interpret. Messages carry no card data, so `detail` may quote them.
 */
import type { CardProblem } from "../errors";

export const SCARD = {
  E_CANCELLED: 0x80100002,
  E_INVALID_HANDLE: 0x80100003,
  E_UNKNOWN_READER: 0x80100009,
  E_TIMEOUT: 0x8010000a,
  E_SHARING_VIOLATION: 0x8010000b,
  E_NO_SMARTCARD: 0x8010000c,
  F_COMM_ERROR: 0x80100013,
  E_NOT_TRANSACTED: 0x80100016,
  E_READER_UNAVAILABLE: 0x80100017,
  E_NO_SERVICE: 0x8010001d,
  E_SERVICE_STOPPED: 0x8010001e,
  E_NO_READERS_AVAILABLE: 0x8010002e,
  W_UNRESPONSIVE_CARD: 0x80100066,
  W_UNPOWERED_CARD: 0x80100067,
  W_RESET_CARD: 0x80100068,
  W_REMOVED_CARD: 0x80100069,
} as const;

/** The PC/SC code inside a binding error message, or null when there is none. */
export function pcscCode(e: unknown): number | null {
  const msg = e instanceof Error ? e.message : typeof e === "string" ? e : "";
  const m = /\(0x([0-9a-fA-F]{8})\)/.exec(msg);
  return m?.[1] ? Number.parseInt(m[1], 16) : null;
}

/** Whether the code means the PC/SC service itself is gone (pcscd stopped or restarted). */
export function isServiceLoss(code: number | null): boolean {
  return code === SCARD.F_COMM_ERROR || code === SCARD.E_NO_SERVICE || code === SCARD.E_SERVICE_STOPPED;
}

/** One mapping from a binding failure at `step` (connect, transmit…) to a CardProblem. */
export function problemForPcscError(e: unknown, step: string): CardProblem {
  const code = pcscCode(e);
  const hex = code === null ? "no code" : `0x${code.toString(16).padStart(8, "0")}`;
  switch (code) {
    case SCARD.W_REMOVED_CARD:
    case SCARD.E_NO_SMARTCARD:
    case SCARD.W_RESET_CARD:
    case SCARD.W_UNPOWERED_CARD:
      return { kind: "no-card" };
    case SCARD.E_UNKNOWN_READER:
    case SCARD.E_READER_UNAVAILABLE:
    case SCARD.E_NO_READERS_AVAILABLE:
      return { kind: "no-reader", detail: `reader gone during ${step} (${hex})` };
    case SCARD.F_COMM_ERROR:
    case SCARD.E_NO_SERVICE:
    case SCARD.E_SERVICE_STOPPED:
      return { kind: "no-reader", detail: `PC/SC service lost during ${step} (${hex})` };
    case SCARD.E_TIMEOUT:
      return { kind: "timeout", step };
    case SCARD.E_CANCELLED:
      return { kind: "aborted" };
    case SCARD.E_SHARING_VIOLATION:
      return { kind: "transport", detail: `reader busy: another program holds the card (${step}, ${hex})` };
    case null:
    default:
      return { kind: "transport", detail: `${step} failed (${hex})` };
  }
}
