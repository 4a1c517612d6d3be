/**
 * `kioskctl token pubkey` prints the public half of the kiosk's verdict-token key (src/till/issuer.ts)
 * for the till: a JWK, or SPKI PEM with --pem. `kioskctl token verify TOKEN` checks a token as a till
 * must (src/till/verify.ts): the kiosk's own key and issuer by default, or another kiosk's exported
 * public key with --key and --issuer. Replay needs the till's memory of used ids: one command run can
 * only say that the token is otherwise valid, so replay is never reported here (docs/till.md).
 */
import { createPublicKey } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { exportJWK, type JWK } from "jose";
import { loadConfig } from "../config";
import { issuerOf } from "../till/claims";
import { KEY_FILE, readKey, TokenKeyError } from "../till/issuer";
import { memorySeenIds, trustedKiosk, verifyToken } from "../till/verify";
import type { Command, CommandIo } from "./command";
import { readStdinLine } from "./stdin";

const DEFAULT_STATE_DIR = "/var/lib/mynaguard";

const USAGE = [
  "usage: kioskctl token pubkey [--pem] [--state-dir DIR]",
  "       kioskctl token verify TOKEN|- [--key FILE] [--issuer mynaguard:ID] [--state-dir DIR] [--json]",
  "",
  "pubkey: prints the public key of the verdict tokens (DIR/verdict-key.pem; default /var/lib/mynaguard,",
  "or MYNAGUARD_STATE_DIR) as a JWK with its kid (the RFC 7638 thumbprint every token names), or as",
  "SPKI PEM with --pem. Register it at the till. Needs read access to the key file (sudo).",
  "verify: checks TOKEN (\"-\": the first line of standard input) as a till must: EdDSA signature by the",
  "key, typ, issuer, expiry, lifetime <= 120 s, exactly the documented claims. Default key: this kiosk's",
  "own (issuer mynaguard:<kiosk.id> from the config); --key FILE takes a public JWK (as pubkey prints",
  "it) or a PEM public key, with --issuer. Prints the claims (or the problem). A single run keeps no",
  "memory of used ids, so a replay is the till's to refuse (docs/till.md).",
  "Exit codes: 0 valid, 1 refused (problem printed: malformed, bad-signature, wrong-type, foreign-kiosk,",
  "expired, not-yet-valid, lifetime-too-long, unexpected-claims), 2 usage, 3 key missing or unreadable.",
].join("\n");

interface Options {
  stateDir: string;
  pem: boolean;
  json: boolean;
  keyFile: string | null;
  issuer: string | null;
  positional: string[];
}

function parse(args: readonly string[], io: CommandIo): Options | string {
  const o: Options = { stateDir: io.env["MYNAGUARD_STATE_DIR"] ?? DEFAULT_STATE_DIR, pem: false, json: false, keyFile: null, issuer: null, positional: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? "";
    const value = (): string | null => args[++i] ?? null;
    if (a === "--pem") o.pem = true;
    else if (a === "--json") o.json = true;
    else if (a === "--state-dir" || a === "--key" || a === "--issuer") {
      const v = value();
      if (v === null) return `${a} needs a value`;
      if (a === "--state-dir") o.stateDir = v;
      else if (a === "--key") o.keyFile = v;
      else o.issuer = v;
    } else if (a.startsWith("--")) return `unknown option ${a}`;
    else o.positional.push(a);
  }
  return o;
}

/** A public key file: a JWK (JSON) or a PEM public key (a private PEM gives its public half). */
async function publicJwkFromFile(file: string): Promise<JWK> {
  const text = readFileSync(file, "utf8");
  if (text.trimStart().startsWith("{")) return JSON.parse(text) as JWK;
  return exportJWK(createPublicKey(text));
}

export const tokenCommand: Command = {
  usage: USAGE,
  async run(args, io) {
    const [sub, ...rest] = args;
    const o = parse(rest, io);
    if (typeof o === "string") {
      io.err(`kioskctl token: ${o}\n`);
      return 2;
    }
    if (sub === "pubkey") {
      if (o.positional.length > 0 || o.keyFile !== null || o.issuer !== null) {
        io.err("kioskctl token pubkey: takes only --pem and --state-dir\n");
        return 2;
      }
      try {
        const key = await readKey(path.join(o.stateDir, KEY_FILE));
        io.out(o.pem ? String(key.publicKey.export({ type: "spki", format: "pem" })) : `${JSON.stringify(key.jwk, null, 2)}\n`);
        return 0;
      } catch (e) {
        io.err(`kioskctl token: ${e instanceof TokenKeyError ? e.message : "cannot read the key"}\n`);
        return 3;
      }
    }
    if (sub !== "verify") {
      io.err("kioskctl token: expected `pubkey` or `verify` (see --help)\n");
      return 2;
    }
    const [arg, ...extra] = o.positional;
    if (arg === undefined || extra.length > 0) {
      io.err("kioskctl token verify: give one TOKEN (or - for standard input)\n");
      return 2;
    }
    if (o.keyFile !== null && o.issuer === null) {
      io.err("kioskctl token verify: --key needs --issuer (mynaguard:<that kiosk's id>)\n");
      return 2;
    }
    const token = arg === "-" ? ((await readStdinLine(10_000, 8192))?.trim() ?? "") : arg;
    let jwk: JWK;
    try {
      jwk = o.keyFile !== null ? await publicJwkFromFile(o.keyFile) : (await readKey(path.join(o.stateDir, KEY_FILE))).jwk;
    } catch (e) {
      io.err(`kioskctl token: ${e instanceof TokenKeyError ? e.message : `cannot read the key (${e instanceof Error ? e.name : "error"})`}\n`);
      return 3;
    }
    let issuer = o.issuer;
    if (issuer === null) {
      const config = loadConfig({ env: io.env });
      if (!config.ok) {
        io.err(`kioskctl token verify: cannot read the config for kiosk.id (give --issuer):\n${config.errors.join("\n")}\n`);
        return 2;
      }
      issuer = issuerOf(config.config.kiosk.id);
    }
    let kiosk;
    try {
      kiosk = await trustedKiosk(issuer, jwk);
    } catch {
      io.err("kioskctl token: the key is not an Ed25519 public key\n");
      return 3;
    }
    const r = await verifyToken(token, [kiosk], memorySeenIds(), Date.now());
    if (o.json) io.out(`${JSON.stringify(r)}\n`);
    else if (r.ok) io.out(`valid: ${Object.entries(r.claims).map(([k, v]) => `${k}=${String(v)}`).join(" ")}\n`);
    else io.out(`refused: ${r.problem}\n`);
    return r.ok ? 0 : 1;
  },
};
