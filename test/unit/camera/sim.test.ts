import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { CameraFailure } from "../../../src/camera/camera";
import { SimCamera, SimDocumentCamera, simImageFromBytes } from "../../../src/camera/sim";

const img = async (level: number) =>
  simImageFromBytes(new Uint8Array(await sharp({ create: { width: 8, height: 6, channels: 3, background: { r: level, g: level, b: level } } }).jpeg({ quality: 90 }).toBuffer()));

describe("SimCamera", () => {
  it("serves an empty dark tray when nothing is shown", async () => {
    const cam = new SimCamera({ role: "document" });
    const f = await cam.still(new AbortController().signal);
    expect(f.format).toBe("gray");
    expect(f.data.every((v) => v === f.data[0])).toBe(true);
  });

  it("cycles the shown images and hands out copies the receiver may wipe", async () => {
    const a = await img(20);
    const b = await img(220);
    const cam = new SimCamera({ role: "face", images: [a, b], now: () => 42 });
    const s = new AbortController().signal;
    const f1 = await cam.still(s);
    f1.data.fill(0);
    const f2 = await cam.still(s);
    const f3 = await cam.still(s);
    expect(f1.capturedAt).toBe(42);
    expect(f2.data).toEqual(b.data);
    expect(f3.data).toEqual(a.data);
  });

  it("stops yielding frames promptly when the signal aborts", async () => {
    const cam = new SimCamera({ role: "face", images: [await img(1)], intervalMs: 10_000 });
    const ac = new AbortController();
    const seen: number[] = [];
    const t0 = Date.now();
    setTimeout(() => ac.abort(), 50);
    for await (const f of cam.frames(ac.signal)) seen.push(f.width);
    expect(seen).toEqual([8]);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it("rejects captures with a typed failure when aborted or closed", async () => {
    const cam = new SimCamera({ role: "face" });
    const ac = new AbortController();
    ac.abort();
    await expect(cam.still(ac.signal)).rejects.toMatchObject({ error: { kind: "aborted" } });
    await cam.close();
    expect(cam.status()).toBe("missing");
    await expect(cam.still(new AbortController().signal)).rejects.toBeInstanceOf(CameraFailure);
  });

  it("refuses bytes that are not an image", () => {
    expect(() => simImageFromBytes(new Uint8Array([1, 2, 3]))).toThrow(CameraFailure);
  });
});

describe("SimDocumentCamera", () => {
  it("shows the placed deck card's front and the empty tray after it is taken away", async () => {
    const front = await img(240);
    const cam = new SimDocumentCamera(new Map([["showa-64", front]]));
    const s = new AbortController().signal;
    expect(cam.place("showa-64")).toBe(true);
    expect((await cam.still(s)).data).toEqual(front.data);
    expect(cam.place(null)).toBe(true);
    expect((await cam.still(s)).format).toBe("gray");
    expect(cam.place("nobody")).toBe(false);
    expect(cam.cardIds).toEqual(["showa-64"]);
  });
});
