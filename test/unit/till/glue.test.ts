/**
 * The token glue (src/compose/till.ts) and the QR matrix (src/till/qr.ts): the id given at once is the
 * signed token's `jti`, the token verifies, and the module matrix, drawn to pixels here, reads back
 * with jsQR (another QR implementation than the `qrcode` package that made it) as the same JWS.
 */
import { describe, expect, it } from "vitest";
import jsQR from "jsqr";
import { createTokenGlue } from "../../../src/compose/till";
import { memoryLogger } from "../../../src/log";
import { ephemeralKey } from "../../../src/till/issuer";
import { qrMatrix } from "../../../src/till/qr";
import { memorySeenIds, trustedKiosk, verifyToken } from "../../../src/till/verify";

/** Rasterises the path data (only the `M x y h w v 1 h -w z` runs qrMatrix writes), 4 px a module, quiet zone 4. */
function raster(size: number, path: string): { data: Uint8ClampedArray; side: number } {
  const scale = 4;
  const side = (size + 8) * scale;
  const data = new Uint8ClampedArray(side * side * 4).fill(255);
  for (const m of path.matchAll(/M(\d+) (\d+)h(\d+)v1h-\d+z/g)) {
    const [x, y, w] = [Number(m[1]), Number(m[2]), Number(m[3])];
    for (let py = (y + 4) * scale; py < (y + 5) * scale; py++) {
      for (let px = (x + 4) * scale; px < (x + 4 + w) * scale; px++) data.fill(0, (py * side + px) * 4, (py * side + px) * 4 + 3);
    }
  }
  return { data, side };
}

describe("the verdict token glue", () => {
  it("gives the id at once, signs a token with that jti, and draws a QR code that reads back as the token", async () => {
    const key = await ephemeralKey();
    const issued: string[] = [];
    const glue = createTokenGlue({ key, lifetimeS: 60, now: () => Date.now(), log: memoryLogger(), onIssued: (t) => issued.push(t.jti) });
    const { id, token } = glue.issue({ kioskId: "k1", minimumAge: 20, outcome: "pass", document: "mynumber", chipGenuine: true, face: "match" });
    const t = await token;
    expect(issued).toEqual([id]);
    const r = await verifyToken(t.jws, [await trustedKiosk("mynaguard:k1", key.jwk)], memorySeenIds(), Date.now());
    expect(r).toMatchObject({ ok: true, claims: { jti: id, ans: "yes", doc: "mynumber" } });
    const { data, side } = raster(t.size, t.path);
    expect(jsQR(data, side, side)?.data).toBe(t.jws);
    // Version 15 or below for our ~500-character tokens (77 modules): what the screen layout assumes.
    expect(t.size).toBeLessThanOrEqual(77);
  });

  it("reports a failed signature to onFailed and rejects the token (the screen then shows none)", async () => {
    const key = await ephemeralKey();
    let failed = 0;
    const glue = createTokenGlue({ key, lifetimeS: 500, now: () => Date.now(), log: memoryLogger(), onFailed: () => failed++ });
    const { token } = glue.issue({ kioskId: "k1", minimumAge: 20, outcome: "pass", document: "mynumber", chipGenuine: true, face: "match" });
    await expect(token).rejects.toThrow(RangeError);
    expect(failed).toBe(1);
  });

  it("draws small codes too", () => {
    const q = qrMatrix("hello");
    expect(q.size).toBe(21);
    expect(jsQR(raster(q.size, q.path).data, (q.size + 8) * 4, (q.size + 8) * 4)?.data).toBe("hello");
  });
});
