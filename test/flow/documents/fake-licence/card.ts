/**
 * The fake licence's simulated card (its "deck card"): answers SELECT of its AID, VERIFY with a
 * 3-try PIN counter, and READ BINARY of its one record after a correct PIN. Anything else: 6D00.
 */
import { createHash } from "node:crypto";
import type { SimReaderCard } from "../../../../src/card/sim/reader";
import { FAKE_AID, MAX_TRIES, RECORD } from "./index";

export interface FakeLicence {
  pin: string;
  birth: string; // YYYYMMDD
  expiry: string; // YYYYMMDD
  /** Flip one record byte after the digest was computed (a forged record). */
  tampered?: boolean;
}

const sw = (n: number, data: Uint8Array = new Uint8Array(0)) => Uint8Array.from([...data, n >> 8, n & 0xff]);
const equal = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

export function fakeLicenceCard(spec: FakeLicence): SimReaderCard & { triesLeft(): number } {
  let tries = MAX_TRIES;
  let selected = false;
  let verified = false;
  const record = new Uint8Array(RECORD.length);
  record.set(Buffer.from(spec.birth, "ascii"), RECORD.birth);
  record.set(Buffer.from(spec.expiry, "ascii"), RECORD.expiry);
  record.set(Buffer.from("FAKE-PORTRAIT-16", "ascii"), RECORD.portrait);
  record.set(createHash("sha256").update(record.subarray(0, RECORD.digest)).digest(), RECORD.digest);
  if (spec.tampered) record[RECORD.birth + 3] = 0x30 + ((record[RECORD.birth + 3] ?? 0x30) - 0x30 + 1) % 10;

  function answer(apdu: Uint8Array): Uint8Array {
    const [cla, ins, p1, p2, lc] = apdu;
    if (cla !== 0x00) return sw(0x6e00);
    if (ins === 0xa4 && p1 === 0x04) {
      selected = equal(apdu.subarray(5, 5 + (lc ?? 0)), FAKE_AID);
      verified = false;
      return sw(selected ? 0x9000 : 0x6a82);
    }
    if (!selected) return sw(0x6986);
    if (ins === 0x20 && p2 === 0x80) {
      if (apdu.length <= 5 && (lc ?? 0) === 0) return sw(tries === 0 ? 0x6983 : 0x63c0 | tries);
      if (tries === 0) return sw(0x6983);
      if (equal(apdu.subarray(5, 5 + (lc ?? 0)), Buffer.from(spec.pin, "ascii"))) {
        tries = MAX_TRIES;
        verified = true;
        return sw(0x9000);
      }
      tries--;
      return sw(tries === 0 ? 0x6983 : 0x63c0 | tries);
    }
    if (ins === 0xb0) return verified ? sw(0x9000, record) : sw(0x6982);
    return sw(0x6d00);
  }

  return {
    // A Type B card's ATR (3B 88 80 01 + 4 historical bytes + TCK), with made-up historical bytes.
    atr: Uint8Array.of(0x3b, 0x88, 0x80, 0x01, 0x46, 0x41, 0x4b, 0x45, 0x00, 0x00, 0x00, 0x00, 0x00),
    transmit: (command) => Promise.resolve(answer(command)),
    remove() {
      selected = false;
      verified = false;
    },
    triesLeft: () => tries,
  };
}
