/**
 * CSCA trust stores for passive authentication: Japan's shipped certificates, plus (demo mode only)
 * the simulated deck's test CSCA, plus master-list imports (kioskctl trust import-masterlist).
 */
import type { CscaStore } from "../pa";
import { JP_CSCA_PEM } from "./jp";

export function pemToDer(pem: string): Uint8Array {
  const b64 = pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, "").replace(/\s+/g, "");
  return new Uint8Array(Buffer.from(b64, "base64"));
}

/** Japan's eight CSCA certificates (roots and links), labelled by file name. */
export function japanCscas(): CscaStore["certificates"] {
  return JP_CSCA_PEM.map((c) => ({ der: pemToDer(c.pem), label: `JP ${c.file.replace(/\.pem$/, "")}` }));
}

export function cscaStore(...parts: CscaStore["certificates"][]): CscaStore {
  return { certificates: parts.flat() };
}
