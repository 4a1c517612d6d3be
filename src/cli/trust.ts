/**
 * `kioskctl trust`: inspect the card-face CA keys the kiosk trusts, and re-derive them from genuine
 * cards instead of trusting our copy (reference §7).
 *
 *   kioskctl trust list [--trust-file PATH]...
 *   kioskctl trust import FILE... [--state-dir DIR]   (residence-card CA certificates: trust-import.ts)
 *   kioskctl trust derive-ca [--exponent E] [--trust-file PATH]... [--json] CERT_FILE CERT_FILE...
 *
 * CERT_FILE holds EF 0004 of a card's 券面AP as read (binary), or the same bytes as hex text.
 * Certificates are grouped by issuer key id; each issuer with two or more different certificates
 * gets its modulus recovered and compared with every shipped key (ca-keys.ts) and trust-file key.
 * `--json` prints the derived keys in the trust-file format, so the output can be reviewed and used.
 *
 * Exit codes: 0 every derivable issuer derived and, where a known key exists for its id, equal to it;
 * 1 a derived key differs from the known key for its id, or a group could not be derived; 2 usage,
 * unreadable or malformed file.
 */
import { readFileSync } from "node:fs";
import { deriveCaModulus, shippedKeys, type TrustAnchor } from "../card/mynumber/auth/ca-keys";
import { parseCvc, type CardVerifiableCertificate } from "../card/mynumber/auth/cvc";
import { loadKeyFile } from "../card/mynumber/auth/trust";
import type { Command, CommandIo } from "./command";
import { listResidence, runTrustImport } from "./trust-import";
import { IMPORT_MASTERLIST_USAGE, importMasterList } from "./trust-masterlist";

const USAGE = [
  "usage: kioskctl trust list [--trust-file PATH]...",
  "       kioskctl trust derive-ca [--exponent E] [--trust-file PATH]... [--json] CERT_FILE CERT_FILE...",
  "       kioskctl trust import CERT_FILE... [--state-dir DIR]",
  IMPORT_MASTERLIST_USAGE,
  "",
  "list        the card-face CA keys in the shipped table (which one is the pinned trust anchor),",
  "            plus the keys of each --trust-file",
  "derive-ca   recover the RSA modulus of the CA that signed two or more EF 0004 certificates",
  "            (binary or hex files): n divides gcd(s^e - EM) over their PKCS#1 v1.5 encodings.",
  "            Prints the modulus and whether it equals the pinned/shipped key for that issuer id.",
  "            With e = 65537 the intermediate numbers have ~134 million bits: this takes a long time",
  "            (see README, section authenticity); --exponent sets e (default 65537).",
  "",
  "import      install residence-card CA certificates (DER/PEM) from the ISA: accepted only when the",
  "            SHA-256 equals a pinned fingerprint; written to <state dir>/trust/residence/.",
  "            Exit codes: 0 imported, 1 refused, 2 usage.",
  "import-masterlist  e-passport CSCAs from an ICAO master list (CMS), after checking its signature and",
  "            its signer's chain to a --signer-ca (the publishing state's CSCA); see docs/kioskctl.md.",
  "",
  "Exit codes: 0 derived and equal (or no known key to compare), 1 differs or not derivable, 2 usage.",
].join("\n");

export const trustCommand: Command = {
  usage: USAGE,
  run(args, io) {
    return Promise.resolve(runTrust(args, io));
  },
};

function runTrust(args: readonly string[], io: CommandIo): number {
  const [sub, ...rest] = args;
  if (sub === "import") return runTrustImport(rest, io);
  if (sub === "import-masterlist") return importMasterList(rest, io);
  const opts = parseOptions(rest, io);
  if (!opts) return 2;
  const known = knownKeys(opts.trustFiles, io);
  if (!known) return 2;
  if (sub === "list" && opts.files.length === 0) {
    const code = list(known, io);
    listResidence(io);
    return code;
  }
  if (sub === "derive-ca") return derive(opts, known, io);
  io.err(`kioskctl trust: expected "list" or "derive-ca CERT_FILE..."\n\n${USAGE}\n`);
  return 2;
}

interface Options {
  exponent: bigint;
  trustFiles: string[];
  json: boolean;
  files: string[];
}

function parseOptions(args: readonly string[], io: CommandIo): Options | null {
  const o: Options = { exponent: 65537n, trustFiles: [], json: false, files: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? "";
    if (a === "--json") o.json = true;
    else if (a === "--exponent" || a === "--trust-file") {
      const v = args[++i];
      if (v === undefined) {
        io.err(`kioskctl trust: ${a} needs a value\n`);
        return null;
      }
      if (a === "--trust-file") o.trustFiles.push(v);
      else if (/^[1-9]\d{0,9}$/.test(v)) o.exponent = BigInt(v);
      else {
        io.err(`kioskctl trust: --exponent must be a positive integer\n`);
        return null;
      }
    } else if (a.startsWith("--")) {
      io.err(`kioskctl trust: unknown option ${a}\n`);
      return null;
    } else o.files.push(a);
  }
  return o;
}

function knownKeys(trustFiles: readonly string[], io: CommandIo): TrustAnchor[] | null {
  const all = shippedKeys();
  for (const f of trustFiles) {
    const r = loadKeyFile(f);
    if (!r.ok) {
      for (const e of r.errors) io.err(`kioskctl trust: ${e}\n`);
      return null;
    }
    all.push(...r.anchors);
  }
  return all;
}

function describe(a: TrustAnchor): string {
  return `${a.id.label} (${a.hierarchy}, ${a.source === "pinned" ? "shipped" : a.source})`;
}

function list(known: readonly TrustAnchor[], io: CommandIo): number {
  for (const a of known) {
    const anchor = a.source === "pinned" && a.hierarchy === "production" && a.id.label === "5000023/001";
    io.out(
      `${a.id.label.padEnd(12)} ${a.hierarchy.padEnd(16)} ${a.source === "pinned" ? "shipped" : a.source}` +
        `${anchor ? "  <- pinned trust anchor for card-face certificates" : ""}\n` +
        `             e=${a.key.exponent} n=${a.key.modulus.toString(16).toUpperCase().slice(0, 32)}…\n`,
    );
  }
  return 0;
}

function readCertificate(path: string): { ok: true; cvc: CardVerifiableCertificate } | { ok: false; error: string } {
  let raw: Uint8Array;
  try {
    raw = new Uint8Array(readFileSync(path));
  } catch (e) {
    return { ok: false, error: `${path}: ${e instanceof Error ? e.message : String(e)}` };
  }
  const text = Buffer.from(raw).toString("latin1").replace(/\s+/g, "");
  const bytes = /^([0-9A-Fa-f]{2})+$/.test(text) ? new Uint8Array(Buffer.from(text, "hex")) : raw;
  const r = parseCvc(bytes);
  return r.ok ? r : { ok: false, error: `${path}: not an EF 0004 certificate (${r.what})` };
}

interface Derived {
  issuerKeyId: string;
  issuerKeyIdHex: string;
  certificates: number;
  exponent: number;
  modulusHex?: string;
  problem?: string;
  /** "equal" / "different" to the known key of the same id; "none" when no key is known for it. */
  known: "equal" | "different" | "none";
  sameModulusAs: string[];
}

function derive(opts: Options, known: readonly TrustAnchor[], io: CommandIo): number {
  if (opts.files.length < 2) {
    io.err(`kioskctl trust derive-ca: needs at least two certificate files\n`);
    return 2;
  }
  const groups = new Map<string, CardVerifiableCertificate[]>();
  for (const f of opts.files) {
    const r = readCertificate(f);
    if (!r.ok) {
      io.err(`kioskctl trust derive-ca: ${r.error}\n`);
      return 2;
    }
    const g = groups.get(r.cvc.issuer.hex) ?? [];
    g.push(r.cvc);
    groups.set(r.cvc.issuer.hex, g);
  }
  const results: Derived[] = [];
  for (const [hex, certs] of groups) {
    const first = certs[0];
    if (!first) continue;
    const r = deriveCaModulus(certs, opts.exponent);
    const byId = known.find((a) => a.id.hex === hex);
    const base = {
      issuerKeyId: first.issuer.label,
      issuerKeyIdHex: hex,
      certificates: certs.length,
      exponent: Number(opts.exponent),
    };
    if (!r.ok) {
      results.push({ ...base, problem: r.reason, known: byId ? "different" : "none", sameModulusAs: [] });
      continue;
    }
    const same = known.filter((a) => a.key.modulus === r.modulus && a.key.exponent === opts.exponent);
    results.push({
      ...base,
      modulusHex: r.modulus.toString(16).toUpperCase(),
      known: !byId ? "none" : same.includes(byId) ? "equal" : "different",
      sameModulusAs: same.map(describe),
    });
  }
  if (opts.json) {
    const keys = results.filter((d) => d.modulusHex !== undefined).map((d) => ({ ...d, hierarchy: "derived" }));
    io.out(JSON.stringify({ keys, problems: results.filter((d) => d.problem !== undefined) }, null, 2) + "\n");
  } else {
    for (const d of results) {
      io.out(`issuer ${d.issuerKeyId} (${d.certificates} certificate${d.certificates === 1 ? "" : "s"}, e=${d.exponent})\n`);
      if (d.modulusHex === undefined) {
        io.out(`  not derived: ${d.problem ?? "unknown"}\n`);
        continue;
      }
      io.out(`  modulus (${d.modulusHex.length * 4} bits):\n`);
      for (let i = 0; i < d.modulusHex.length; i += 64) io.out(`    ${d.modulusHex.slice(i, i + 64)}\n`);
      const verdict =
        d.known === "equal"
          ? "EQUALS the known key for this issuer id"
          : d.known === "different"
            ? "DIFFERS from the known key for this issuer id"
            : "no known key for this issuer id";
      io.out(`  ${verdict}${d.sameModulusAs.length ? `: ${d.sameModulusAs.join(", ")}` : ""}\n`);
    }
  }
  return results.every((d) => d.modulusHex !== undefined && d.known !== "different") ? 0 : 1;
}
