/**
 * Draws a placed card (families.ts) as a PNG at RENDER_PX_PER_MM. Three independent text renderers:
 * ImageMagick 6 `convert` (four tuning families), Chromium's HTML text (Skia; the `compact` tuning
 * family, through playwright-core and /usr/bin/chromium) and SVG rasterised by librsvg through sharp
 * (the held-out family), so families differ in glyph rasterisation and hinting, not only in layout.
 * Fonts come from Debian's fonts-noto-cjk, fonts-dejavu and fonts-ipaexfont-{mincho,gothic}.
 * Everything printed is fictional.
 */
import { spawn } from "node:child_process";
import { chromium, type Browser, type Page } from "playwright-core";
import sharp from "sharp";
import { toEraDate, eraById } from "../../src/age/era";
import { CARD_MM, type FontName, type PlacedCard, type PlacedGroup, type TextRun } from "./families";
import type { CardPerson } from "./people";

/** 12 px/mm: above the ≤ 9 px/mm a card covers in a 1024-px frame, so photographing only shrinks. */
export const RENDER_PX_PER_MM = 12;
export const RENDER_SIZE = { width: Math.round(CARD_MM.width * RENDER_PX_PER_MM), height: Math.round(CARD_MM.height * RENDER_PX_PER_MM) };

const px = (v: number) => Math.round(v * RENDER_PX_PER_MM);

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

const IM_FONT: Record<FontName, string> = {
  "Noto Sans CJK JP": "Noto-Sans-CJK-JP",
  "Noto Serif CJK JP": "Noto-Serif-CJK-JP",
  "Noto Sans Mono CJK JP": "Noto-Sans-Mono-CJK-JP",
  "DejaVu Sans": "DejaVu-Sans",
  "DejaVu Serif": "DejaVu-Serif",
  "DejaVu Sans Mono": "DejaVu-Sans-Mono",
  IPAexMincho: "IPAexMincho",
  IPAexGothic: "IPAexGothic",
};

/** Runs `convert args…` and returns its stdout (asynchronous, so several run in parallel). */
export function convert(args: string[], input?: Buffer, timeoutMs = 60_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const c = spawn("convert", args, { stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const t = setTimeout(() => c.kill("SIGKILL"), timeoutMs);
    c.stdout.on("data", (b: Buffer) => out.push(b));
    c.stderr.on("data", (b: Buffer) => err.push(b));
    c.on("error", (e) => {
      clearTimeout(t);
      reject(e);
    });
    c.on("close", (code) => {
      clearTimeout(t);
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new Error(`convert failed (${String(code)}): ${Buffer.concat(err).toString().slice(0, 400)}`));
    });
    c.stdin.on("error", () => undefined);
    c.stdin.end(input ?? Buffer.alloc(0));
  });
}

function imRun(t: TextRun): string[] {
  const font = IM_FONT[t.font] + (t.weight === "bold" ? "-Bold" : "");
  return ["-font", font, "-fill", t.fill, "-pointsize", String(px(t.size)), "-annotate", `+${px(t.x)}+${px(t.y)}`, t.text];
}

function portraitIm(g: PlacedGroup, tone: number): string[] {
  const b = g.rects[0]?.box;
  if (!b) return [];
  const head = `rgb(${tone + 40},${tone + 20},${tone})`;
  const cx = b.x + b.w / 2;
  const k = b.h / 30;
  return [
    "-fill", "#d8dde0", "-draw", `rectangle ${px(b.x)},${px(b.y)} ${px(b.x + b.w)},${px(b.y + b.h)}`,
    "-fill", "#3a3f48", "-draw", `ellipse ${px(cx)},${px(b.y + b.h)} ${px(9.5 * k)},${px(9 * k)} 180,360`,
    "-fill", head, "-draw", `ellipse ${px(cx)},${px(b.y + 12 * k)} ${px(5.2 * k)},${px(6.8 * k)} 0,360`,
    "-fill", "#2b2420", "-draw", `ellipse ${px(cx)},${px(b.y + 7.5 * k)} ${px(5.4 * k)},${px(3.2 * k)} 180,360`,
  ];
}

/** IM6 arguments (without the output) for a placed card. */
export function cardArgs(c: PlacedCard): string[] {
  const args = ["-size", `${RENDER_SIZE.width}x${RENDER_SIZE.height}`, `gradient:#fbfcf8-${c.tint}`, "-gravity", "NorthWest"];
  for (const g of c.groups) {
    if (g.key === "photo") {
      args.push(...portraitIm(g, c.tone));
      continue;
    }
    for (const r of g.rects) {
      args.push("-fill", r.fill, "-stroke", r.stroke, "-strokewidth", String(Math.max(1, px(r.strokeMm))));
      args.push("-draw", `rectangle ${px(r.box.x)},${px(r.box.y)} ${px(r.box.x + r.box.w)},${px(r.box.y + r.box.h)}`, "-stroke", "none");
    }
    for (const r of g.runs) args.push(...imRun(r));
  }
  return args;
}

/** The fictional portrait (background, shoulders, head, hair) as SVG elements in card mm. */
function portraitSvg(b: { x: number; y: number; w: number; h: number }, t: number, bg: string, shoulders: string): string[] {
  const k = b.h / 30, cx = b.x + b.w / 2;
  return [
    `<rect x="${b.x.toFixed(2)}" y="${b.y.toFixed(2)}" width="${b.w.toFixed(2)}" height="${b.h.toFixed(2)}" fill="${bg}"/>`,
    `<path d="M ${(cx - 9.5 * k).toFixed(2)} ${(b.y + b.h).toFixed(2)} A ${(9.5 * k).toFixed(2)} ${(9 * k).toFixed(2)} 0 0 1 ${(cx + 9.5 * k).toFixed(2)} ${(b.y + b.h).toFixed(2)} Z" fill="${shoulders}"/>`,
    `<ellipse cx="${cx.toFixed(2)}" cy="${(b.y + 12 * k).toFixed(2)}" rx="${(5.2 * k).toFixed(2)}" ry="${(6.8 * k).toFixed(2)}" fill="rgb(${t + 40},${t + 20},${t})"/>`,
    `<path d="M ${(cx - 5.4 * k).toFixed(2)} ${(b.y + 7.5 * k).toFixed(2)} A ${(5.4 * k).toFixed(2)} ${(3.2 * k).toFixed(2)} 0 0 1 ${(cx + 5.4 * k).toFixed(2)} ${(b.y + 7.5 * k).toFixed(2)} Z" fill="#2b2420"/>`,
  ];
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** SVG for a placed card (text baseline = top + 0.88 em, the ascent of the Noto CJK and DejaVu faces). */
export function cardSvg(c: PlacedCard): string {
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${RENDER_SIZE.width}" height="${RENDER_SIZE.height}" viewBox="0 0 ${CARD_MM.width} ${CARD_MM.height}">`,
    `<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#fdfdfa"/><stop offset="1" stop-color="${c.tint}"/></linearGradient></defs>`,
    `<rect width="${CARD_MM.width}" height="${CARD_MM.height}" fill="url(#g)"/>`,
  ];
  // faint guilloche-like background lines (decoration the tuning families never have)
  for (let i = 0; i < 14; i++) {
    const y = 3 + i * 3.7;
    parts.push(`<path d="M0 ${y.toFixed(1)} Q 21 ${(y - 2).toFixed(1)} 43 ${y.toFixed(1)} T 86 ${y.toFixed(1)}" stroke="#c9d3cc" stroke-width="0.08" fill="none"/>`);
  }
  for (const g of c.groups) {
    if (g.key === "photo") {
      const b = g.rects[0]?.box;
      if (!b) continue;
      parts.push(...portraitSvg(b, c.tone, "#dcdad4", "#40444c"));
      continue;
    }
    for (const r of g.rects) {
      parts.push(`<rect x="${r.box.x.toFixed(2)}" y="${r.box.y.toFixed(2)}" width="${r.box.w.toFixed(2)}" height="${r.box.h.toFixed(2)}" fill="${r.fill}" stroke="${r.stroke}" stroke-width="${r.strokeMm}"/>`);
    }
    for (const r of g.runs) {
      parts.push(
        `<text x="${r.x.toFixed(2)}" y="${(r.y + r.size * 0.88).toFixed(2)}" font-family="${r.font}" font-size="${r.size.toFixed(3)}" font-weight="${r.weight ?? "normal"}" fill="${r.fill}" xml:space="preserve">${esc(r.text)}</text>`,
      );
    }
  }
  parts.push("</svg>");
  return parts.join("");
}

/** The portrait, certificate boxes and a fine rosette pattern (the `compact` family's background) as
 *  one inline SVG; the text goes on top as HTML (cardHtml). */
function backgroundSvg(c: PlacedCard): string {
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${RENDER_SIZE.width}" height="${RENDER_SIZE.height}" viewBox="0 0 ${CARD_MM.width} ${CARD_MM.height}" style="position:absolute;left:0;top:0">`];
  // rosette: circles around two centres, thin and light (a print pattern, not a line the OCR should see)
  for (const [cx, cy] of [[30, 30], [70, 20]] as const) {
    for (let r = 4; r < 60; r += 2.2) parts.push(`<circle cx="${cx}" cy="${cy}" r="${r.toFixed(1)}" fill="none" stroke="#c8d0d8" stroke-width="0.06"/>`);
  }
  for (const g of c.groups) {
    if (g.key === "photo") {
      const b = g.rects[0]?.box;
      if (!b) continue;
      parts.push(...portraitSvg(b, c.tone, "#d6dadf", "#3c4048"));
      continue;
    }
    for (const r of g.rects) parts.push(`<rect x="${r.box.x.toFixed(2)}" y="${r.box.y.toFixed(2)}" width="${r.box.w.toFixed(2)}" height="${r.box.h.toFixed(2)}" fill="${r.fill}" stroke="${r.stroke}" stroke-width="${r.strokeMm}"/>`);
  }
  parts.push("</svg>");
  return parts.join("");
}

/** HTML for a placed card: every text run an absolutely placed element (top of its em box at `y`,
 *  line-height 1), drawn by Chromium's own text stack. */
export function cardHtml(c: PlacedCard): string {
  const runs = c.groups.flatMap((g) =>
    g.runs.map(
      (r) =>
        `<div style="position:absolute;left:${(r.x * RENDER_PX_PER_MM).toFixed(1)}px;top:${(r.y * RENDER_PX_PER_MM).toFixed(1)}px;font-family:'${r.font}';font-size:${(r.size * RENDER_PX_PER_MM).toFixed(2)}px;line-height:1;white-space:pre;color:${r.fill};font-weight:${r.weight ?? "normal"}">${esc(r.text)}</div>`,
    ),
  );
  return `<!doctype html><html><head><meta charset="utf-8"></head><body style="margin:0"><div style="position:relative;width:${RENDER_SIZE.width}px;height:${RENDER_SIZE.height}px;overflow:hidden;background:linear-gradient(135deg,#fbfcf8,${c.tint})">${backgroundSvg(c)}${runs.join("")}</div></body></html>`;
}

/** One headless Chromium for the whole run, one page, renders one at a time (closeRenderers()). */
let browser: Promise<Browser> | null = null;
let pageP: Promise<Page> | null = null;
let queue: Promise<unknown> = Promise.resolve();

async function chromiumPng(html: string): Promise<Buffer> {
  browser ??= chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox", "--font-render-hinting=none"] });
  pageP ??= browser.then(async (b) => {
    const p = await b.newPage({ viewport: RENDER_SIZE, deviceScaleFactor: 1 });
    return p;
  });
  const page = await pageP;
  const job = queue.then(async () => {
    await page.setContent(html, { waitUntil: "load" });
    await page.evaluate(async () => {
      await document.fonts.ready;
    });
    return page.screenshot({ type: "png", clip: { x: 0, y: 0, ...RENDER_SIZE } });
  });
  queue = job.catch(() => undefined);
  return job;
}

/** Close the Chromium of the `chromium` renderer, if one was started. */
export async function closeRenderers(): Promise<void> {
  const b = browser;
  browser = null;
  pageP = null;
  if (b) await (await b).close();
}

/** The card as PNG, with the family's renderer. */
export async function renderPlaced(c: PlacedCard): Promise<Buffer> {
  if (c.renderer === "chromium") return chromiumPng(cardHtml(c));
  if (c.renderer === "svg") return sharp(Buffer.from(cardSvg(c))).flatten({ background: "#ffffff" }).png({ compressionLevel: 1 }).toBuffer();
  return convert([...cardArgs(c), "-define", "png:compression-level=1", "png:-"]);
}

/** The back (the number side), own layout: 12-digit number band at the top, a QR-like block right. */
export function backArgs(p: CardPerson, font: FontName, r: () => number): string[] {
  const num = Array.from({ length: 12 }, () => Math.floor(r() * 10)).join("");
  const q = { x: 60, y: 24, w: 21 };
  const n = 25;
  const cell = (q.w / n) * RENDER_PX_PER_MM;
  const rects: string[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const finder = (i < 7 && j < 7) || (i < 7 && j >= n - 7) || (i >= n - 7 && j < 7);
      if (finder ? i % 6 === 0 || j % 6 === 0 || (i % 7 >= 2 && i % 7 <= 4 && j % 7 >= 2 && j % 7 <= 4) : r() < 0.5) {
        const x = px(q.x) + j * cell;
        const y = px(q.y) + i * cell;
        rects.push(`rectangle ${Math.round(x)},${Math.round(y)} ${Math.round(x + cell)},${Math.round(y + cell)}`);
      }
    }
  }
  const f = IM_FONT[font];
  const t = (size: number, x: number, y: number, s: string, ff = f) => ["-font", ff, "-fill", "#1a1a1a", "-pointsize", String(px(size)), "-annotate", `+${px(x)}+${px(y)}`, s];
  return [
    "-size", `${RENDER_SIZE.width}x${RENDER_SIZE.height}`, "gradient:#fbfcf8-#e9eef0", "-gravity", "NorthWest",
    ...t(2.0, 4.0, 2.5, "個人番号"),
    ...t(6.0, 5.0, 6.5, `${num.slice(0, 4)} ${num.slice(4, 8)} ${num.slice(8)}`, IM_FONT["Noto Sans CJK JP"]),
    ...t(1.8, 4.0, 20.0, "氏名"),
    ...t(3.2, 10.0, 19.5, p.name.replace(/\n/g, " ")),
    ...t(1.8, 4.0, 28.0, "生年月日"),
    ...t(3.0, 14.0, 27.5, birthText(p)),
    "-fill", "#111111", "-draw", rects.join(" "),
  ];
}

export async function renderBack(p: CardPerson, font: FontName, r: () => number): Promise<Buffer> {
  return convert([...backArgs(p, font, r), "-define", "png:compression-level=1", "png:-"]);
}
