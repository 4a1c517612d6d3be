/**
 * The staff PIN and its lock-out on disk, in the daemon's state directory (/var/lib/mynaguard, 0700,
 * owned by the daemon's user):
 *
 * - `staff-pin.json` (0600): only a salted slow hash, written by `kioskctl staff-pin set`:
 *   scrypt from node:crypto with N = 2^15, r = 8, p = 1 (32 MiB, ~0.1 s on a desktop core, longer on
 *   a Pi), a 16-byte random salt, a 32-byte key. The PIN itself is never stored or logged. Honest
 *   limit: a 4–8 digit PIN has at most 10^8 values, so whoever can read this file (root, the daemon's
 *   user) can still find it offline; the hash keeps it from being read at a glance, the file
 *   permissions keep everyone else out, and the lock-out bounds guessing at the screen.
 * - `staff-lockout.json` (0600): the lock-out state (flow/staff.ts), rewritten atomically after each
 *   wrong or right PIN, so restarts (systemd allows 5 in 120 s) do not reset it.
 */
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { chmodSync, chownSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { LockoutState, LockoutStore, StaffPinPort } from "../flow/staff";

export const PIN_FILE = "staff-pin.json";
export const LOCKOUT_FILE = "staff-lockout.json";
/** scrypt parameters; stored with every hash so they can be raised later without breaking old files. */
export const SCRYPT = { N: 2 ** 15, r: 8, p: 1, keylen: 32, saltBytes: 16 } as const;
const PIN_RE = /^\d{4,8}$/;

interface PinFile {
  v: 1;
  kdf: "scrypt";
  N: number;
  r: number;
  p: number;
  salt: string;
  hash: string;
}

function derive(pin: string, salt: Buffer, N: number, r: number, p: number, keylen: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(pin, salt, keylen, { N, r, p, maxmem: 256 * N * r }, (e, key) => (e ? reject(e) : resolve(key)));
  });
}

export function validPin(pin: string): boolean {
  return PIN_RE.test(pin);
}

/** Writes `file` atomically with mode 0600, owned like its directory (kioskctl runs as root, the daemon does not). */
function writePrivate(file: string, text: string): void {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}`);
  writeFileSync(tmp, text, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  if (process.getuid?.() === 0) {
    const st = statSync(dir);
    chownSync(tmp, st.uid, st.gid);
  }
  renameSync(tmp, file);
}

/** Hashes a 4–8 digit PIN and stores only the hash in `<stateDir>/staff-pin.json`. */
export async function setStaffPin(stateDir: string, pin: string): Promise<void> {
  if (!validPin(pin)) throw new Error("the staff PIN must be 4 to 8 digits");
  const salt = randomBytes(SCRYPT.saltBytes);
  const key = await derive(pin, salt, SCRYPT.N, SCRYPT.r, SCRYPT.p, SCRYPT.keylen);
  const body: PinFile = { v: 1, kdf: "scrypt", N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p, salt: salt.toString("base64"), hash: key.toString("base64") };
  writePrivate(path.join(stateDir, PIN_FILE), JSON.stringify(body) + "\n");
  // A new PIN also clears the lock-out: the technician who sets it is the staff.
  writePrivate(path.join(stateDir, LOCKOUT_FILE), JSON.stringify({ wrong: 0, locks: 0, lockedUntil: null }) + "\n");
}

function parsePinFile(text: string): PinFile | null {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof j !== "object" || j === null) return null;
  const o = j as Record<string, unknown>;
  const int = (v: unknown, lo: number, hi: number): boolean => typeof v === "number" && Number.isInteger(v) && v >= lo && v <= hi;
  if (o["v"] !== 1 || o["kdf"] !== "scrypt") return null;
  if (!int(o["N"], 2 ** 14, 2 ** 20) || !int(o["r"], 1, 32) || !int(o["p"], 1, 16)) return null;
  if (typeof o["salt"] !== "string" || typeof o["hash"] !== "string") return null;
  if (Buffer.from(o["salt"], "base64").length < 16 || Buffer.from(o["hash"], "base64").length < 16) return null;
  return o as unknown as PinFile;
}

/**
 * The staff PIN port from the state directory: "set" with a readable, well-formed hash file;
 * otherwise "not-set" (login impossible) and `problem` says why (missing vs unreadable/malformed).
 */
export function openStaffPinFile(stateDir: string): { port: StaffPinPort; problem: "missing" | "unreadable" | null } {
  let text: string;
  try {
    text = readFileSync(path.join(stateDir, PIN_FILE), "utf8");
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === "ENOENT";
    return { port: notSet, problem: missing ? "missing" : "unreadable" };
  }
  const f = parsePinFile(text);
  if (!f) return { port: notSet, problem: "unreadable" };
  const salt = Buffer.from(f.salt, "base64");
  const expected = Buffer.from(f.hash, "base64");
  return {
    problem: null,
    port: {
      state: "set",
      async verify(pin) {
        if (!validPin(pin)) return false;
        try {
          const key = await derive(pin, salt, f.N, f.r, f.p, expected.length);
          return timingSafeEqual(key, expected);
        } catch {
          return false;
        }
      },
    },
  };
}

const notSet: StaffPinPort = { state: "not-set", verify: () => Promise.resolve(false) };

/** The lock-out store in `<stateDir>/staff-lockout.json`. A missing or damaged file reads as no lock-out history. */
export function fileLockoutStore(stateDir: string, onError?: (what: string) => void): LockoutStore {
  const file = path.join(stateDir, LOCKOUT_FILE);
  return {
    load() {
      let j: unknown;
      try {
        j = JSON.parse(readFileSync(file, "utf8"));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") onError?.("lockout-file-unreadable");
        return null;
      }
      const o = (typeof j === "object" && j !== null ? j : {}) as Record<string, unknown>;
      const n = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : null);
      const wrong = n(o["wrong"]);
      const locks = n(o["locks"]);
      if (wrong === null || locks === null) {
        onError?.("lockout-file-unreadable");
        return null;
      }
      return { wrong, locks, lockedUntil: n(o["lockedUntil"]) };
    },
    save(state: LockoutState) {
      try {
        writePrivate(file, JSON.stringify(state) + "\n");
      } catch {
        onError?.("lockout-file-unwritable");
      }
    },
  };
}
