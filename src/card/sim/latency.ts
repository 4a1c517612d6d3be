/**
 * The simulator's timing model, and the floor a reader cannot beat for the same exchange.
 *
 * Per APDU: `perApduMs` (reader + card turnaround) + every byte both ways at `bitRate` with
 * `bitsPerByte` (ISO 14443-3 Type B frames a byte as start + 8 data + stop = 10 etu) + `perFrameMs` per
 * I-block (chaining every `frameBytes` bytes, FSC 256 minus PCB and CRC) + `signMs` for a card signature.
 * The defaults are a model, not a measurement: reference §8 found no published PC/SC timings.
 */

export interface LatencyModel {
  /** bit/s on the air: 106_000, 212_000 or 424_000 (the ATR's B3 81 A1 allows all three). */
  readonly bitRate: number;
  readonly bitsPerByte: number;
  readonly perApduMs: number;
  readonly frameBytes: number;
  readonly perFrameMs: number;
  /** RSA-2048 private-key operation on the card. */
  readonly signMs: number;
}

export const LATENCY_106K: LatencyModel = {
  bitRate: 106_000,
  bitsPerByte: 10,
  perApduMs: 3,
  frameBytes: 253,
  perFrameMs: 0.6,
  signMs: 150,
};
export const LATENCY_212K: LatencyModel = { ...LATENCY_106K, bitRate: 212_000 };
export const LATENCY_424K: LatencyModel = { ...LATENCY_106K, bitRate: 424_000 };
/** Zero time: unit tests. */
export const NO_LATENCY: LatencyModel = { bitRate: Infinity, bitsPerByte: 10, perApduMs: 0, frameBytes: 253, perFrameMs: 0, signMs: 0 };

function frames(bytes: number, m: LatencyModel): number {
  return Math.max(1, Math.ceil(bytes / m.frameBytes));
}

/** Time to move `bytes` one way, framing included. */
export function transferMs(bytes: number, m: LatencyModel): number {
  const air = Number.isFinite(m.bitRate) ? (bytes * m.bitsPerByte * 1000) / m.bitRate : 0;
  return air + frames(bytes, m) * m.perFrameMs;
}

/** The model's time for one APDU exchange. */
export function exchangeMs(commandBytes: number, responseBytes: number, signs: boolean, m: LatencyModel): number {
  return m.perApduMs + transferMs(commandBytes, m) + transferMs(responseBytes, m) + (signs ? m.signMs : 0);
}

export interface ExchangeSize {
  readonly commandBytes: number;
  readonly responseBytes: number;
  readonly signs: boolean;
}

/** The floor: the sum of the model's times for these exchanges (what a perfect reader would take). */
export function floorMs(exchanges: readonly ExchangeSize[], m: LatencyModel): number {
  return exchanges.reduce((t, e) => t + exchangeMs(e.commandBytes, e.responseBytes, e.signs, m), 0);
}
