/**
 * The verdict token as a QR code (issue 19): the `qrcode` package builds the symbol (mode, version,
 * error correction, masking); this file only turns its module matrix into SVG path data, one unit per
 * module, which the UI draws inline (no data: URL, so the page's Content-Security-Policy holds).
 *
 * Error correction L: the code is shown on a screen, not printed on a crumpled receipt, and L keeps
 * a ~500-character JWS at version 15 (77 modules), the largest symbol a till scanner reads easily
 * from an 800×480 panel at ~3 px per module.
 */
import QRCode from "qrcode";

export interface QrMatrix {
  /** Modules per side (quiet zone not included). */
  readonly size: number;
  /** SVG path data: one `M x y h w v 1 h -w z` per horizontal run of dark modules. */
  readonly path: string;
}

export function qrMatrix(text: string): QrMatrix {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: "L" });
  const n = modules.size;
  const parts: string[] = [];
  for (let y = 0; y < n; y++) {
    let x = 0;
    while (x < n) {
      if (!modules.get(y, x)) {
        x++;
        continue;
      }
      const start = x;
      while (x < n && modules.get(y, x)) x++;
      parts.push(`M${start} ${y}h${x - start}v1h${start - x}z`);
    }
  }
  return { size: n, path: parts.join("") };
}
