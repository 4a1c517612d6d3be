/**
 * Recognition by a READ BINARY of a non-personal EF (the residence card's MF/EF02 card type): the
 * probe reads only the bytes it asked for, a kind whose bytes do not match is skipped, and no other
 * command than SELECT and READ BINARY is sent.
 */
import { describe, expect, it } from "vitest";
import { createRegistry, recognise } from "../../../src/documents/registry";
import type { DocumentKind, Probe } from "../../../src/documents/types";

const kind = (id: string, probes: Probe[]): DocumentKind => ({ info: { kind: id }, recognition: { probes } }) as unknown as DocumentKind;

/** A card whose MF holds EF02 = `ef02`; every command is logged. */
function card(ef02: Uint8Array) {
  const sent: Uint8Array[] = [];
  let selected = -1;
  return {
    sent,
    atr: Uint8Array.of(0x3b, 0x80),
    transmit(c: Uint8Array): Promise<Uint8Array> {
      sent.push(c.slice());
      if (c[1] === 0xa4 && c[2] === 0x02) {
        selected = ((c[5] ?? 0) << 8) | (c[6] ?? 0);
        return Promise.resolve(Uint8Array.of(...(selected === 0x0002 ? [0x90, 0x00] : [0x6a, 0x82])));
      }
      if (c[1] === 0xb0 && selected === 0x0002) return Promise.resolve(Uint8Array.of(...ef02.subarray(0, c[4] || 256), 0x90, 0x00));
      return Promise.resolve(Uint8Array.of(0x6a, 0x82));
    },
  };
}

const residenceProbe = (types: number[][]): Probe => ({
  select: "ef",
  fileId: 0x0002,
  read: { length: 3, expect: (b) => types.some((t) => t.every((x, i) => b[i] === x)) },
});

describe("a recognition probe that reads a non-personal EF", () => {
  const registry = createRegistry([
    kind("other", [{ select: "ef", fileId: 0x0002, read: { length: 3, expect: () => false } }]),
    kind("residence", [residenceProbe([[0xc1, 0x01, 0x31], [0xc1, 0x01, 0x32]])]),
  ]);

  it("recognises the kind whose expected bytes the file holds, after skipping one whose bytes do not match", async () => {
    const c = card(Uint8Array.of(0xc1, 0x01, 0x32, 0xff));
    const r = await recognise(registry, c, new AbortController().signal);
    expect(r.kind === "known" && r.document.info.kind).toBe("residence");
    // SELECT and READ BINARY only, and the read asks for exactly 3 bytes.
    expect(c.sent.every((cmd) => cmd[1] === 0xa4 || cmd[1] === 0xb0)).toBe(true);
    expect(c.sent.filter((cmd) => cmd[1] === 0xb0).map((cmd) => cmd[4])).toEqual([3, 3]);
  });

  it("answers unsupported when the bytes match no kind", async () => {
    const r = await recognise(registry, card(Uint8Array.of(0xc1, 0x01, 0x39)), new AbortController().signal);
    expect(r.kind).toBe("unsupported");
  });
});
