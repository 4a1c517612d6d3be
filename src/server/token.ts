/**
 * Who may connect: a fresh random token per daemon start. Only the kiosk browser learns it — from a
 * file readable by the daemon and the kiosk user's group alone (mode 0640) — and presents it as a
 * WebSocket subprotocol (`mynaguard.token.<hex>`); the URL fragment that carries it to the page is
 * never sent over HTTP. See docs/security.md.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { chmodSync, chownSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";

/** The subprotocol the server selects; the token travels as a second offered subprotocol. */
export const WS_PROTOCOL = "mynaguard";
export const TOKEN_PROTOCOL_PREFIX = "mynaguard.token.";

/** 32 random bytes as 64 hex digits. */
export function newToken(): string {
  return randomBytes(32).toString("hex");
}

/** The token offered in a Sec-WebSocket-Protocol header, or null. */
export function tokenFromProtocols(header: string | undefined): string | null {
  for (const p of (header ?? "").split(",")) {
    const t = p.trim();
    if (t.startsWith(TOKEN_PROTOCOL_PREFIX)) return t.slice(TOKEN_PROTOCOL_PREFIX.length);
  }
  return null;
}

/** Constant-time comparison of an offered token with the expected one. */
export function sameToken(offered: string | null, expected: string): boolean {
  if (offered === null) return false;
  const a = Buffer.from(offered, "utf8");
  const b = Buffer.from(expected, "utf8");
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The numeric id of a group by name from /etc/group, or null when there is no such group. */
export function groupId(name: string, groupFile = "/etc/group"): number | null {
  let text: string;
  try {
    text = readFileSync(groupFile, "utf8");
  } catch {
    return null;
  }
  for (const line of text.split("\n")) {
    const [n, , gid] = line.split(":");
    if (n === name && gid !== undefined && /^\d+$/.test(gid)) return Number(gid);
  }
  return null;
}

/**
 * Writes the token atomically with mode 0640 and, when the group exists, group `group` (the kiosk
 * browser's user). Returns whether the group was applied; without it the file is readable by the
 * daemon's own group only.
 */
export function writeTokenFile(file: string, token: string, group: string): { grouped: boolean } {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}`);
  writeFileSync(tmp, token + "\n", { mode: 0o600 });
  chmodSync(tmp, 0o640); // explicit: the unit's UMask=0077 would take the group's read bit away
  const gid = group ? groupId(group) : null;
  let grouped = false;
  if (gid !== null) {
    try {
      chownSync(tmp, -1, gid);
      grouped = true;
    } catch {
      grouped = false;
    }
  }
  renameSync(tmp, file);
  return { grouped };
}
