/**
 * Which CA certificates may certify a residence card's signer certificate (the "ZairyuCard CA" of the
 * Immigration Services Agency, ISA). Built once by the composition root and passed in.
 *
 * - The project pins the SHA-256 fingerprints of the ISA's published CA certificates (`PINNED_ISA_CAS`).
 *   The certificate bytes themselves are NOT shipped: none could be obtained offline, and the
 *   fingerprints are second-hand [2nd] (data/trust/PROVENANCE-other-ids.md §2: the values recorded by
 *   eringoio/zairyu-card-reader, not recomputed here). An installer downloads the certificates from the
 *   ISA pages and imports them with `kioskctl trust import FILE`, which accepts a file only when its
 *   SHA-256 equals a pinned fingerprint (docs/kioskctl.md).
 * - Production trusts only imported certificates whose fingerprint is pinned, never anything else.
 * - Demo mode may add extra CAs (the simulator deck's test CA); production refuses them.
 */
import { X509Certificate, createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

export interface PinnedCa {
  readonly sha256: string;
  readonly label: string;
  /** Card generation whose signer certificates it certifies. */
  readonly generation: 1 | 2;
}

/**
 * ISA CA certificates, SHA-256 of the DER file [2nd: as recorded in eringoio/zairyu-card-reader's
 * manifest, see PROVENANCE-other-ids.md §2; not verified here]. The ISA's separate test CA2 for official
 * test cards (1846b815…) is deliberately NOT pinned.
 */
export const PINNED_ISA_CAS: readonly PinnedCa[] = [
  { sha256: "97f37c5967af5f3cd84e6ed694b09539abb7f8e7e76b6f7496a060008982983d", label: "ZairyuCard CA serial 2A (2015-06-05 → 2025-09-05)", generation: 1 },
  { sha256: "ff02323cea7b8c3dfc0dc2de79d46e78514af587368523086b188e9690aec861", label: "ZairyuCard CA serial 4B (2018-04-06 → 2028-07-06)", generation: 1 },
  { sha256: "6f50161aa80f7ff7c630505faf472906f7b101d5083e327a6182c82cd7985e67", label: "ZairyuCard CA serial 74 (2021-05-27 → 2031-08-27)", generation: 1 },
  { sha256: "bf854466ed9abf61f559c39bf8790546f8acdab99b51fd2330563669ce4a71b2", label: "ZairyuCard CA serial 93 (2024-05-08 → 2034-08-08)", generation: 1 },
  { sha256: "11e6ad8b8e64f0cdb1d8ba9e3689926c80e8479a2f098616f674a23582bec13b", label: "ZairyuCard CA2 serial 01 (2026-04-20 → 2039-07-20)", generation: 2 },
];

export interface ResidenceTrust {
  readonly anchors: readonly { readonly cert: X509Certificate; readonly source: string }[];
}

export function sha256Hex(der: Uint8Array): string {
  return createHash("sha256").update(der).digest("hex");
}

/** DER or PEM (one certificate) → DER bytes, or null. */
export function certificateDer(bytes: Uint8Array): Uint8Array | null {
  const text = Buffer.from(bytes).toString("latin1");
  const m = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(text);
  const der = m ? new Uint8Array(Buffer.from((m[1] ?? "").replace(/\s+/g, ""), "base64")) : bytes;
  try {
    new X509Certificate(der);
    return der;
  } catch {
    return null;
  }
}

export type ImportCheck =
  | { ok: true; der: Uint8Array; pinned: PinnedCa; fileName: string }
  | { ok: false; reason: "not-a-certificate" | "not-pinned" | "not-self-signed"; sha256?: string };

/** Whether a file may be imported: a certificate whose SHA-256 is pinned, self-signed. */
export function checkImport(bytes: Uint8Array, pinned: readonly PinnedCa[] = PINNED_ISA_CAS): ImportCheck {
  const der = certificateDer(bytes);
  if (!der) return { ok: false, reason: "not-a-certificate" };
  const fp = sha256Hex(der);
  const pin = pinned.find((p) => p.sha256 === fp);
  if (!pin) return { ok: false, reason: "not-pinned", sha256: fp };
  const cert = new X509Certificate(der);
  if (!cert.checkIssued(cert) || !cert.verify(cert.publicKey)) return { ok: false, reason: "not-self-signed", sha256: fp };
  return { ok: true, der, pinned: pin, fileName: `${fp}.der` };
}

export interface ResidenceTrustOptions {
  readonly mode: "demo" | "production";
  /** Directory `kioskctl trust import` writes to (<state dir>/trust/residence); missing = none imported. */
  readonly importDir: string | null;
  /** Demo only: extra CA certificates (DER), e.g. the simulator deck's test CA. */
  readonly extraCas?: readonly { readonly der: Uint8Array; readonly source: string }[];
  readonly pinned?: readonly PinnedCa[];
}

export type ResidenceTrustResult = { ok: true; trust: ResidenceTrust; warnings: string[] } | { ok: false; errors: string[] };

/**
 * The imported certificates whose fingerprint is pinned (any other file in the directory is an error
 * in production and skipped with a warning in demo), plus the demo extras.
 */
export function buildResidenceTrust(o: ResidenceTrustOptions): ResidenceTrustResult {
  const extra = o.extraCas ?? [];
  if (o.mode === "production" && extra.length > 0) {
    return { ok: false, errors: ["production mode refuses extra residence-card CAs (demo deck): only imported ISA certificates with a pinned fingerprint are trusted"] };
  }
  const errors: string[] = [];
  const warnings: string[] = [];
  const anchors: { cert: X509Certificate; source: string }[] = [];
  if (o.importDir && existsSync(o.importDir)) {
    for (const name of readdirSync(o.importDir).sort()) {
      const file = path.join(o.importDir, name);
      const c = checkImport(new Uint8Array(readFileSync(file)), o.pinned ?? PINNED_ISA_CAS);
      if (c.ok) anchors.push({ cert: new X509Certificate(c.der), source: `imported:${c.pinned.label}` });
      else (o.mode === "production" ? errors : warnings).push(`residence trust ${file}: ${c.reason}`);
    }
  }
  for (const e of extra) {
    try {
      anchors.push({ cert: new X509Certificate(e.der), source: e.source });
    } catch {
      errors.push(`residence trust ${e.source}: not a certificate`);
    }
  }
  return errors.length ? { ok: false, errors } : { ok: true, trust: { anchors }, warnings };
}
