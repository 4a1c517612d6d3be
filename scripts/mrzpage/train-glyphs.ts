/**
 * Trains the MRZ glyph classifier (src/mrz/classify.ts) and writes src/mrz/glyph-model.json.
 *
 *   npm run train:mrz -- [--per-class 900] [--epochs 14] [--out src/mrz/glyph-model.json]
 *   (MRZ_DUMP=DIR also writes the first 40 samples and their cells as PNG, to look at)
 *
 * Training data: ONLY glyphs rendered from the OCR-B font of Debian's `fonts-ocr-b` (Regular and
 * Sharp cuts; public domain / permissive, see /usr/share/doc/fonts-ocr-b/copyright), the typeface
 * ICAO Doc 9303 part 3 prescribes for the MRZ. Never the page generator's photographs, never DejaVu
 * Sans Mono (the held-out family's font). Each glyph is drawn once large by ImageMagick, then every
 * sample is made here: the glyph between two random neighbours at one character pitch, stroke width
 * changed (erode/dilate), scaled down to 8–24 px cap height, rotated and sheared a little, paper and
 * ink levels, a light gradient, Gaussian blur, sensor noise, 8-bit rounding; then the cell is cut with
 * the SAME function the reader uses (`cellFeatures`), with the centre, pitch and angle the
 * segmentation could get wrong jittered. A 2-layer perceptron (FEATURES → 64 ReLU → 37) is trained
 * with Adam on softmax cross-entropy, quantised to int8 (one scale per row) and checked on a
 * separately seeded validation set. Deterministic: seeded RNG, fixed order; the same Node and
 * ImageMagick give the same file.
 */
import { writeFileSync } from "node:fs";
import sharp from "sharp";
import { convert } from "../cardface/render";
import { rng } from "./holders";
import { arg } from "./gen-mrzpages";
import { bilinear, CELL_H, CELL_W, cellFeatures, FEATURES, GLYPH_CLASSES, glyphLogits, parseGlyphModel, WIN_H, WIN_W, type GlyphModelFile } from "../../src/mrz/classify";

const FONTS = ["/usr/share/fonts/opentype/ocr-b/OCRB.otf", "/usr/share/fonts/opentype/ocr-b/OCRBS.otf"];
const NC = GLYPH_CLASSES.length;
const HIDDEN = 64;
/** Large rendering: pointsize and the slot each glyph is drawn in. */
const POINT = 128;
const SLOT = 300;
const BASE = 200;
const ROWS = 280;

interface Glyph {
  /** ink coverage 0–1, SLOT × ROWS, origin at (60, BASE) */
  cov: Float32Array;
}
const ORIGIN_X = 60;
/**
 * The segmentation's errors jittered into the cut (pitches, degrees). Chosen on the TUNING families
 * (bench:mrz): ±0.08/±0.04/±0.7° (a tight cut, which would keep the small height difference between
 * OCR-B's 0 and O in this font) answered 98 % / 68 % (moderate / hard), ±0.12/±0.1/±1.5° 99 % / 73 %,
 * these 98 % / 76 % with the fewest confident misreads (check-failed frames).
 */
const JITTER = { along: 0.15, across: 0.15, angleDeg: 2 };

async function renderFont(font: string): Promise<Glyph[]> {
  const args = ["-size", `${NC * SLOT}x${ROWS}`, "xc:white", "-font", font, "-fill", "black", "-pointsize", String(POINT)];
  for (let i = 0; i < NC; i++) args.push("-annotate", `+${i * SLOT + ORIGIN_X}+${BASE}`, GLYPH_CLASSES[i] ?? "<");
  const png = await convert([...args, "png:-"]);
  const { data, info } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
  const out: Glyph[] = [];
  for (let c = 0; c < NC; c++) {
    const cov = new Float32Array(SLOT * ROWS);
    for (let y = 0; y < ROWS; y++) for (let x = 0; x < SLOT; x++) cov[y * SLOT + x] = (255 - (data[y * info.width + c * SLOT + x] ?? 255)) / 255;
    out.push({ cov });
  }
  return out;
}

/** Square min/max filter (radius r > 0 dilates, r < 0 erodes), separable. */
function morph(g: Float32Array, r: number): Float32Array {
  if (r === 0) return g;
  const k = Math.abs(r), grow = r > 0;
  const tmp = new Float32Array(g.length), out = new Float32Array(g.length);
  for (let y = 0; y < ROWS; y++) {
    for (let x = 0; x < SLOT; x++) {
      let v = g[y * SLOT + x] ?? 0;
      for (let d = -k; d <= k; d++) {
        const q = g[y * SLOT + Math.min(SLOT - 1, Math.max(0, x + d))] ?? 0;
        if (grow ? q > v : q < v) v = q;
      }
      tmp[y * SLOT + x] = v;
    }
  }
  for (let y = 0; y < ROWS; y++) {
    for (let x = 0; x < SLOT; x++) {
      let v = tmp[y * SLOT + x] ?? 0;
      for (let d = -k; d <= k; d++) {
        const q = tmp[Math.min(ROWS - 1, Math.max(0, y + d)) * SLOT + x] ?? 0;
        if (grow ? q > v : q < v) v = q;
      }
      out[y * SLOT + x] = v;
    }
  }
  return out;
}

/** Ink box of a glyph (coverage > 0.5), relative to its origin (baseline y = 0). */
function inkBox(g: Glyph): { x0: number; x1: number; y0: number; y1: number } {
  let x0 = SLOT, x1 = -1, y0 = ROWS, y1 = -1;
  for (let y = 0; y < ROWS; y++) {
    for (let x = 0; x < SLOT; x++) {
      if ((g.cov[y * SLOT + x] ?? 0) > 0.5) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    }
  }
  return { x0: x0 - ORIGIN_X, x1: x1 - ORIGIN_X, y0: y0 - BASE, y1: y1 - BASE };
}

function gauss(r: () => number): number {
  const u = Math.max(1e-12, r()), v = r();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function blur(img: Float32Array, w: number, h: number, sigma: number): void {
  if (sigma < 0.3) return;
  const rad = Math.ceil(2.5 * sigma);
  const k: number[] = [];
  let s = 0;
  for (let d = -rad; d <= rad; d++) {
    const v = Math.exp(-(d * d) / (2 * sigma * sigma));
    k.push(v);
    s += v;
  }
  const kk = k.map((v) => v / s);
  const tmp = new Float32Array(img.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let a = 0;
      for (let d = -rad; d <= rad; d++) a += (kk[d + rad] ?? 0) * (img[y * w + Math.min(w - 1, Math.max(0, x + d))] ?? 0);
      tmp[y * w + x] = a;
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let a = 0;
      for (let d = -rad; d <= rad; d++) a += (kk[d + rad] ?? 0) * (tmp[Math.min(h - 1, Math.max(0, y + d)) * w + x] ?? 0);
      img[y * w + x] = a;
    }
  }
}

interface Set {
  x: Float32Array;
  y: Uint8Array;
  n: number;
}

/**
 * `perClass` samples of every class. `variants[font][stroke][class]`; `centre` is the mean ink-box
 * centre relative to the origin (what the segmentation's fitted positions converge to), `cap` the
 * cap height at the large size.
 */
const dumps: { w: number; h: number; img: Uint8Array; feat: Float32Array }[] | null = process.env.MRZ_DUMP ? [] : null;
function makeSet(seed: number, perClass: number, variants: Glyph[][][], centre: { x: number; y: number }, cap: number): Set {
  const r = rng(seed);
  const n = perClass * NC;
  const x = new Float32Array(n * FEATURES), y = new Uint8Array(n);
  const feat = new Float32Array(FEATURES);
  const uni = (a: number, b: number) => a + (b - a) * r();
  const pickNeighbour = () => (r() < 0.4 ? NC - 1 : Math.floor(r() * NC));
  for (let i = 0; i < n; i++) {
    const cls = i % NC;
    const font = variants[Math.floor(r() * variants.length)] as Glyph[][];
    const strokes = font[Math.floor(r() * font.length)] as Glyph[];
    const trio = [pickNeighbour(), cls, pickNeighbour()].map((c) => strokes[c] as Glyph);
    const capLo = uni(8, 24);
    const scale = cap / capLo; // large px per small px
    const pitchHi = cap * uni(1.02, 1.25);
    const pitchLo = pitchHi / scale;
    const w = Math.ceil(3.6 * pitchLo), h = Math.ceil(2.4 * capLo);
    const rot = (uni(-2, 2) * Math.PI) / 180, shear = uni(-0.06, 0.06);
    const cr = Math.cos(rot), sr = Math.sin(rot);
    const paper = uni(110, 245);
    const contrast = Math.min(paper - 5, uni(35, 200));
    const gx = uni(-12, 12) / w, gy = uni(-8, 8) / h;
    const img = new Float32Array(w * h);
    // the centre glyph's reference centre sits at the middle of the small image
    const mx = w / 2, my = h / 2;
    // each small pixel: the mean of 3×3 sub-samples of the large drawing (a max over the three glyphs)
    for (let yy = 0; yy < h; yy++) {
      for (let xx = 0; xx < w; xx++) {
        let acc = 0;
        for (let sy = 0; sy < 3; sy++) {
          for (let sx = 0; sx < 3; sx++) {
            const dx = xx + (sx + 0.5) / 3 - mx, dy = yy + (sy + 0.5) / 3 - my;
            const X = (cr * dx - sr * dy + shear * dy) * scale + centre.x;
            const Y = (sr * dx + cr * dy) * scale + centre.y;
            let c = 0;
            for (let t = 0; t < 3; t++) {
              const gxh = Math.round(X - (t - 1) * pitchHi) + ORIGIN_X, gyh = Math.round(Y) + BASE;
              if (gxh < 0 || gxh >= SLOT || gyh < 0 || gyh >= ROWS) continue;
              c = Math.max(c, (trio[t] as Glyph).cov[gyh * SLOT + gxh] ?? 0);
            }
            acc += c;
          }
        }
        img[yy * w + xx] = paper + gx * (xx - mx) + gy * (yy - my) - contrast * (acc / 9);
      }
    }
    blur(img, w, h, r() < 0.2 ? 0 : uni(0.3, 1.9));
    const noise = uni(0, 9);
    for (let k = 0; k < img.length; k++) img[k] = Math.min(255, Math.max(0, Math.round((img[k] ?? 0) + noise * gauss(r))));
    // cut the cell as the reader would, with the segmentation's errors
    const pe = pitchLo * uni(0.97, 1.03);
    const a = (uni(-JITTER.angleDeg, JITTER.angleDeg) * Math.PI) / 180;
    cellFeatures(bilinear(w, h, img), mx + uni(-JITTER.along, JITTER.along) * pitchLo, my + uni(-JITTER.across, JITTER.across) * pitchLo, Math.cos(a), Math.sin(a), pe, feat);
    if (dumps && i < 40) dumps.push({ w, h, img: Uint8Array.from(img), feat: Float32Array.from(feat) });
    x.set(feat, i * FEATURES);
    y[i] = cls;
  }
  return { x, y, n };
}

interface Net {
  w1: Float32Array;
  b1: Float32Array;
  w2: Float32Array;
  b2: Float32Array;
}

function train(set: Set, epochs: number, seed: number): Net {
  const r = rng(seed);
  const net: Net = { w1: new Float32Array(HIDDEN * FEATURES), b1: new Float32Array(HIDDEN), w2: new Float32Array(NC * HIDDEN), b2: new Float32Array(NC) };
  for (let k = 0; k < net.w1.length; k++) net.w1[k] = gauss(r) * Math.sqrt(2 / FEATURES);
  for (let k = 0; k < net.w2.length; k++) net.w2[k] = gauss(r) * Math.sqrt(2 / HIDDEN);
  const params = [net.w1, net.b1, net.w2, net.b2];
  const grads = params.map((p) => new Float32Array(p.length));
  const m1 = params.map((p) => new Float32Array(p.length)), m2 = params.map((p) => new Float32Array(p.length));
  const [gw1, gb1, gw2, gb2] = grads as [Float32Array, Float32Array, Float32Array, Float32Array];
  const order = Array.from({ length: set.n }, (_, i) => i);
  const hid = new Float32Array(HIDDEN), logit = new Float32Array(NC), dh = new Float32Array(HIDDEN);
  const B = 64;
  let step = 0;
  for (let ep = 0; ep < epochs; ep++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    const lr = 0.002 * (ep < epochs - 3 ? 1 : 0.3);
    let loss = 0;
    for (let b0 = 0; b0 < order.length; b0 += B) {
      for (const g of grads) g.fill(0);
      const bn = Math.min(B, order.length - b0);
      for (let bi = 0; bi < bn; bi++) {
        const s = order[b0 + bi] as number;
        const off = s * FEATURES;
        for (let hh = 0; hh < HIDDEN; hh++) {
          let a = net.b1[hh] ?? 0;
          const row = hh * FEATURES;
          for (let k = 0; k < FEATURES; k++) a += (net.w1[row + k] ?? 0) * (set.x[off + k] ?? 0);
          hid[hh] = a > 0 ? a : 0;
        }
        let mx = -Infinity;
        for (let c = 0; c < NC; c++) {
          let a = net.b2[c] ?? 0;
          for (let hh = 0; hh < HIDDEN; hh++) a += (net.w2[c * HIDDEN + hh] ?? 0) * (hid[hh] ?? 0);
          logit[c] = a;
          mx = Math.max(mx, a);
        }
        let z = 0;
        for (let c = 0; c < NC; c++) z += Math.exp((logit[c] ?? 0) - mx);
        const yc = set.y[s] ?? 0;
        loss += -((logit[yc] ?? 0) - mx - Math.log(z));
        dh.fill(0);
        for (let c = 0; c < NC; c++) {
          const d = Math.exp((logit[c] ?? 0) - mx) / z - (c === yc ? 1 : 0);
          gb2[c] = (gb2[c] ?? 0) + d;
          for (let hh = 0; hh < HIDDEN; hh++) {
            gw2[c * HIDDEN + hh] = (gw2[c * HIDDEN + hh] ?? 0) + d * (hid[hh] ?? 0);
            dh[hh] = (dh[hh] ?? 0) + d * (net.w2[c * HIDDEN + hh] ?? 0);
          }
        }
        for (let hh = 0; hh < HIDDEN; hh++) {
          if ((hid[hh] ?? 0) <= 0) continue;
          const d = dh[hh] ?? 0;
          gb1[hh] = (gb1[hh] ?? 0) + d;
          const row = hh * FEATURES;
          for (let k = 0; k < FEATURES; k++) gw1[row + k] = (gw1[row + k] ?? 0) + d * (set.x[off + k] ?? 0);
        }
      }
      step++;
      const c1 = 1 - 0.9 ** step, c2 = 1 - 0.999 ** step;
      params.forEach((p, pi) => {
        const g = grads[pi] as Float32Array, a = m1[pi] as Float32Array, v = m2[pi] as Float32Array;
        const decay = pi === 0 || pi === 2 ? 1e-4 : 0;
        for (let k = 0; k < p.length; k++) {
          const gk = (g[k] ?? 0) / bn + decay * (p[k] ?? 0);
          a[k] = 0.9 * (a[k] ?? 0) + 0.1 * gk;
          v[k] = 0.999 * (v[k] ?? 0) + 0.001 * gk * gk;
          p[k] = (p[k] ?? 0) - (lr * ((a[k] ?? 0) / c1)) / (Math.sqrt((v[k] ?? 0) / c2) + 1e-8);
        }
      });
    }
    console.log(`epoch ${ep + 1}/${epochs}: loss ${(loss / set.n).toFixed(4)}`);
  }
  return net;
}

function quantise(w: Float32Array, rows: number, cols: number): { b64: string; scales: number[] } {
  const bytes = new Uint8Array(rows * cols);
  const scales: number[] = [];
  for (let rr = 0; rr < rows; rr++) {
    let m = 0;
    for (let c = 0; c < cols; c++) m = Math.max(m, Math.abs(w[rr * cols + c] ?? 0));
    const s = Number((m / 127 || 1e-9).toPrecision(6));
    scales.push(s);
    for (let c = 0; c < cols; c++) bytes[rr * cols + c] = Math.max(-127, Math.min(127, Math.round((w[rr * cols + c] ?? 0) / s))) & 0xff;
  }
  return { b64: Buffer.from(bytes).toString("base64"), scales };
}

async function main(argv: string[]): Promise<void> {
  const perClass = Number(arg(argv, "per-class", "900"));
  const epochs = Number(arg(argv, "epochs", "14"));
  const out = arg(argv, "out", "src/mrz/glyph-model.json");
  const t0 = Date.now();
  const fonts = await Promise.all(FONTS.map(renderFont));
  const base = fonts[0] as Glyph[];
  const boxes = base.map(inkBox);
  const cap = (boxes[GLYPH_CLASSES.indexOf("H")]?.y1 ?? 0) - (boxes[GLYPH_CLASSES.indexOf("H")]?.y0 ?? 0) + 1;
  const centre = { x: boxes.reduce((s, b) => s + (b.x0 + b.x1) / 2, 0) / NC, y: boxes.reduce((s, b) => s + (b.y0 + b.y1) / 2, 0) / NC };
  console.log(`OCR-B rendered: cap ${cap} px, mean glyph centre (${centre.x.toFixed(1)}, ${centre.y.toFixed(1)}) from the origin`);
  // ±2–4 % of the cap height (erode/dilate at cap 96): ±3–6 % made OCR-B's 0 as wide as its O
  const strokeSteps = [-2, 0, 2, 4].map((k) => Math.round((k * cap) / 96));
  console.log(`rendered in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const variants = fonts.map((gs) => strokeSteps.map((k) => gs.map((g) => ({ cov: morph(g.cov, k) }))));
  console.log(`stroke variants in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const trainSet = makeSet(1801, perClass, variants, centre, cap);
  const valSet = makeSet(9303, Math.max(50, Math.round(perClass / 5)), variants, centre, cap);
  if (dumps && process.env.MRZ_DUMP) {
    for (const [k, d] of dumps.entries()) {
      await sharp(Buffer.from(d.img), { raw: { width: d.w, height: d.h, channels: 1 } }).resize({ width: d.w * 4, kernel: "nearest" }).png().toFile(`${process.env.MRZ_DUMP}/s${k}.png`);
      const f = Uint8Array.from(d.feat, (v) => Math.max(0, Math.min(255, 128 + 50 * v)));
      await sharp(Buffer.from(f), { raw: { width: CELL_W, height: CELL_H, channels: 1 } }).resize({ width: CELL_W * 8, kernel: "nearest" }).png().toFile(`${process.env.MRZ_DUMP}/f${k}.png`);
    }
  }
  console.log(`samples: ${trainSet.n} training, ${valSet.n} validation (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  const net = train(trainSet, epochs, 77);
  const q1 = quantise(net.w1, HIDDEN, FEATURES), q2 = quantise(net.w2, NC, HIDDEN);
  const round = (v: Float32Array) => Array.from(v, (x) => Number(x.toPrecision(6)));
  const file: GlyphModelFile = {
    format: "mynaguard-mrz-glyphs/1",
    classes: GLYPH_CLASSES,
    cell: [CELL_W, CELL_H],
    window: [WIN_W, WIN_H],
    hidden: HIDDEN,
    w1: q1.b64,
    s1: q1.scales,
    b1: round(net.b1),
    w2: q2.b64,
    s2: q2.scales,
    b2: round(net.b2),
    trainedOn: `OCR-B (Debian fonts-ocr-b: OCRB.otf, OCRBS.otf), ${trainSet.n} augmented samples, ${epochs} epochs, npm run train:mrz`,
  };
  const m = parseGlyphModel(file);
  const logits = new Float32Array(NC);
  let ok = 0;
  const confused = new Map<string, number>();
  for (let i = 0; i < valSet.n; i++) {
    glyphLogits(m, valSet.x.subarray(i * FEATURES, (i + 1) * FEATURES), logits);
    let best = 0;
    for (let c = 1; c < NC; c++) if ((logits[c] ?? 0) > (logits[best] ?? 0)) best = c;
    if (best === valSet.y[i]) ok++;
    else {
      const k = `${GLYPH_CLASSES[valSet.y[i] ?? 0]}→${GLYPH_CLASSES[best]}`;
      confused.set(k, (confused.get(k) ?? 0) + 1);
    }
  }
  const top = [...confused.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, v]) => `${k} ${v}`).join(", ");
  console.log(`validation (int8 model, separately seeded): ${ok}/${valSet.n} = ${((100 * ok) / valSet.n).toFixed(2)} % top-1; most confused: ${top}`);
  writeFileSync(out, JSON.stringify(file) + "\n");
  console.log(`wrote ${out} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

await main(process.argv.slice(2));
