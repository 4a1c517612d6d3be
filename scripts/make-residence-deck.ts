/**
 * Makes the simulator's residence-card deck (src/card/sim/residence/deck.json): fictional first- and
 * second-generation residence cards and SPR certificates with real chip files, at GENERATION time:
 * - front image: the printed fields rendered with ImageMagick (Noto Sans CJK JP, DejaVu Sans) at 200 dpi
 *   [guess: the notes do not give the chip image's resolution] as a bitonal TIFF with CCITT T.6 (G4)
 *   compression, zero-padded to 7000 bytes (spec §3.3.4.3);
 * - photo: a synthetic colour face drawing as JPEG 2000 (opj_compress), zero-padded to 3000 bytes;
 * - signatures: a TEST CA ("MYNAGUARD TEST ZairyuCard CA", never a real ISA key) certifies a signer
 *   whose RSA-2048 key signs SHA-256(front ‖ photo) (PKCS#1 v1.5) [spec]; second generation: a test
 *   P-384 CA2 and ECDSA P-384 over SHA-256 of the signed files [2nd/guess, see authenticity.ts].
 * Nothing is downloaded; nothing is a real person or a real key. Re-running makes NEW keys and
 * certificates (commit the result; tests read deck.json only).
 * Needs: imagemagick, fonts-noto-cjk, fonts-dejavu, libopenjp2-tools, openssl.
 *
 *   node scripts/run.mjs scripts/make-residence-deck.ts
 */
import { execFileSync } from "node:child_process";
import { createPrivateKey, sign as signData, constants } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

function findRoot(from: string): string {
  for (let d = from; ; d = path.dirname(d)) {
    if (existsSync(path.join(d, "package.json"))) return d;
    if (path.dirname(d) === d) throw new Error("package.json not found above " + from);
  }
}
const root = findRoot(import.meta.dirname);
const OUT = path.join(root, "src/card/sim/residence/deck.json");
const CJK = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
const LATIN = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
const CONVERT = existsSync("/usr/bin/convert") ? "/usr/bin/convert" : "convert";
const DPI = 200;
const PX = DPI / 25.4;
const W = Math.round(85.6 * PX);
const H = Math.round(54 * PX);

interface Spec {
  id: string;
  label: string;
  type: "1" | "2" | "05" | "06";
  cardNumber: string;
  /** What the demo/test types for this card (differs from cardNumber for the wrong-number card). */
  typed: string;
  name: string;
  sex: "男" | "女";
  nationality: string;
  birth: string;
  /** Card validity (このカードは…まで有効). */
  expiry: string;
  /** Period of stay (RC only; null for SPR). */
  stayEnd: string | null;
  status: string;
  issue: string;
  signer: "ok" | "expired" | "untrusted" | "none";
  alterAfterSigning: boolean;
  expected: { authenticity: string; read: "ok" | "wrong-code"; verdict: string };
}

const CARDS: Spec[] = [
  { id: "rc-genuine", label: "Residence card (1st gen), adult, genuine", type: "1", cardNumber: "AB12345678CD", typed: "AB12345678CD", name: "SILVA MARIA", sex: "女", nationality: "ブラジル", birth: "1990-04-12", expiry: "2029-03-31", stayEnd: "2029-03-31", status: "定住者", issue: "2024-03-31", signer: "ok", alterAfterSigning: false, expected: { authenticity: "genuine", read: "ok", verdict: "pass" } },
  { id: "spr-genuine", label: "Special permanent resident certificate (1st gen), adult, genuine", type: "2", cardNumber: "SP20481632EF", typed: "SP20481632EF", name: "KIM MINJUN", sex: "男", nationality: "韓国", birth: "1958-11-03", expiry: "2031-11-03", stayEnd: null, status: "特別永住者", issue: "2024-11-03", signer: "ok", alterAfterSigning: false, expected: { authenticity: "genuine", read: "ok", verdict: "pass" } },
  { id: "rc2-genuine", label: "Residence card (2nd gen, [2nd] layout), adult, genuine, birth date as text", type: "05", cardNumber: "RC26040101AA", typed: "RC26040101AA", name: "NGUYEN VAN AN", sex: "男", nationality: "ベトナム", birth: "1998-07-21", expiry: "2030-06-30", stayEnd: "2030-06-30", status: "特定技能", issue: "2026-06-30", signer: "ok", alterAfterSigning: false, expected: { authenticity: "genuine", read: "ok", verdict: "pass" } },
  { id: "rc-under16", label: "Residence card (1st gen) of a 12-year-old: no photo, no signature (spec §3.3.5)", type: "1", cardNumber: "CH14012014XY", typed: "CH14012014XY", name: "TRAN LINH", sex: "女", nationality: "ベトナム", birth: "2014-01-20", expiry: "2030-01-20", stayEnd: "2027-08-01", status: "家族滞在", issue: "2025-08-01", signer: "none", alterAfterSigning: false, expected: { authenticity: "could-not-check", read: "ok", verdict: "refer" } },
  { id: "rc-altered", label: "Residence card (1st gen): birth year changed in the front image after signing", type: "1", cardNumber: "AL19870615ZZ", typed: "AL19870615ZZ", name: "PEREZ LUIS", sex: "男", nationality: "ペルー", birth: "2009-06-15", expiry: "2029-06-15", stayEnd: "2029-06-15", status: "定住者", issue: "2024-06-15", signer: "ok", alterAfterSigning: true, expected: { authenticity: "data-altered", read: "ok", verdict: "refer" } },
  { id: "rc-unknown-ca", label: "Residence card (1st gen) signed under a CA no trust list holds", type: "1", cardNumber: "UC11223344QQ", typed: "UC11223344QQ", name: "SHARMA RAJ", sex: "男", nationality: "インド", birth: "1985-02-02", expiry: "2029-02-02", stayEnd: "2029-02-02", status: "技術・人文知識・国際業務", issue: "2024-02-02", signer: "untrusted", alterAfterSigning: false, expected: { authenticity: "unknown-ca", read: "ok", verdict: "refer" } },
  { id: "rc-expired", label: "Residence card (1st gen), validity and signer certificate ended 2025", type: "1", cardNumber: "EX20250930KK", typed: "EX20250930KK", name: "GARCIA ANA", sex: "女", nationality: "フィリピン", birth: "1979-09-30", expiry: "2025-09-30", stayEnd: "2025-09-30", status: "日本人の配偶者等", issue: "2022-09-30", signer: "expired", alterAfterSigning: false, expected: { authenticity: "expired", read: "ok", verdict: "fail" } },
  { id: "rc-wrong-number", label: "Genuine residence card (1st gen); the number typed for it is wrong (63 00, no lock)", type: "1", cardNumber: "WN55667788PP", typed: "WN55667788PR", name: "OKAFOR AMARA", sex: "女", nationality: "英国", birth: "1993-12-24", expiry: "2030-12-24", stayEnd: "2030-12-24", status: "永住者", issue: "2023-12-24", signer: "ok", alterAfterSigning: false, expected: { authenticity: "genuine", read: "wrong-code", verdict: "refer" } },
];

const b64 = (b: Uint8Array | Buffer) => Buffer.from(b).toString("base64");
function run(cmd: string, args: string[], input?: Uint8Array): Buffer {
  return execFileSync(cmd, args, { input, maxBuffer: 16 << 20, stdio: ["pipe", "pipe", "pipe"] });
}

function jDate(iso: string): string {
  const [y, m, d] = iso.split("-").map(Number);
  return `${String(y)}年${String(m)}月${String(d)}日`;
}

function tlv(tag: number, value: Uint8Array): Uint8Array {
  const n = value.length;
  const head = n < 0x80 ? [tag, n] : n < 0x100 ? [tag, 0x81, n] : [tag, 0x82, n >> 8, n & 0xff];
  return Uint8Array.from([...head, ...value]);
}
function padTo(b: Uint8Array, n: number, what: string): Uint8Array {
  if (b.length > n) throw new Error(`${what}: ${b.length} bytes > ${n}`);
  const out = new Uint8Array(n);
  out.set(b, 0);
  return out;
}

/** Front image: the printed fields only (no background, no photo), birth date and sex on one row. */
function frontTiff(s: Spec, dir: string, birthOverride?: string): Uint8Array {
  const mm = (v: number) => Math.round(v * PX);
  const pt = (sizeMm: number) => String(Math.round(sizeMm * PX));
  const t = (font: string, sizeMm: number, x: number, y: number, text: string) => ["-font", font, "-pointsize", pt(sizeMm), "-draw", `text ${mm(x)},${mm(y)} '${text.replace(/'/g, "")}'`];
  const spr = s.type === "2" || s.type === "06";
  const args = [
    "-size", `${W}x${H}`, "xc:white", "-fill", "black",
    ...t(LATIN, 2.7, 52, 5.5, s.cardNumber),
    ...t(LATIN, 3.3, 3, 11, s.name),
    ...t(CJK, 2.5, 3, 16, jDate(birthOverride ?? s.birth)),
    ...t(CJK, 2.5, 29, 16, `${s.sex} ${s.sex === "男" ? "M." : "F."}`),
    ...t(CJK, 2.5, 3, 20.5, s.nationality),
    ...t(CJK, 2.3, 3, 25, "東京都新宿区西新宿9丁目9番9号"),
    ...t(CJK, 2.6, 3, 29.5, s.status),
    ...(spr ? [] : [...t(CJK, 2.2, 3, 38, `在留期間 (${jDate(s.stayEnd ?? s.expiry)})`)]),
    ...t(CJK, 2.2, 3, 46.5, `交付 ${jDate(s.issue)}`),
    ...t(CJK, 2.2, 16, 51, `このカードは${jDate(s.expiry)}まで有効`),
    "-monochrome", "-density", String(DPI), "-units", "PixelsPerInch", "-compress", "Group4", "-strip",
  ];
  const out = path.join(dir, `${s.id}-${birthOverride ?? "x"}.tif`);
  run(CONVERT, [...args, out]);
  return new Uint8Array(readFileSync(out));
}

/** A synthetic colour face, JPEG 2000, at most `max` bytes. */
function photoJp2(id: string, dir: string, max: number): Uint8Array {
  let h = 2166136261;
  for (const ch of id) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  const r = (n: number) => {
    h = Math.imul(h ^ (h >>> 13), 0x5bd1e995) >>> 0;
    return h % n;
  };
  const ppm = path.join(dir, `${id}.ppm`);
  const skin = `rgb(${180 + r(50)},${130 + r(40)},${100 + r(40)})`;
  run(CONVERT, [
    "-size", "120x150", `xc:rgb(${200 + r(40)},${210 + r(30)},${220 + r(30)})`,
    "-fill", `rgb(${20 + r(50)},${15 + r(30)},${10 + r(30)})`, "-draw", "ellipse 60,70 40,52 180,360",
    "-fill", skin, "-draw", "ellipse 60,78 35,47 0,360",
    "-fill", "rgb(30,30,40)", "-draw", `ellipse ${47 - r(3)},70 5,3 0,360`, "-draw", `ellipse ${73 + r(3)},70 5,3 0,360`,
    "-fill", "rgb(150,70,70)", "-draw", `ellipse 60,${102 + r(4)} 10,3 0,360`,
    "-fill", "rgb(60,70,110)", "-draw", "rectangle 15,132 105,150",
    "-depth", "8", ppm,
  ]);
  const jp2 = path.join(dir, `${id}.jp2`);
  for (const rate of [40, 60, 80, 120]) {
    run("opj_compress", ["-i", ppm, "-o", jp2, "-r", String(rate)]);
    const b = new Uint8Array(readFileSync(jp2));
    if (b.length <= max) return b;
  }
  throw new Error(`${id}: JPEG 2000 photo larger than ${max} bytes`);
}

interface Ca {
  keyPem: string;
  certPem: string;
  certDer: Uint8Array;
}

function makeCa(dir: string, name: string, cn: string, ec: boolean): Ca {
  const keyPem = path.join(dir, `${name}.key`);
  if (ec) run("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out", keyPem]);
  else run("openssl", ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", keyPem]);
  const certPem = path.join(dir, `${name}.pem`);
  run("openssl", ["req", "-x509", "-new", "-key", keyPem, "-sha256", "-days", "7300", "-subj", `/C=JP/O=mynaguard test/OU=NOT THE MINISTRY OF JUSTICE/CN=${cn}`, "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", certPem]);
  const certDer = new Uint8Array(run("openssl", ["x509", "-in", certPem, "-outform", "DER"]));
  return { keyPem, certPem, certDer };
}

/** A signer certificate with explicit validity (openssl ca: -startdate/-enddate). */
function makeSigner(dir: string, ca: Ca, name: string, ec: boolean, start: string, end: string): { keyPem: string; certDer: Uint8Array } {
  const keyPem = path.join(dir, `signer-${name}.key`);
  if (ec) run("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out", keyPem]);
  else run("openssl", ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", keyPem]);
  const csr = path.join(dir, `signer-${name}.csr`);
  run("openssl", ["req", "-new", "-key", keyPem, "-subj", `/C=JP/O=mynaguard test/CN=MYNAGUARD TEST residence signer ${name}`, "-out", csr]);
  const cadir = path.join(dir, `ca-${name}`);
  run("mkdir", ["-p", cadir]);
  writeFileSync(path.join(cadir, "index.txt"), "");
  writeFileSync(path.join(cadir, "serial"), `${(0x1000 + Math.floor(Math.random() * 0xe000)).toString(16)}\n`);
  const cnf = path.join(cadir, "ca.cnf");
  writeFileSync(cnf, [
    "[ca]", "default_ca=d", "[d]", `dir=${cadir}`, "database=$dir/index.txt", "serial=$dir/serial", "new_certs_dir=$dir",
    "default_md=sha256", "policy=p", "copy_extensions=none", "x509_extensions=e", "unique_subject=no",
    "[p]", "countryName=optional", "organizationName=optional", "commonName=supplied",
    "[e]", "basicConstraints=critical,CA:FALSE", "keyUsage=critical,digitalSignature", "",
  ].join("\n"));
  const out = path.join(dir, `signer-${name}.crt`);
  run("openssl", ["ca", "-batch", "-config", cnf, "-cert", ca.certPem, "-keyfile", ca.keyPem, "-in", csr, "-out", out, "-startdate", start, "-enddate", end, "-notext"]);
  return { keyPem, certDer: new Uint8Array(run("openssl", ["x509", "-in", out, "-outform", "DER"])) };
}

function main(): void {
  const dir = mkdtempSync(path.join(tmpdir(), "mynaguard-rcdeck-"));
  try {
    const ca = makeCa(dir, "ca", "MYNAGUARD TEST ZairyuCard CA", false);
    const ca2 = makeCa(dir, "ca2", "MYNAGUARD TEST ZairyuCard CA2", true);
    const untrusted = makeCa(dir, "untrusted", "MYNAGUARD TEST UNTRUSTED CA", false);
    const signer = makeSigner(dir, ca, "ok", false, "20240101000000Z", "20341231235959Z");
    const signerExpired = makeSigner(dir, ca, "expired", false, "20200101000000Z", "20251231235959Z");
    const signerUntrusted = makeSigner(dir, untrusted, "untrusted", false, "20240101000000Z", "20341231235959Z");
    const signer2 = makeSigner(dir, ca2, "ok2", true, "20260101000000Z", "20391231235959Z");
    const cards = CARDS.map((s) => {
      const gen2 = s.type === "05" || s.type === "06";
      const typeTlv = gen2 ? Uint8Array.of(0xc1, 0x02, 0x30, s.type === "05" ? 0x35 : 0x36) : Uint8Array.of(0xc1, 0x01, s.type.charCodeAt(0));
      const common = Uint8Array.of(0xc0, 0x04, 0x30, 0x31, 0x30, 0x35);
      const files: Record<string, string> = { "mf:0b": b64(common), "mf:0a": b64(typeTlv) };
      const tiff = frontTiff(s, dir);
      const photo = s.signer === "none" ? new Uint8Array(0) : photoJp2(s.id, dir, 3000);
      const chosen = s.signer === "expired" ? signerExpired : s.signer === "untrusted" ? signerUntrusted : gen2 ? signer2 : signer;
      let signed: Uint8Array;
      if (!gen2) {
        const front = padTo(tiff, 7000, `${s.id} front image`);
        const photoV = s.signer === "none" ? new Uint8Array(0) : padTo(photo, 3000, `${s.id} photo`);
        signed = Uint8Array.from([...front, ...photoV]);
        let frontFile = front;
        if (s.alterAfterSigning) frontFile = padTo(frontTiff(s, dir, "1987-06-15"), 7000, `${s.id} altered front`);
        files["df1:05"] = b64(tlv(0xd0, frontFile));
        files["df1:06"] = b64(s.signer === "none" ? Uint8Array.of(0xd1, 0x00) : tlv(0xd1, photoV));
      } else {
        const ascii = (v: string) => new TextEncoder().encode(v);
        const ymd = (iso: string) => ascii(iso.replace(/-/g, ""));
        const printed = Uint8Array.from([
          ...tlv(0xc5, ymd(s.expiry)), ...tlv(0xc6, ymd(s.birth)), ...tlv(0xc7, ascii(s.sex === "男" ? "1" : "2")),
          ...tlv(0xc8, ascii("VNM")), ...tlv(0xcd, ymd(s.stayEnd ?? s.expiry)),
        ]);
        const nameImage = tiff; // [2nd] the name image; the whole printed front stands in for it here
        const images = Uint8Array.from([...tlv(0xd0, nameImage), ...tlv(0xd1, photo)]);
        files["df1:02"] = b64(printed);
        files["df1:03"] = b64(images);
        signed = Uint8Array.from([...printed, ...photo, ...nameImage]);
      }
      let sigFile: Uint8Array;
      if (s.signer === "none") {
        sigFile = padTo(Uint8Array.of(0xda, 0x00, 0xdb, 0x00), 1464, "signature");
      } else {
        const key = createPrivateKey(readFileSync(chosen.keyPem));
        const code = gen2
          ? signData("sha256", signed, { key, dsaEncoding: "ieee-p1363" })
          : signData("sha256", signed, { key, padding: constants.RSA_PKCS1_PADDING });
        const [ct, ce] = gen2 ? [0xdc, 0xdd] : [0xda, 0xdb];
        sigFile = padTo(Uint8Array.from([...tlv(ct, code), ...tlv(ce, chosen.certDer)]), 1464, "signature");
      }
      files["df3:02"] = b64(sigFile);
      return { ...s, generation: gen2 ? 2 : 1, files };
    });
    const deck = {
      note: "Fictional residence cards for the simulator (scripts/make-residence-deck.ts). TEST keys only; no real person, no ISA key.",
      testCa: b64(ca.certDer),
      testCa2: b64(ca2.certDer),
      untrustedCa: b64(untrusted.certDer),
      cards,
    };
    writeFileSync(OUT, JSON.stringify(deck, null, 1) + "\n");
    console.log(`wrote ${OUT}: ${cards.length} cards`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
