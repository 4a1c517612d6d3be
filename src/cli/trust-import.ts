/**
 * `kioskctl trust import FILE... [--state-dir DIR]`: install the ISA's residence-card CA certificates
 * (DER or PEM) that the kiosk trusts. A file is accepted only when its SHA-256 equals a fingerprint
 * pinned in the project (card/residence/trust.ts `PINNED_ISA_CAS`, second-hand: see docs/kioskctl.md)
 * and it is self-signed; it is then written as <state dir>/trust/residence/<sha256>.der, where the
 * daemon reads it at start. Anything else is refused and nothing is written.
 *
 * Exit codes: 0 every file imported (or already there); 1 a file was refused; 2 usage or unreadable file.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { checkImport, PINNED_ISA_CAS, type PinnedCa } from "../card/residence/trust";
import type { CommandIo } from "./command";

export const DEFAULT_STATE_DIR = "/var/lib/mynaguard";

/** Where the daemon looks for imported residence-card CA certificates. */
export function residenceTrustDir(stateDir: string): string {
  return path.join(stateDir, "trust", "residence");
}

/** `pinned`: tests pass their own list (the real certificates are not in the repository). */
export function runTrustImport(args: readonly string[], io: CommandIo, pinned: readonly PinnedCa[] = PINNED_ISA_CAS): number {
  let dir = io.env["MYNAGUARD_STATE_DIR"] ?? DEFAULT_STATE_DIR;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? "";
    if (a === "--state-dir") {
      const v = args[++i];
      if (v === undefined) {
        io.err("kioskctl trust import: --state-dir needs a value\n");
        return 2;
      }
      dir = v;
    } else if (a.startsWith("--")) {
      io.err(`kioskctl trust import: unknown option ${a}\n`);
      return 2;
    } else files.push(a);
  }
  if (files.length === 0) {
    io.err("kioskctl trust import: needs a certificate file (DER or PEM)\n");
    return 2;
  }
  const target = residenceTrustDir(dir);
  let refused = 0;
  for (const f of files) {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(readFileSync(f));
    } catch (e) {
      io.err(`kioskctl trust import: ${f}: ${e instanceof Error ? e.message : String(e)}\n`);
      return 2;
    }
    const c = checkImport(bytes, pinned);
    if (!c.ok) {
      refused++;
      const why =
        c.reason === "not-pinned"
          ? `SHA-256 ${c.sha256 ?? "?"} is not one of the ${pinned.length} pinned ISA CA fingerprints`
          : c.reason === "not-self-signed"
            ? "not a self-signed CA certificate"
            : "not an X.509 certificate (DER or PEM)";
      io.err(`kioskctl trust import: REFUSED ${f}: ${why}\n`);
      continue;
    }
    const out = path.join(target, c.fileName);
    if (existsSync(out)) {
      io.out(`already imported: ${c.pinned.label} (${out})\n`);
      continue;
    }
    mkdirSync(target, { recursive: true, mode: 0o755 });
    writeFileSync(out, c.der, { mode: 0o644 });
    io.out(`imported: ${c.pinned.label} -> ${out} (restart the daemon to use it)\n`);
  }
  return refused > 0 ? 1 : 0;
}

/** `trust list`'s residence section: each pinned fingerprint and whether it is imported. */
export function listResidence(io: CommandIo): void {
  const dir = residenceTrustDir(io.env["MYNAGUARD_STATE_DIR"] ?? DEFAULT_STATE_DIR);
  io.out(`\nresidence card CAs (pinned SHA-256 [2nd]; imported into ${dir}):\n`);
  for (const p of PINNED_ISA_CAS) {
    io.out(`  ${existsSync(path.join(dir, `${p.sha256}.der`)) ? "imported    " : "not imported"}  ${p.label}\n    ${p.sha256}\n`);
  }
}
