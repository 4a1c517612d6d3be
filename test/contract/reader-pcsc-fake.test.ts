/**
 * pcsc.ts behaviours that the vpcd stack cannot provoke on demand, against a scripted fake of the
 * `pcsclite` binding (same event and callback shapes, same error message format "…(0x8010xxxx)"):
 * backoff after service loss, re-plugged readers, a card swapped between two polls, never calling
 * back into the binding from inside its own event, bounded transmits.
 */
import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { isCardError } from "../../src/card/errors";
import { openPcscReader, type BindingContext, type BindingReader } from "../../src/card/pcsc";
import { problemForPcscError } from "../../src/card/pcsc/codes";
import { probeExtendedApdu } from "../../src/card/pcsc/features";
import type { ReaderEvent } from "../../src/card/reader";

const PRESENT = 0x20;
const EMPTY = 0x10;
const ATR = Buffer.from("3b8880010000000000000000", "hex");
const signal = (): AbortSignal => new AbortController().signal;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

class FakeReader extends EventEmitter implements BindingReader {
  readonly SCARD_STATE_PRESENT = PRESENT;
  readonly SCARD_STATE_EMPTY = EMPTY;
  readonly SCARD_SHARE_SHARED = 2;
  readonly SCARD_SHARE_EXCLUSIVE = 1;
  readonly SCARD_PROTOCOL_T0 = 1;
  readonly SCARD_PROTOCOL_T1 = 2;
  readonly SCARD_RESET_CARD = 1;
  emitting = false;
  closedInsideEmit = false;
  closed = false;
  transmitReply: (data: Buffer, cb: (err: unknown, res: Buffer) => void) => void = (_d, cb) =>
    setImmediate(() => cb(null, Buffer.from([0x90, 0x00])));
  constructor(readonly name: string) {
    super();
  }
  /** Emit like the binding does: while holding the reader's mutex. */
  fire(event: string, ...args: unknown[]): void {
    this.emitting = true;
    try {
      this.emit(event, ...args);
    } finally {
      this.emitting = false;
    }
  }
  status(state: number, counter = 0): void {
    this.fire("status", { state: state | (counter << 16), ...(state & PRESENT ? { atr: ATR } : {}) });
  }
  connect(_o: { share_mode: number; protocol: number }, cb: (err: unknown, protocol: number) => void): void {
    setImmediate(() => cb(null, 2));
  }
  disconnect(_d: number, cb: (err: unknown) => void): void {
    setImmediate(() => cb(null));
  }
  transmit(data: Buffer, _len: number, _p: number, cb: (err: unknown, res: Buffer) => void): void {
    this.transmitReply(data, cb);
  }
  /** PC/SC part 10 answers by control code; absent = "not supported" (what vpcd says). */
  controlAnswers = new Map<number, Buffer>();
  control(_d: Buffer, code: number, _l: number, cb: (err: unknown, res: Buffer) => void): void {
    const answer = this.controlAnswers.get(code);
    setImmediate(() =>
      answer ? cb(null, answer) : cb(new Error("SCardControl error: Function not supported.(0x80100022)"), Buffer.alloc(0)),
    );
  }
  SCARD_CTL_CODE(code: number): number {
    return 0x42000000 + code;
  }
  close(): void {
    if (this.emitting) this.closedInsideEmit = true;
    this.closed = true;
  }
}

class FakeContext extends EventEmitter implements BindingContext {
  closed = false;
  close(): void {
    this.closed = true;
  }
}

/** A binding factory the test scripts: `down` makes it throw like SCardEstablishContext without pcscd. */
function fakeBinding() {
  const made: FakeContext[] = [];
  const state = { down: false };
  return {
    made,
    state,
    create: (): BindingContext => {
      if (state.down) throw new Error("SCardEstablishContext error: Service not available.(0x8010001d)");
      const c = new FakeContext();
      made.push(c);
      return c;
    },
    last: (): FakeContext => {
      const c = made[made.length - 1];
      if (!c) throw new Error("no binding instance yet");
      return c;
    },
  };
}

async function withReader(b: ReturnType<typeof fakeBinding>, opts: { rescanMs?: number; transmitTimeoutMs?: number } = {}) {
  const port = await openPcscReader({ readerName: "ACME", removalGraceMs: 50, ...opts, deps: { createBinding: b.create } });
  const events: ReaderEvent[] = [];
  port.subscribe((e) => events.push(e));
  const reader = new FakeReader("ACME CL Reader 00");
  b.last().emit("reader", reader);
  reader.status(PRESENT, 1);
  await until("the card", () => port.cardPresent() !== null);
  return { port, events, reader };
}

describe("pcsc.ts against a scripted binding", () => {
  it("re-creates the binding with backoff after the service is lost, and announces loss and return once each", async () => {
    const b = fakeBinding();
    const { port, events } = await withReader(b);
    b.state.down = true;
    b.last().emit("error", new Error("SCardGetStatusChange error: RPC transport error.(0x80100013)"));
    await until("status error", () => port.status() === "error");
    await sleep(400); // a few failed attempts at 100, 200 ms
    expect(b.made.length).toBe(1);
    b.state.down = false;
    const back = Date.now();
    await until("a new instance", () => b.made.length === 2, 2000);
    expect(Date.now() - back).toBeLessThan(1700);
    b.last().emit("reader", new FakeReader("ACME CL Reader 00"));
    await until("status ok", () => port.status() === "ok");
    await sleep(10);
    const kinds = events.map((e) => e.kind);
    expect(kinds.filter((k) => k === "service-lost")).toHaveLength(1);
    expect(kinds.filter((k) => k === "service-restored")).toHaveLength(1);
    expect(kinds.indexOf("card-removed")).toBeLessThan(kinds.indexOf("service-lost"));
    expect(b.made[0]?.closed).toBe(true);
    await port.close();
  });

  it("re-creates the binding while no matching reader is listed, so a re-plugged reader is found", async () => {
    const b = fakeBinding();
    const { port, reader } = await withReader(b, { rescanMs: 150 });
    reader.fire("end");
    await until("missing", () => port.status() === "missing");
    await until("a rescan", () => b.made.length >= 2, 1000);
    b.last().emit("reader", new FakeReader("ACME CL Reader 00"));
    await until("ok again", () => port.status() === "ok");
    expect(reader.closed).toBe(true);
    await port.close();
  });

  it("never calls back into a reader from inside the reader's own event (the binding holds its mutex)", async () => {
    const b = fakeBinding();
    const { port, reader } = await withReader(b);
    const ch = await port.connect(signal());
    reader.fire("end");
    await until("missing", () => port.status() === "missing");
    expect(reader.closed).toBe(true);
    expect(reader.closedInsideEmit).toBe(false);
    await expect(ch.transmit(Uint8Array.of(0, 0xa4, 0, 0), signal())).rejects.toMatchObject({ kind: "no-reader" });
    await port.close();
  });

  it("treats a card swapped between two polls as a removal: the old channel dies with no-card", async () => {
    const b = fakeBinding();
    const { port, events, reader } = await withReader(b);
    const ch = await port.connect(signal());
    reader.status(PRESENT, 3); // still present, but the event counter moved on: another card
    const swapSeen = (): boolean => {
      const kinds = events.map((e) => e.kind);
      const removed = kinds.indexOf("card-removed");
      return removed >= 0 && kinds.indexOf("card-inserted", removed) > removed;
    };
    await until("card-removed then card-inserted", swapSeen);
    await expect(ch.transmit(Uint8Array.of(0, 0xa4, 0, 0), signal())).rejects.toMatchObject({ kind: "no-card" });
    const fresh = await port.connect(signal());
    expect(Array.from(await fresh.transmit(Uint8Array.of(0, 0xa4, 0, 0), signal()))).toEqual([0x90, 0x00]);
    await port.close();
  });

  it("maps PC/SC transmit failures to typed errors: removed card, lost service", async () => {
    const b = fakeBinding();
    const { port, reader } = await withReader(b);
    reader.transmitReply = (_d, cb) => setImmediate(() => cb(new Error("SCardTransmit error: Card was removed.(0x80100069)"), Buffer.alloc(0)));
    const ch = await port.connect(signal());
    await expect(ch.transmit(Uint8Array.of(0, 0xb0, 0, 0, 0), signal())).rejects.toMatchObject({ kind: "no-card" });
    reader.transmitReply = (_d, cb) => setImmediate(() => cb(new Error("SCardTransmit error: RPC transport error.(0x80100013)"), Buffer.alloc(0)));
    const ch2 = await port.connect(signal());
    await expect(ch2.transmit(Uint8Array.of(0, 0xb0, 0, 0, 0), signal())).rejects.toMatchObject({ kind: "no-reader" });
    await until("status error after the transmit saw the service go", () => port.status() === "error");
    await port.close();
  });

  it("bounds a transmit the driver never answers with a timeout, and refuses the channel afterwards", async () => {
    const b = fakeBinding();
    const { port, reader } = await withReader(b, { transmitTimeoutMs: 80 });
    reader.transmitReply = () => undefined; // never calls back
    const ch = await port.connect(signal());
    const t0 = Date.now();
    const err: unknown = await ch.transmit(Uint8Array.of(0, 0xb0, 0, 0, 0), signal()).catch((e: unknown) => e);
    expect(isCardError(err) && err.kind).toBe("timeout");
    expect(Date.now() - t0).toBeLessThan(500);
    await expect(ch.transmit(Uint8Array.of(0, 0xb0, 0, 0, 0), signal())).rejects.toMatchObject({ kind: "timeout" });
    await port.close();
  });

  it("reports error, not a crash, when pcscd is not running at open, and recovers when it starts", async () => {
    const b = fakeBinding();
    b.state.down = true;
    const port = await openPcscReader({ readerName: "ACME", deps: { createBinding: b.create } });
    expect(port.status()).toBe("error");
    await expect(port.connect(signal())).rejects.toMatchObject({ kind: "no-reader" });
    b.state.down = false;
    await until("a binding instance", () => b.made.length === 1, 2000);
    b.last().emit("reader", new FakeReader("ACME CL Reader 00"));
    await until("ok", () => port.status() === "ok");
    await port.close();
  });
});

describe("PC/SC helpers", () => {
  const GET_FEATURE_REQUEST = 0x42000000 + 3400;
  const TLV_PROPERTIES = 0x42330012;
  const features = Buffer.from([0x12, 0x04, 0x42, 0x33, 0x00, 0x12]);
  const properties = (maxApdu: number) => Buffer.from([0x01, 0x02, 0x00, 0x00, 0x0a, 0x04, maxApdu & 0xff, (maxApdu >> 8) & 0xff, (maxApdu >> 16) & 0xff, 0]);

  it("asks a part-10 reader for dwMaxAPDUDataSize: extended above 261 bytes, short at 0, unknown without the feature", async () => {
    const r = new FakeReader("ACME CL Reader 00");
    expect(await probeExtendedApdu({ reader: r, timeoutMs: 200 })).toBeNull();
    r.controlAnswers.set(GET_FEATURE_REQUEST, features);
    r.controlAnswers.set(TLV_PROPERTIES, properties(0x10000));
    expect(await probeExtendedApdu({ reader: r, timeoutMs: 200 })).toBe(true);
    r.controlAnswers.set(TLV_PROPERTIES, properties(0));
    expect(await probeExtendedApdu({ reader: r, timeoutMs: 200 })).toBe(false);
  });

  it("refuses a channel to a card taken away while the reader's capability was being probed", async () => {
    const b = fakeBinding();
    const port = await openPcscReader({ readerName: "ACME", deps: { createBinding: b.create } });
    const reader = new FakeReader("ACME CL Reader 00");
    b.last().emit("reader", reader);
    reader.status(PRESENT, 1);
    await until("the card", () => port.cardPresent() !== null);
    reader.control = (_d, _code, _l, cb) => {
      reader.status(EMPTY, 1);
      setImmediate(() => cb(new Error("SCardControl error: Function not supported.(0x80100022)"), Buffer.alloc(0)));
    };
    await expect(port.connect(signal())).rejects.toMatchObject({ kind: "no-card" });
    await port.close();
  });

  it("reports the probed capability on the channel", async () => {
    const b = fakeBinding();
    const port = await openPcscReader({ readerName: "ACME", deps: { createBinding: b.create } });
    const reader = new FakeReader("ACME CL Reader 00");
    reader.controlAnswers.set(GET_FEATURE_REQUEST, features);
    reader.controlAnswers.set(TLV_PROPERTIES, properties(0));
    b.last().emit("reader", reader);
    reader.status(PRESENT, 1);
    await until("the card", () => port.cardPresent() !== null);
    const ch = await port.connect(signal());
    expect(ch.extendedApdu).toBe(false);
    await port.close();
  });

  it("maps PC/SC codes to card problems in one place", () => {
    const err = (code: string) => new Error(`SCardX error: something.(0x${code})`);
    expect(problemForPcscError(err("80100069"), "transmit").kind).toBe("no-card");
    expect(problemForPcscError(err("8010000c"), "connect").kind).toBe("no-card");
    expect(problemForPcscError(err("80100068"), "transmit").kind).toBe("no-card");
    expect(problemForPcscError(err("80100013"), "transmit").kind).toBe("no-reader");
    expect(problemForPcscError(err("8010001d"), "connect").kind).toBe("no-reader");
    expect(problemForPcscError(err("80100009"), "connect").kind).toBe("no-reader");
    expect(problemForPcscError(err("8010000a"), "transmit")).toEqual({ kind: "timeout", step: "transmit" });
    expect(problemForPcscError(err("8010000b"), "connect")).toMatchObject({ kind: "transport", detail: expect.stringContaining("busy") as unknown });
    expect(problemForPcscError(new Error("no code at all"), "transmit").kind).toBe("transport");
  });
});
