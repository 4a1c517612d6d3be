/**
 * ec.ts (Jacobian double-and-add) against node:crypto's ECDH (OpenSSL) on every curve PACE and CA use:
 * k·G for random and edge scalars, and k·P for a point that is not the generator (x only, as ECDH gives).
 */
import { createECDH, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { add, bigToBytes, bytesToBig, curve, decodePoint, encodePoint, mul, onCurve } from "../../../../src/card/icao/ec";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("ec.ts scalar multiplication equals OpenSSL's", () => {
  for (const name of ["prime256v1", "brainpoolP256r1", "secp384r1", "brainpoolP384r1", "brainpoolP512r1", "secp521r1"]) {
    it(name, () => {
      const c = curve(name);
      const scalars = [1n, 2n, 3n, c.n - 1n, c.n - 2n, ...Array.from({ length: 4 }, () => (bytesToBig(new Uint8Array(randomBytes(c.size))) % (c.n - 1n)) + 1n)];
      for (const k of scalars) {
        const ecdh = createECDH(name);
        ecdh.setPrivateKey(bigToBytes(k, c.size));
        const ours = mul(c, k, c.g);
        expect(ours && onCurve(c, ours), `${name} k=${k}`).toBe(true);
        expect(hex(encodePoint(ours, c.size)), `${name} k·G`).toBe(hex(new Uint8Array(ecdh.getPublicKey())));
        // k·P for P = 7·G: ECDH's shared secret is x(k·P).
        const p = mul(c, 7n, c.g);
        const shared = new Uint8Array(ecdh.computeSecret(encodePoint(p, c.size)));
        expect(hex(bigToBytes(mul(c, k, p)?.x ?? -1n, c.size)), `${name} x(k·P)`).toBe(hex(shared));
      }
      expect(mul(c, c.n, c.g)).toBeNull();
      expect(mul(c, 0n, c.g)).toBeNull();
      // (n−1)·G + G is the point at infinity; G + G is 2·G.
      expect(add(c, mul(c, c.n - 1n, c.g), c.g)).toBeNull();
      expect(add(c, c.g, c.g)).toEqual(mul(c, 2n, c.g));
      expect(decodePoint(encodePoint(c.g, c.size), c.size)).toEqual(c.g);
    });
  }
});
