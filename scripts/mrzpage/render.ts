/**
 * Draws a fictional TD3 passport data page (125 × 88 mm, ICAO Doc 9303 part 4) as PNG at 12 px/mm,
 * in three layout families:
 * - tuning `classic`: portrait left, visual zone right, MRZ in OCR-B (Debian fonts-ocr-b) through
 *   ImageMagick;
 * - tuning `banded`: portrait right, guilloche background, a lighter MRZ band, OCR-B through ImageMagick;
 * - held-out `heldout`: another layout drawn as SVG and rasterised by librsvg (sharp), the MRZ in
 *   DejaVu Sans Mono Bold: another font AND another text renderer. Nothing is tuned on it.
 * - held-out `heldout-ocrb`: the spec font (OCR-B from Debian fonts-ocr-b, as the tuning families)
 *   drawn by ANOTHER text renderer (SVG through librsvg, i.e. Pango/cairo shaping and rasterisation,
 *   via sharp; the tuning families and the training set use ImageMagick/FreeType) at another page
 *   resolution (16 px/mm), on another page design (dark header band, hatched background, portrait
 *   top right with a ghost image, visual zone left, a tinted MRZ band with a rule). Nothing is tuned on
 *   it: it stands for what an independent evaluator brings (OCR-B, but not our renderer or layout).
 * MRZ geometry (character pitch 2.54 mm = 10 per inch, line pitch ≈ 4.2 mm, the lines in the bottom
 * ≈ 12 mm) follows Doc 9303 part 3/4 as summarised second-hand; each page varies margins, line
 * spacing and font size by a few percent, so no exact position can be relied on.
 */
import sharp from "sharp";
import { convert } from "../cardface/render";
import type { Holder } from "./holders";

export const PAGE_MM = { width: 125, height: 88 } as const;
export const PAGE_PX_PER_MM = 12;
export const PAGE_PX = { width: PAGE_MM.width * PAGE_PX_PER_MM, height: PAGE_MM.height * PAGE_PX_PER_MM };
export const TUNING_FAMILIES = ["classic", "banded"] as const;
export const HELDOUT_FAMILY = "heldout" as const;
export const HELDOUT_OCRB_FAMILY = "heldout-ocrb" as const;
/** Families never tuned on, each reported on its own. */
export const HELDOUT_FAMILIES = [HELDOUT_FAMILY, HELDOUT_OCRB_FAMILY] as const;
export type PageFamily = (typeof TUNING_FAMILIES)[number] | (typeof HELDOUT_FAMILIES)[number];
export const isHeldout = (f: PageFamily): boolean => (HELDOUT_FAMILIES as readonly string[]).includes(f);

const OCRB = "/usr/share/fonts/opentype/ocr-b/OCRB.otf";
const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const px = (mm: number) => Math.round(mm * PAGE_PX_PER_MM);

/** Where the MRZ lies on the page (mm): first character's left edge, each line's baseline. */
export interface MrzPlacement {
  left: number;
  baselines: [number, number];
  pitch: number;
  /** cap height in mm */
  cap: number;
}

export function placeMrz(r: () => number): MrzPlacement {
  const b2 = PAGE_MM.height - (4.8 + r() * 2.2);
  const gap = 4.0 + r() * 0.6;
  return { left: 5.0 + r() * 2.5, baselines: [b2 - gap, b2], pitch: 2.54 * (0.985 + r() * 0.03), cap: 2.25 * (0.94 + r() * 0.12) };
}

function vizDate(yymmdd: string, future: boolean): string {
  const yy = Number(yymmdd.slice(0, 2));
  const year = future ? 2000 + yy : yy > 26 ? 1900 + yy : 2000 + yy;
  return `${yymmdd.slice(4, 6)} ${MONTHS[Number(yymmdd.slice(2, 4)) - 1] ?? "JAN"} ${year}`;
}

interface Viz {
  label: string;
  value: string;
}

function vizFields(h: Holder): Viz[] {
  return [
    { label: "Type / Code", value: `P   ${h.issuer.replace(/</g, "")}` },
    { label: "Passport No.", value: h.documentNumber },
    { label: "Surname", value: h.surname },
    { label: "Given names", value: h.given },
    { label: "Nationality", value: h.nationality.replace(/</g, "") },
    { label: "Date of birth", value: vizDate(h.birth, false) },
    { label: "Sex", value: h.sex === "<" ? "X" : h.sex },
    { label: "Date of expiry", value: vizDate(h.expiry, true) },
  ];
}

function portraitIm(x: number, y: number, w: number, hh: number): string[] {
  const cx = x + w / 2;
  return [
    "-fill", "#cfd3d6", "-draw", `rectangle ${px(x)},${px(y)} ${px(x + w)},${px(y + hh)}`,
    "-fill", "#3a3f48", "-draw", `ellipse ${px(cx)},${px(y + hh)} ${px(w * 0.42)},${px(hh * 0.28)} 180,360`,
    "-fill", "#b08a70", "-draw", `ellipse ${px(cx)},${px(y + hh * 0.4)} ${px(w * 0.22)},${px(hh * 0.22)} 0,360`,
  ];
}

function mrzIm(h: Holder, m: MrzPlacement, font: string): string[] {
  const a: string[] = ["-font", font, "-fill", "#111111", "-pointsize", String((m.cap / 0.75) * PAGE_PX_PER_MM)];
  h.lines.forEach((line, li) => {
    for (let i = 0; i < line.length; i++) a.push("-annotate", `+${px(m.left + i * m.pitch)}+${px(m.baselines[li] ?? 0)}`, line[i] ?? "<");
  });
  return a;
}

function imArgs(family: "classic" | "banded", h: Holder, m: MrzPlacement, r: () => number): string[] {
  const tint = family === "classic" ? "#e8efe6" : "#efe6ee";
  const a = ["-size", `${PAGE_PX.width}x${PAGE_PX.height}`, `gradient:#fbfbf6-${tint}`];
  if (family === "banded") {
    const waves: string[] = [];
    for (let i = 0; i < 22; i++) {
      const y = px(4 + i * 3.2);
      waves.push(`path 'M 0,${y} Q ${px(31)},${y - px(2)} ${px(62)},${y} T ${px(125)},${y}'`);
    }
    a.push("-fill", "none", "-stroke", "#c9b9c6", "-strokewidth", "2", "-draw", waves.join(" "), "-stroke", "none");
    a.push("-fill", "#fafafa", "-draw", `rectangle 0,${px(m.baselines[0] - m.cap - 2.5)} ${PAGE_PX.width},${PAGE_PX.height}`);
  }
  const photoX = family === "classic" ? 5 + r() * 2 : 86 + r() * 3;
  a.push(...portraitIm(photoX, 17 + r() * 3, 32, 40));
  a.push("-font", "DejaVu-Sans-Bold", "-fill", "#2a3a5a", "-pointsize", String(px(3.6)), "-annotate", `+${px(family === "classic" ? 42 : 6)}+${px(8)}`, "PASSPORT");
  const x0 = family === "classic" ? 42 + r() * 3 : 6 + r() * 3;
  let y = family === "classic" ? 16 : 15;
  for (const f of vizFields(h)) {
    a.push("-font", "DejaVu-Sans", "-fill", "#505a68", "-pointsize", String(px(1.7)), "-annotate", `+${px(x0)}+${px(y)}`, f.label);
    a.push("-font", "DejaVu-Sans-Bold", "-fill", "#151515", "-pointsize", String(px(2.9)), "-annotate", `+${px(x0)}+${px(y + 3.4)}`, f.value);
    y += family === "classic" ? 6.6 : 6.2;
  }
  a.push(...mrzIm(h, m, OCRB));
  return a;
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function heldoutSvg(h: Holder, m: MrzPlacement, r: () => number): string {
  const p: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${PAGE_PX.width}" height="${PAGE_PX.height}" viewBox="0 0 ${PAGE_MM.width} ${PAGE_MM.height}">`,
    `<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#f6f3ea"/><stop offset="1" stop-color="#dfe7ef"/></linearGradient></defs>`,
    `<rect width="125" height="88" fill="url(#g)"/>`,
  ];
  for (let i = 0; i < 30; i++) {
    const cx = 62 + (r() - 0.5) * 30;
    p.push(`<circle cx="${cx.toFixed(1)}" cy="40" r="${(6 + i * 1.6).toFixed(1)}" stroke="#c3cfd9" stroke-width="0.07" fill="none"/>`);
  }
  const ph = { x: 6 + r() * 3, y: 22 + r() * 3 };
  p.push(`<rect x="${ph.x.toFixed(2)}" y="${ph.y.toFixed(2)}" width="30" height="38" fill="#d5d0c8"/>`);
  p.push(`<ellipse cx="${(ph.x + 15).toFixed(2)}" cy="${(ph.y + 15).toFixed(2)}" rx="7" ry="9" fill="#9c7a62"/>`);
  p.push(`<text x="6" y="9" font-family="DejaVu Serif" font-size="4.2" font-weight="bold" fill="#5a2a2a">PASSPORT  PASSEPORT</text>`);
  let y = 16;
  const fields = vizFields(h);
  fields.forEach((f, i) => {
    const x = i % 2 === 0 ? 42 : 86;
    p.push(`<text x="${x}" y="${y.toFixed(2)}" font-family="DejaVu Sans" font-size="1.6" fill="#4a4a6a">${esc(f.label)}</text>`);
    p.push(`<text x="${x}" y="${(y + 3.6).toFixed(2)}" font-family="DejaVu Sans Mono" font-size="3.0" fill="#101010">${esc(f.value)}</text>`);
    if (i % 2 === 1) y += 8;
  });
  const size = m.cap / 0.73;
  h.lines.forEach((line, li) => {
    for (let i = 0; i < line.length; i++) {
      p.push(`<text x="${(m.left + i * m.pitch).toFixed(3)}" y="${(m.baselines[li] ?? 0).toFixed(3)}" font-family="DejaVu Sans Mono" font-weight="bold" font-size="${size.toFixed(3)}" fill="#181818">${esc(line[i] ?? "<")}</text>`);
    }
  });
  p.push("</svg>");
  return p.join("");
}

/** `heldout-ocrb` is rasterised at 16 px/mm (the others at 12): another sampling of the same outlines. */
const OCRB_PAGE_PX_PER_MM = 16;

function heldoutOcrbSvg(h: Holder, m: MrzPlacement, r: () => number): string {
  const W = PAGE_MM.width, H = PAGE_MM.height;
  const bandTop = m.baselines[0] - m.cap - 1.8 - r() * 1.2;
  const p: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W * OCRB_PAGE_PX_PER_MM}" height="${H * OCRB_PAGE_PX_PER_MM}" viewBox="0 0 ${W} ${H}">`,
    `<defs><pattern id="hatch" width="1.6" height="1.6" patternUnits="userSpaceOnUse" patternTransform="rotate(${(30 + r() * 20).toFixed(1)})">`,
    `<line x1="0" y1="0" x2="0" y2="1.6" stroke="#cfe0d8" stroke-width="0.25"/></pattern>`,
    `<radialGradient id="bg" cx="0.7" cy="0.35" r="0.9"><stop offset="0" stop-color="#f3f7ef"/><stop offset="1" stop-color="#dde9e4"/></radialGradient></defs>`,
    `<rect width="${W}" height="${H}" fill="url(#bg)"/>`,
    `<rect width="${W}" height="${bandTop.toFixed(2)}" fill="url(#hatch)"/>`,
    // dark header band with the page title
    `<rect width="${W}" height="9.5" fill="#1f3d4f"/>`,
    `<text x="${(4 + r() * 3).toFixed(2)}" y="6.6" font-family="DejaVu Sans" font-weight="bold" font-size="3.8" fill="#f4f1e6" letter-spacing="0.4">PASSPORT · PASS · PASAPORTE</text>`,
  ];
  // portrait top right, a small ghost image beside the MRZ band's top
  const ph = { x: 84 + r() * 4, y: 12.5 + r() * 2 };
  p.push(`<rect x="${ph.x.toFixed(2)}" y="${ph.y.toFixed(2)}" width="31" height="39" rx="1.2" fill="#c9c4bb" stroke="#8a9aa2" stroke-width="0.2"/>`);
  p.push(`<ellipse cx="${(ph.x + 15.5).toFixed(2)}" cy="${(ph.y + 39).toFixed(2)}" rx="13" ry="10" fill="#2f3540"/>`);
  p.push(`<ellipse cx="${(ph.x + 15.5).toFixed(2)}" cy="${(ph.y + 16).toFixed(2)}" rx="7.5" ry="9.5" fill="#a78469"/>`);
  const gx = ph.x - 16 - r() * 3, gy = bandTop - 19;
  p.push(`<rect x="${gx.toFixed(2)}" y="${gy.toFixed(2)}" width="12" height="15" fill="#e6e9e4"/>`);
  p.push(`<ellipse cx="${(gx + 6).toFixed(2)}" cy="${(gy + 6.5).toFixed(2)}" rx="3" ry="4" fill="#cbc5bd"/>`);
  // visual zone left: labels in two languages, values below
  let y = 14.5;
  const x0 = 5 + r() * 3;
  for (const f of vizFields(h)) {
    p.push(`<text x="${x0.toFixed(2)}" y="${y.toFixed(2)}" font-family="DejaVu Sans" font-style="italic" font-size="1.5" fill="#56707c">${esc(f.label)} / ${esc(f.label.toUpperCase())}</text>`);
    p.push(`<text x="${x0.toFixed(2)}" y="${(y + 3.1).toFixed(2)}" font-family="DejaVu Serif" font-weight="bold" font-size="2.7" fill="#1a1a1a">${esc(f.value)}</text>`);
    y += 5.3;
  }
  // signature scribble
  p.push(`<path d="M ${(x0 + 44).toFixed(1)} ${(bandTop - 5).toFixed(1)} c 3 -4 5 4 8 -1 s 4 3 7 -2 s 3 4 6 0" stroke="#23306a" stroke-width="0.35" fill="none"/>`);
  // the MRZ band: tinted, a thin rule above it
  p.push(`<rect x="0" y="${bandTop.toFixed(2)}" width="${W}" height="${(H - bandTop).toFixed(2)}" fill="#f7f8f4"/>`);
  p.push(`<line x1="0" y1="${bandTop.toFixed(2)}" x2="${W}" y2="${bandTop.toFixed(2)}" stroke="#9fb4bd" stroke-width="0.15"/>`);
  // OCR-B: the em size from the cap height (OCR-B's H measured 0.715 em as librsvg draws it, on a
  // 200-px render); every glyph placed on the pitch grid by its own tspan x.
  const size = m.cap / 0.715;
  h.lines.forEach((line, li) => {
    const spans = Array.from(line, (ch, i) => `<tspan x="${(m.left + i * m.pitch).toFixed(3)}">${esc(ch)}</tspan>`).join("");
    p.push(`<text y="${(m.baselines[li] ?? 0).toFixed(3)}" font-family="OCR B" font-style="normal" font-weight="normal" font-size="${size.toFixed(3)}" fill="#0d0f12">${spans}</text>`);
  });
  p.push("</svg>");
  return p.join("");
}

/** The page as PNG with its family's renderer. */
export async function renderPage(family: PageFamily, h: Holder, m: MrzPlacement, r: () => number): Promise<Buffer> {
  if (family === HELDOUT_OCRB_FAMILY) return sharp(Buffer.from(heldoutOcrbSvg(h, m, r))).flatten({ background: "#ffffff" }).png({ compressionLevel: 1 }).toBuffer();
  if (family === HELDOUT_FAMILY) return sharp(Buffer.from(heldoutSvg(h, m, r))).flatten({ background: "#ffffff" }).png({ compressionLevel: 1 }).toBuffer();
  return convert([...imArgs(family, h, m, r), "-define", "png:compression-level=1", "png:-"]);
}
