/**
 * Generates the simulator's deck of fictional My Number cards: src/card/sim/deck/deck.json.
 * Run: node scripts/run.mjs scripts/make-deck.ts [--fresh-keys]
 *
 * - People are defined below (fictional names and addresses; birth dates chosen for the edge cases:
 *   era boundaries 1989-01-07/08 and 2019-04-30/05-01, 29 February, a foreign resident printed in the
 *   Western calendar, minors and adults, male and female).
 * - Random material (RSA-2048 keys for the test CA, issuing keys, card keys, JPKI keys and X.509
 *   certificates made with openssl) is generated once and then REUSED from the existing deck.json, so
 *   a re-run is byte-for-byte identical (PKCS#1 v1.5 signatures are deterministic). --fresh-keys
 *   regenerates them.
 * - Images are rendered at generation time: name/address/security code as 1-bit PNG with ImageMagick
 *   and Noto Sans CJK; a synthetic face-like greyscale drawing compressed to JP2 with opj_compress.
 * Needs: imagemagick, fonts-noto-cjk, libopenjp2-tools, openssl (scripts/setup.sh APT_TEST).
 */
import { execFileSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eraById, toEraDate, type EraId } from "../src/age/era";
import { parseIsoDate } from "../src/age/date";
import { deriveCodeB } from "../src/card/mynumber/code-b";
import type { DeckFile, DeckPersonEntry, PrintedFace } from "../src/card/sim/deck";

/** The repository root: the nearest folder above this (bundled) script that holds package.json. */
function findRoot(from: string): string {
  for (let d = from; ; d = path.dirname(d)) {
    if (existsSync(path.join(d, "package.json"))) return d;
    if (path.dirname(d) === d) throw new Error("package.json not found above " + from);
  }
}
const root = findRoot(import.meta.dirname);
const OUT = path.join(root, "src/card/sim/deck/deck.json");
const FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
const CONVERT = existsSync("/usr/bin/convert") ? "/usr/bin/convert" : "convert";

interface PersonSpec {
  id: string;
  label: string;
  name: string;
  address: string;
  birthDate: string;
  sex: "1" | "2";
  calendar: "era" | "western";
  expiry: string;
  securityCode: string;
  municipality: string;
  myNumber: string;
  holderPresent: boolean;
  triesLeft: number;
  issuer: number;
  kind: "mynumber" | "not-my-number";
}

/** 個人番号 check digit (総務省令 formula) so the fictional numbers are well-formed. */
function withCheckDigit(eleven: string): string {
  let sum = 0;
  for (let n = 1; n <= 11; n++) {
    const p = Number(eleven[11 - n]);
    const q = n <= 6 ? n + 1 : n - 5;
    sum += p * q;
  }
  const r = sum % 11;
  return eleven + String(r <= 1 ? 0 : 11 - r);
}

const P = (p: Omit<PersonSpec, "myNumber" | "kind" | "triesLeft" | "issuer"> & Partial<PersonSpec>, serial: number): PersonSpec => ({
  kind: "mynumber",
  triesLeft: 10,
  issuer: 0,
  myNumber: withCheckDigit(`9${String(serial).padStart(10, "0")}`),
  ...p,
});

// All people are fictional; addresses use real prefecture/city names with made-up blocks.
const PEOPLE: PersonSpec[] = [
  P({ id: "showa-64", label: "昭和64年1月7日生 (last day of Shōwa), adult woman", name: "佐藤　美咲", address: "東京都千代田区神田練塀町９９番地", birthDate: "1989-01-07", sex: "2", calendar: "era", expiry: "2034-01-07", securityCode: "3141", municipality: "13101", holderPresent: true }, 1),
  P({ id: "heisei-1", label: "平成元年1月8日生 (first day of Heisei), adult man", name: "鈴木　一郎", address: "大阪府大阪市北区梅田九丁目１－２", birthDate: "1989-01-08", sex: "1", calendar: "era", expiry: "2033-01-08", securityCode: "2718", municipality: "27127", holderPresent: true }, 2),
  P({ id: "heisei-31", label: "平成31年4月30日生 (last day of Heisei), child", name: "高橋　陽向", address: "神奈川県横浜市中区本町九丁目９９番地", birthDate: "2019-04-30", sex: "1", calendar: "era", expiry: "2029-04-30", securityCode: "1618", municipality: "14104", holderPresent: true }, 3),
  P({ id: "reiwa-1", label: "令和元年5月1日生 (first day of Reiwa), child", name: "田中　結菜", address: "愛知県名古屋市中区栄九丁目８－７", birthDate: "2019-05-01", sex: "2", calendar: "era", expiry: "2029-05-01", securityCode: "1414", municipality: "23106", holderPresent: true }, 4),
  P({ id: "leap-day", label: "平成12年2月29日生 (29 February), adult woman", name: "伊藤　さくら", address: "福岡県福岡市博多区博多駅前九丁目１", birthDate: "2000-02-29", sex: "2", calendar: "era", expiry: "2032-02-29", securityCode: "1732", municipality: "40132", holderPresent: true }, 5),
  P({ id: "foreign", label: "Foreign resident, birth date printed in the Western calendar, adult man", name: "SMITH　JOHN　ALEXANDER", address: "東京都新宿区西新宿九丁目９番９号", birthDate: "1992-07-15", sex: "1", calendar: "western", expiry: "2031-07-15", securityCode: "2236", municipality: "13104", holderPresent: true, issuer: 1 }, 6),
  P({ id: "minor-18", label: "平成20年生, 18 years old (under 20), man", name: "渡辺　蓮", address: "北海道札幌市中央区北九条西九丁目", birthDate: "2008-03-03", sex: "1", calendar: "era", expiry: "2033-03-03", securityCode: "2449", municipality: "01101", holderPresent: true }, 7),
  P({ id: "senior", label: "昭和25年生, senior woman", name: "山本　和子", address: "京都府京都市左京区吉田九町９９", birthDate: "1950-06-10", sex: "2", calendar: "era", expiry: "2035-06-10", securityCode: "3317", municipality: "26103", holderPresent: true }, 8),
  P({ id: "not-holder", label: "Adult man whose card is presented by someone else (the face does not match)", name: "中村　大輔", address: "宮城県仙台市青葉区一番町九丁目", birthDate: "1985-10-20", sex: "1", calendar: "era", expiry: "2030-10-20", securityCode: "1123", municipality: "04101", holderPresent: false }, 9),
  P({ id: "two-tries", label: "Adult woman, 照合番号B at 2 tries left (the kiosk must refuse)", name: "小林　真由美", address: "広島県広島市中区基町９－９", birthDate: "1978-12-01", sex: "2", calendar: "era", expiry: "2031-12-01", securityCode: "5813", municipality: "34101", holderPresent: true, triesLeft: 2 }, 10),
  P({ id: "blocked", label: "Adult man, 照合番号B blocked (0 tries left)", name: "加藤　健太", address: "埼玉県さいたま市浦和区高砂九丁目", birthDate: "1990-05-05", sex: "1", calendar: "era", expiry: "2032-05-05", securityCode: "2134", municipality: "11107", holderPresent: true, triesLeft: 0 }, 11),
  P({ id: "not-my-number", label: "A contactless card that is not a My Number card (券面AP answers 6A82)", name: "", address: "", birthDate: "1980-01-01", sex: "1", calendar: "era", expiry: "2030-01-01", securityCode: "0000", municipality: "00000", holderPresent: true, kind: "not-my-number" }, 12),
];

const b64 = (b: Uint8Array | Buffer) => Buffer.from(b).toString("base64");
const unb64 = (s: string) => new Uint8Array(Buffer.from(s, "base64"));

function rsaKey(): Uint8Array {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, publicExponent: 65537 });
  return new Uint8Array(privateKey.export({ format: "der", type: "pkcs8" }));
}

function run(cmd: string, args: string[], input?: Uint8Array): Buffer {
  return execFileSync(cmd, args, { input, maxBuffer: 16 << 20, stdio: ["pipe", "pipe", "pipe"] });
}

function pngText(text: string, pointsize: number, dir: string, name: string): Uint8Array {
  const out = path.join(dir, `${name}.png`);
  run(CONVERT, [
    "-background", "white", "-fill", "black", "-font", FONT, "-pointsize", String(pointsize),
    `label:${text}`, "-monochrome", "-strip", "-define", "png:exclude-chunks=date,time",
    "-define", "png:bit-depth=1", "-define", "png:color-type=0", out,
  ]);
  return new Uint8Array(readFileSync(out));
}

/** A face-like greyscale drawing, varied per person from a hash of the id. */
function photoJp2(id: string, sex: "1" | "2", dir: string): Uint8Array {
  let h = 2166136261;
  for (const ch of id) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  const r = (n: number) => {
    h = Math.imul(h ^ (h >>> 13), 0x5bd1e995) >>> 0;
    return h % n;
  };
  const W = 192, H = 240;
  const skin = 140 + r(60), bg = 200 + r(40), hair = 20 + r(60);
  const fw = 58 + r(10), fh = 78 + r(10), eyeDx = 20 + r(6), eyeY = 112 + r(8);
  const hairH = sex === "2" ? 60 : 34;
  const pgm = path.join(dir, `${id}.pgm`);
  run(CONVERT, [
    "-size", `${W}x${H}`, `xc:gray(${bg})`,
    "-fill", `gray(${hair})`, "-draw", `ellipse 96,${120 - (sex === "2" ? 0 : 10)} ${fw + 8},${fh + hairH / 3} 180,360`,
    ...(sex === "2" ? ["-draw", `rectangle ${96 - fw - 8},110 ${96 + fw + 8},200`] : []),
    "-fill", `gray(${skin})`, "-draw", `ellipse 96,124 ${fw},${fh} 0,360`,
    "-fill", `gray(${Math.max(10, hair - 10)})`, "-draw", `ellipse ${96 - eyeDx},${eyeY} 9,5 0,360`, "-draw", `ellipse ${96 + eyeDx},${eyeY} 9,5 0,360`,
    "-fill", `gray(${skin - 30})`, "-draw", `polygon 96,${eyeY + 10} 88,${eyeY + 34} 104,${eyeY + 34}`,
    "-fill", `gray(${skin - 60})`, "-draw", `ellipse 96,${eyeY + 52} ${14 + r(6)},4 0,360`,
    "-fill", `gray(${bg - 40})`, "-draw", `rectangle 30,215 162,240`,
    "-colorspace", "Gray", "-depth", "8", pgm,
  ]);
  const jp2 = path.join(dir, `${id}.jp2`);
  run("opj_compress", ["-i", pgm, "-o", jp2, "-r", "12"]);
  return new Uint8Array(readFileSync(jp2));
}

function printedBirth(iso: string, calendar: "era" | "western"): PrintedFace["birth"] {
  const d = parseIsoDate(iso);
  if (!d) throw new Error(`bad date ${iso}`);
  if (calendar === "western") {
    return { calendar, year: d.year, month: d.month, day: d.day, text: `${d.year}年 ${d.month}月 ${d.day}日生` };
  }
  const e = toEraDate(d);
  if (!e) throw new Error(`no era for ${iso}`);
  const era: EraId = e.era;
  const yearText = e.eraYear === 1 ? "元" : String(e.eraYear);
  return { calendar, era, eraYear: e.eraYear, month: d.month, day: d.day, text: `${eraById(era).kanji}${yearText}年 ${d.month}月 ${d.day}日生` };
}

function opensslCert(dir: string, args: string[]): Uint8Array {
  const out = path.join(dir, `cert-${Math.random().toString(36).slice(2)}.der`);
  run("openssl", [...args, "-outform", "DER", "-out", out]);
  return new Uint8Array(readFileSync(out));
}

function pem(dir: string, name: string, pkcs8: Uint8Array): string {
  const der = path.join(dir, `${name}.der`);
  writeFileSync(der, pkcs8);
  const p = path.join(dir, `${name}.pem`);
  run("openssl", ["pkey", "-inform", "DER", "-in", der, "-out", p]);
  return p;
}

function main(): void {
  const fresh = process.argv.includes("--fresh-keys");
  const old: DeckFile | null = !fresh && existsSync(OUT) ? (JSON.parse(readFileSync(OUT, "utf8")) as DeckFile) : null;
  const dir = mkdtempSync(path.join(tmpdir(), "mynaguard-deck-"));
  try {
    const ca = old?.ca ?? { keyId: "9000023/001", privateKeyPkcs8: b64(rsaKey()) };
    const untrustedCa = old?.untrustedCa ?? { keyId: "9100023/001", privateKeyPkcs8: b64(rsaKey()) };
    const issuers = old?.issuers ?? [
      { keyId: "9913101/000", privateKeyPkcs8: b64(rsaKey()) },
      { keyId: "9913104/000", privateKeyPkcs8: b64(rsaKey()) },
    ];
    let jpkiCa = old?.jpkiCa;
    if (!jpkiCa) {
      const key = rsaKey();
      const keyPem = pem(dir, "jpki-ca", key);
      const cert = opensslCert(dir, [
        "req", "-new", "-x509", "-key", keyPem, "-sha256", "-days", "7300", "-set_serial", "1",
        "-subj", "/C=JP/O=JPKI-TEST-MYNAGUARD/OU=JPKI for user authentication/OU=mynaguard test deck (not J-LIS)",
      ]);
      jpkiCa = { privateKeyPkcs8: b64(key), certDer: b64(cert) };
    }
    const caPem = pem(dir, "jpki-ca-use", unb64(jpkiCa.privateKeyPkcs8));
    const caCertDer = path.join(dir, "jpki-ca.der");
    writeFileSync(caCertDer, unb64(jpkiCa.certDer));
    const caCertPem = path.join(dir, "jpki-ca.pem");
    run("openssl", ["x509", "-inform", "DER", "-in", caCertDer, "-out", caCertPem]);

    const cards: DeckPersonEntry[] = PEOPLE.map((p, i) => {
      const prev = old?.cards.find((c) => c.id === p.id);
      const cardKey = prev?.keys.card ?? b64(rsaKey());
      const authKey = prev?.keys.jpkiAuth ?? b64(rsaKey());
      let authCert = prev?.keys.jpkiAuthCert;
      if (!authCert) {
        const kp = pem(dir, `auth-${p.id}`, unb64(authKey));
        const csr = path.join(dir, `auth-${p.id}.csr`);
        run("openssl", ["req", "-new", "-key", kp, "-subj", `/C=JP/CN=MYNAGUARDTEST${String(i + 1).padStart(4, "0")}`, "-out", csr]);
        authCert = b64(
          opensslCert(dir, ["x509", "-req", "-in", csr, "-CA", caCertPem, "-CAkey", caPem, "-sha256", "-days", "1825", "-set_serial", String(1000 + i)]),
        );
      }
      const birth = printedBirth(p.birthDate, p.calendar);
      const expiry = parseIsoDate(p.expiry);
      if (!expiry) throw new Error(`bad expiry ${p.expiry}`);
      const { text: _t, ...birthFields } = birth;
      const derived = deriveCodeB({ birth: birthFields, expiryYear: expiry.year, securityCode: p.securityCode });
      if (!derived.ok) throw new Error(`${p.id}: ${JSON.stringify(derived.problems)}`);
      const codeB = derived.code.useBytes((b) => String.fromCharCode(...b));
      derived.code.wipe();
      const isCard = p.kind === "mynumber";
      return {
        id: p.id,
        label: p.label,
        kind: p.kind,
        holderPresent: p.holderPresent,
        codeB,
        triesLeft: p.triesLeft,
        issuer: p.issuer,
        facts: {
          birthDate: p.birthDate,
          sex: p.sex,
          expiry: p.expiry,
          securityCode: p.securityCode,
          municipality: p.municipality,
          myNumber: p.myNumber,
        },
        printed: {
          name: p.name,
          address: p.address,
          birth,
          sex: p.sex === "1" ? "男" : "女",
          expiry: { year: expiry.year, month: expiry.month, day: expiry.day, text: `${expiry.year}年 ${expiry.month}月 ${expiry.day}日まで有効` },
          securityCode: p.securityCode,
        },
        images: isCard
          ? {
              name: b64(pngText(p.name, 28, dir, `${p.id}-name`)),
              address: b64(pngText(p.address, 22, dir, `${p.id}-address`)),
              photo: b64(photoJp2(p.id, p.sex, dir)),
              securityCode: b64(pngText(p.securityCode, 11, dir, `${p.id}-code`)),
              number: b64(pngText(p.myNumber.replace(/(\d{4})(?=\d)/g, "$1 "), 11, dir, `${p.id}-number`)),
            }
          : { name: "", address: "", photo: "", securityCode: "", number: "" },
        keys: { card: cardKey, jpkiAuth: authKey, jpkiAuthCert: authCert },
      };
    });
    const deck: DeckFile = {
      format: "mynaguard-deck/1",
      description:
        "Fictional people and TEST keys for the simulated My Number card. Nothing here is a real person or a real J-LIS key; the CA id 9000023/001 never collides with real ids (5000023 production, 6000023 JPKI test cards). Generated by scripts/make-deck.ts.",
      ca,
      untrustedCa,
      issuers,
      jpkiCa,
      cards,
    };
    writeFileSync(OUT, JSON.stringify(deck, null, 1) + "\n");
    console.log(`wrote ${path.relative(root, OUT)}: ${cards.length} cards, ${(JSON.stringify(deck).length / 1024).toFixed(0)} KiB`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
