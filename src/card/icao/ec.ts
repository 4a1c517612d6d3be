/**
 * Elliptic-curve point arithmetic over prime fields (short Weierstrass y² = x³ + ax + b) in bigint,
 * for PACE Generic Mapping, whose mapped generator G' = s·G + H is not a curve's standard generator
 * (node:crypto's ECDH only multiplies the standard one). Affine coordinates; not constant-time — the
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

export function mul(c: Curve, k: bigint, P: Point): Point {
  let r: Point = null;
  let q = P;
  let e = mod(k, c.n);
  while (e > 0n) {
    if (e & 1n) r = add(c, r, q);
    q = add(c, q, q);
    e >>= 1n;
  }
  return r;
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
