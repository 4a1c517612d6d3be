/**
 * `kioskctl trust import-masterlist`: import the CSCA certificates of an ICAO master list into a
 * directory of DER files, after checking the list's CMS signature and its signer's chain to a CA the
 * operator names (issue 18).
 *
 *   kioskctl trust import-masterlist --signer-ca CERT [--signer-ca CERT]... [--country CC] [--out DIR] [--json] FILE
 *
 * FILE is the master list as published (.ml, DER CMS). CERT is the publishing state's CSCA (PEM or
 * DER), obtained out of band: a list never vouches for itself. Each imported certificate is written
 * to DIR (default ./csca-import) as `<country>_<serial>.der`, with `PROVENANCE.json` (source file
 * SHA-256, signer, signer CA, date, one entry per certificate).
 *
 * Exit codes: 0 imported; 1 the list does not verify (bad signature, signer not trusted or expired,
 * malformed); 2 usage or unreadable file.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pemToDer } from "../card/icao/csca/store";
import { verifyMasterList } from "../card/icao/masterlist";
import type { CommandIo } from "./command";

export const IMPORT_MASTERLIST_USAGE =
  "       kioskctl trust import-masterlist --signer-ca CERT [--signer-ca CERT]... [--country CC] [--out DIR] [--json] FILE";

function readCert(file: string): Uint8Array {
  const raw = readFileSync(file);
  const text = raw.toString("latin1");
  return text.includes("-----BEGIN CERTIFICATE-----") ? pemToDer(text) : new Uint8Array(raw);
}

export function importMasterList(args: readonly string[], io: CommandIo, today: Date = new Date()): number {
  const signerFiles: string[] = [];
  let country: string | undefined;
  let out = "csca-import";
  let json = false;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? "";
    if (a === "--json") json = true;
    else if (a === "--signer-ca" || a === "--country" || a === "--out") {
      const v = args[++i];
      if (v === undefined) {
        io.err(`kioskctl trust import-masterlist: ${a} needs a value\n`);
        return 2;
      }
      if (a === "--signer-ca") signerFiles.push(v);
      else if (a === "--out") out = v;
      else if (/^[A-Za-z]{2}$/.test(v)) country = v.toUpperCase();
      else {
        io.err("kioskctl trust import-masterlist: --country takes a two-letter code\n");
        return 2;
      }
    } else files.push(a);
  }
  const file = files[0];
  if (files.length !== 1 || !file || signerFiles.length === 0) {
    io.err(`usage:\n${IMPORT_MASTERLIST_USAGE}\n`);
    return 2;
  }
  let ml: Uint8Array;
  let signers: { der: Uint8Array; label: string }[];
  try {
    ml = new Uint8Array(readFileSync(file));
    signers = signerFiles.map((f) => ({ der: readCert(f), label: path.basename(f) }));
  } catch (e) {
    io.err(`kioskctl trust import-masterlist: cannot read: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  const r = verifyMasterList(ml, { certificates: signers }, today, country);
  if (!r.ok) {
    io.err(`kioskctl trust import-masterlist: ${r.problem}: ${r.detail}\n`);
    return 1;
  }
  mkdirSync(out, { recursive: true });
  const entries = r.certificates.map((c) => {
    const name = `${c.country || "XX"}_${c.serialHex}.der`;
    writeFileSync(path.join(out, name), c.der);
    return { file: name, subject: c.subject, serial: c.serialHex, notBefore: c.notBefore.toISOString(), notAfter: c.notAfter.toISOString(), sha256: createHash("sha256").update(c.der).digest("hex") };
  });
  const provenance = {
    source: path.basename(file),
    sourceSha256: createHash("sha256").update(ml).digest("hex"),
    signer: r.signer.subject,
    signerSerial: r.signer.serialHex,
    signerCa: r.signer.by,
    importedAt: today.toISOString(),
    country: country ?? null,
    certificates: entries,
  };
  writeFileSync(path.join(out, "PROVENANCE.json"), JSON.stringify(provenance, null, 2) + "\n");
  if (json) io.out(JSON.stringify(provenance, null, 2) + "\n");
  else io.out(`imported ${entries.length} CSCA certificate(s) into ${out} (list signed by ${r.signer.subject}, chained to ${r.signer.by})\n`);
  return 0;
}
