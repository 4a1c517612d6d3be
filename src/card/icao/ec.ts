/**
 * Elliptic-curve point arithmetic over prime fields (short Weierstrass y² = x³ + ax + b) in bigint,
 * for PACE Generic Mapping, whose mapped generator G' = s·G + H is not a curve's standard generator
 * (node:crypto's ECDH only multiplies the standard one). Jacobian coordinates inside mul; not constant-time — the
 * scalars are ephemeral, used once per session. Curve numbers come from curves.ts. [spec: SEC 1 §2.2]
 */
import * as asn1js from "asn1js";
import { EXPLICIT_CURVES } from "./curves";

export interface Curve {
  readonly name: string;
  readonly p: bigint;
  readonly a: bigint;
  readonly b: bigint;
  readonly g: Point;
  readonly n: bigint;
  /** Field size in bytes. */
  readonly size: number;
}

export type Point = { readonly x: bigint; readonly y: bigint } | null; // null = infinity

const big = (b: Uint8Array): bigint => (b.length === 0 ? 0n : BigInt("0x" + Buffer.from(b).toString("hex")));

export function bigToBytes(v: bigint, size: number): Uint8Array {
  return new Uint8Array(Buffer.from(v.toString(16).padStart(size * 2, "0"), "hex"));
}

export function bytesToBig(b: Uint8Array): bigint {
  return big(b);
}

const cache = new Map<string, Curve>();

/** A curve by OpenSSL name (prime256v1, secp384r1, secp521r1, brainpoolP256r1/384r1/512r1). */
export function curve(name: string): Curve {
  const hit = cache.get(name);
  if (hit) return hit;
  const c = EXPLICIT_CURVES.find((x) => x.name === name);
  if (!c) throw new RangeError(`curve ${name} not known`);
  const seq = asn1js.fromBER(Buffer.from(c.der, "hex")).result as asn1js.Sequence;
  const [, field, cv, base, order] = seq.valueBlock.value as [asn1js.Integer, asn1js.Sequence, asn1js.Sequence, asn1js.OctetString, asn1js.Integer];
  const p = big((field.valueBlock.value[1] as asn1js.Integer).valueBlock.valueHexView);
  const size = Math.ceil(p.toString(16).length / 2);
  const [a, b] = cv.valueBlock.value as [asn1js.OctetString, asn1js.OctetString];
  const g = decodePoint(base.valueBlock.valueHexView, size);
  const out: Curve = { name, p, a: big(a.valueBlock.valueHexView), b: big(b.valueBlock.valueHexView), g, n: big(order.valueBlock.valueHexView), size };
  cache.set(name, out);
  return out;
}

const mod = (v: bigint, m: bigint) => ((v % m) + m) % m;

function inv(v: bigint, m: bigint): bigint {
  let [a, b, x0, x1] = [mod(v, m), m, 1n, 0n];
  while (b !== 0n) {
    const q = a / b;
    [a, b] = [b, a - q * b];
    [x0, x1] = [x1, x0 - q * x1];
  }
  if (a !== 1n) throw new RangeError("not invertible");
  return mod(x0, m);
}

export function add(c: Curve, P: Point, Q: Point): Point {
  if (!P) return Q;
  if (!Q) return P;
  let l: bigint;
  if (P.x === Q.x) {
    if (mod(P.y + Q.y, c.p) === 0n) return null;
    l = mod((3n * P.x * P.x + c.a) * inv(2n * P.y, c.p), c.p);
  } else {
    l = mod((Q.y - P.y) * inv(Q.x - P.x, c.p), c.p);
  }
  const x = mod(l * l - P.x - Q.x, c.p);
  return { x, y: mod(l * (P.x - x) - P.y, c.p) };
}

/** Jacobian coordinates (x = X/Z², y = Y/Z³): no field inversion per step; Z = 0 is infinity. */
type Jacobian = { X: bigint; Y: bigint; Z: bigint };

function jDouble(c: Curve, P: Jacobian): Jacobian {
  const p = c.p;
  if (P.Z === 0n || P.Y === 0n) return { X: 1n, Y: 1n, Z: 0n };
  const xx = (P.X * P.X) % p;
  const yy = (P.Y * P.Y) % p;
  const zz = (P.Z * P.Z) % p;
  const s = (4n * P.X * yy) % p;
  const m = (3n * xx + ((c.a * zz) % p) * zz) % p;
  const x3 = mod(m * m - 2n * s, p);
  const y3 = mod(m * (s - x3) - 8n * ((yy * yy) % p), p);
  return { X: x3, Y: y3, Z: (2n * P.Y * P.Z) % p };
}

/** P + Q with Q affine (mixed addition, EFD "madd"). */
function jAddAffine(c: Curve, P: Jacobian, Q: { x: bigint; y: bigint }): Jacobian {
  const p = c.p;
  if (P.Z === 0n) return { X: Q.x, Y: Q.y, Z: 1n };
  const z1z1 = (P.Z * P.Z) % p;
  const u2 = (Q.x * z1z1) % p;
  const s2 = (((Q.y * P.Z) % p) * z1z1) % p;
  const h = mod(u2 - P.X, p);
  const r = mod(s2 - P.Y, p);
  if (h === 0n) return r === 0n ? jDouble(c, P) : { X: 1n, Y: 1n, Z: 0n };
  const hh = (h * h) % p;
  const hhh = (h * hh) % p;
  const v = (P.X * hh) % p;
  const x3 = mod(r * r - hhh - 2n * v, p);
  const y3 = mod(r * (v - x3) - P.Y * hhh, p);
  return { X: x3, Y: y3, Z: (P.Z * h) % p };
}

/**
 * k·P (k reduced mod n), left-to-right double-and-add in Jacobian coordinates with one inversion at
 * the end (~5× faster than affine steps; the results are checked against node's ECDH and the ICAO
 * PACE worked example in the tests).
 */
export function mul(c: Curve, k: bigint, P: Point): Point {
  const e = mod(k, c.n);
  if (!P || e === 0n) return null;
  let r: Jacobian = { X: 1n, Y: 1n, Z: 0n };
  for (let i = e.toString(2).length - 1; i >= 0; i--) {
    r = jDouble(c, r);
    if ((e >> BigInt(i)) & 1n) r = jAddAffine(c, r, P);
  }
  if (r.Z === 0n) return null;
  const zi = inv(r.Z, c.p);
  const zi2 = (zi * zi) % c.p;
  return { x: (r.X * zi2) % c.p, y: (((r.Y * zi2) % c.p) * zi) % c.p };
}

export function onCurve(c: Curve, P: Point): boolean {
  if (!P) return false;
  return P.x >= 0n && P.x < c.p && P.y >= 0n && P.y < c.p && mod(P.y * P.y - (P.x * P.x * P.x + c.a * P.x + c.b), c.p) === 0n;
}

/** Uncompressed point 04 ‖ x ‖ y. */
export function encodePoint(P: Point, size: number): Uint8Array {
  if (!P) throw new RangeError("point at infinity");
  const out = new Uint8Array(1 + 2 * size);
  out[0] = 4;
  out.set(bigToBytes(P.x, size), 1);
  out.set(bigToBytes(P.y, size), 1 + size);
  return out;
}

/** Decode an uncompressed point (04 ‖ x ‖ y); null when malformed. Membership is checked by the caller (onCurve). */
export function decodePoint(b: Uint8Array, size: number): Point {
  if (b.length !== 1 + 2 * size || b[0] !== 4) return null;
  return { x: big(b.subarray(1, 1 + size)), y: big(b.subarray(1 + size)) };
}

/** A random scalar in [1, n−1] from `random` (rejection of out-of-range values). */
export function randomScalar(c: Curve, random: (n: number) => Uint8Array): bigint {
  for (let i = 0; i < 64; i++) {
    const bytes = random(c.size + 8);
    const k = mod(big(bytes), c.n - 1n) + 1n;
    bytes.fill(0);
    if (k > 0n) return k;
  }
  throw new Error("no scalar");
}
