/**
 * CSCA trust stores for passive authentication: Japan's shipped certificates, plus (demo mode only)
 * the simulated deck's test CSCA, plus master-list imports (kioskctl trust import-masterlist).
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
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

/** The `*.der` certificates of imported directories (config trust.cscaDirs); a missing directory is an error. */
export function importedCscas(dirs: readonly string[]): CscaStore["certificates"] {
  return dirs.flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith(".der"))
      .sort()
      .map((f) => ({ der: new Uint8Array(readFileSync(path.join(dir, f))), label: `imported ${path.basename(dir)}/${f}` })),
  );
}
