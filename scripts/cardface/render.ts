/**
 * ImageMagick (IM6 `convert`) argument arrays that draw a My Number card front or back at 20 px/mm
 * (1712 × 1080), following src/cardfront/layout.ts. Fonts come from Debian's fonts-noto-cjk
 * (Noto Sans CJK JP = gothic, Noto Serif CJK JP = mincho). Everything printed is fictional.
 */
import { toEraDate, eraById } from "../../src/age/era";
import { CARD_MM, FRONT, BACK } from "../../src/cardfront/layout";
import type { CardPerson } from "./people";

export const RENDER_PX_PER_MM = 20;
export const RENDER_SIZE = { width: Math.round(CARD_MM.width * RENDER_PX_PER_MM), height: Math.round(CARD_MM.height * RENDER_PX_PER_MM) };

export type CardFont = "Noto-Sans-CJK-JP" | "Noto-Serif-CJK-JP";

const mm = (v: number) => Math.round(v * RENDER_PX_PER_MM);

/** "昭和55年 2月17日生", "令和元年 5月 1日生" or "1992年 2月29日生" as printed. */
export function birthText(p: CardPerson): string {
  const md = `${String(p.birth.month).padStart(2, " ")}月${String(p.birth.day).padStart(2, " ")}日生`;
  if (p.birthPrinting === "western") return `${p.birth.year}年${md}`;
  const e = toEraDate(p.birth);
  if (!e) throw new Error("birth before Meiji");
  const y = e.eraYear === 1 ? "元" : String(e.eraYear).padStart(2, " ");
  return `${eraById(e.era).kanji}${y}年${md}`;
}

export function expiryText(p: CardPerson): string {
  return `${p.expiry.year}年${String(p.expiry.month).padStart(2, " ")}月${String(p.expiry.day).padStart(2, " ")}日まで有効`;
}

function text(font: string, sizeMm: number, xMm: number, yMm: number, s: string, fill = "#1a1a1a"): string[] {
  return ["-font", font, "-fill", fill, "-pointsize", String(mm(sizeMm)), "-annotate", `+${mm(xMm)}+${mm(yMm)}`, s];
}

function background(tint: string): string[] {
  return [
    "-size", `${RENDER_SIZE.width}x${RENDER_SIZE.height}`, `gradient:#fbfcf8-${tint}`,
    "-gravity", "NorthWest",
  ];
}

/** Card front. `r` gives the small per-card variations (tint, portrait tone). */
export function frontArgs(p: CardPerson, font: CardFont, r: () => number): string[] {
  const ph = FRONT.photo;
  const tone = 90 + Math.floor(r() * 80);
  const head = `rgb(${tone + 40},${tone + 20},${tone})`;
  const cx = ph.x + ph.w / 2;
  const bodyFont = font;
  return [
    ...background(r() < 0.5 ? "#e3eef5" : "#f1e6ee"),
    // title and labels
    ...text(bodyFont, 3.0, 3.0, 2.2, "個人番号カード", "#203060"),
    ...text(bodyFont, 1.8, 3.0, 9.6, "氏名"),
    ...text(bodyFont, 4.0, 11.0, 8.6, p.name),
    ...text(bodyFont, 1.8, 3.0, 16.6, "住所"),
    ...text(bodyFont, 2.6, 11.0, 16.0, p.address),
    ...text(bodyFont, 1.8, 3.0, 27.9, "生年月日"),
    ...text(bodyFont, 3.2, 14.0, 27.2, birthText(p)),
    ...text(bodyFont, 1.8, 48.0, 27.9, "性別"),
    ...text(bodyFont, 3.2, 53.0, 27.2, p.sex),
    // expiry box
    "-fill", "none", "-stroke", "#c05070", "-strokewidth", "3",
    "-draw", `rectangle ${mm(2.5)},${mm(36.4)} ${mm(44.0)},${mm(42.6)}`,
    "-stroke", "none",
    ...text(bodyFont, 3.2, 4.0, 37.2, expiryText(p)),
    // certificate expiry boxes and issuer seal line (decoration)
    "-fill", "none", "-stroke", "#999999", "-strokewidth", "2",
    "-draw", `rectangle ${mm(2.5)},${mm(44.5)} ${mm(56.0)},${mm(51.5)}`,
    "-stroke", "none",
    ...text(bodyFont, 1.6, 3.5, 45.0, "電子証明書の有効期限の記載欄", "#777777"),
    ...text(bodyFont, 2.0, 62.0, 48.5, "〇〇市長", "#333333"),
    // photo
    "-fill", "#d8dde0", "-draw", `rectangle ${mm(ph.x)},${mm(ph.y)} ${mm(ph.x + ph.w)},${mm(ph.y + ph.h)}`,
    "-fill", "#3a3f48", "-draw", `ellipse ${mm(cx)},${mm(ph.y + ph.h)} ${mm(9.5)},${mm(9)} 180,360`,
    "-fill", head, "-draw", `ellipse ${mm(cx)},${mm(ph.y + 12)} ${mm(5.2)},${mm(6.8)} 0,360`,
    "-fill", "#2b2420", "-draw", `ellipse ${mm(cx)},${mm(ph.y + 7.5)} ${mm(5.4)},${mm(3.2)} 180,360`,
    // security code under the photo
    ...text("Noto-Sans-CJK-JP", 2.4, 67.0, 40.6, p.securityCode.split("").join(" ")),
  ];
}

/** Card back (the number side): a fictional 12-digit number, name, birth date and a QR-like block. */
export function backArgs(p: CardPerson, font: CardFont, r: () => number): string[] {
  const num = Array.from({ length: 12 }, () => Math.floor(r() * 10)).join("");
  const q = BACK.qr;
  const n = 25;
  const cell = (q.w / n) * RENDER_PX_PER_MM;
  const rects: string[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const finder = (i < 7 && j < 7) || (i < 7 && j >= n - 7) || (i >= n - 7 && j < 7);
      if (finder ? i % 6 === 0 || j % 6 === 0 || (i % 7 >= 2 && i % 7 <= 4 && j % 7 >= 2 && j % 7 <= 4) : r() < 0.5) {
        const x = mm(q.x) + j * cell;
        const y = mm(q.y) + i * cell;
        rects.push(`rectangle ${Math.round(x)},${Math.round(y)} ${Math.round(x + cell)},${Math.round(y + cell)}`);
      }
    }
  }
  return [
    ...background("#e9eef0"),
    ...text(font, 2.0, 4.0, 2.5, "個人番号"),
    ...text("Noto-Sans-CJK-JP", 6.0, 5.0, 6.5, `${num.slice(0, 4)} ${num.slice(4, 8)} ${num.slice(8)}`),
    ...text(font, 1.8, 4.0, 20.0, "氏名"),
    ...text(font, 3.2, 10.0, 19.5, p.name),
    ...text(font, 1.8, 4.0, 28.0, "生年月日"),
    ...text(font, 3.0, 14.0, 27.5, birthText(p)),
    "-fill", "#111111", "-draw", rects.join(" "),
  ];
}
