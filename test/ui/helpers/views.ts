/**
 * Scripted views for every screen state, as the daemon would send them. Attended-mode personal data
 * here is synthetic (generated PNGs, an invented birth date), so tests can look for it afterwards.
 */
import { qrMatrix } from "../../../src/till/qr";
import { PNG } from "pngjs";
import type { AttendedChipData, DemoPanelState, Lang, Screen, StaffView } from "../../../src/protocol";
import type { ViewInput } from "./harness";
import { MY_NUMBER_ACCESS_KEY } from "../../../src/documents/mynumber/access-key";

/** The manual-entry screen's document as the daemon sends it for a My Number card. */
export const MY_NUMBER_ENTRY = { kind: "mynumber", accessKey: MY_NUMBER_ACCESS_KEY } as const;

/** The built-in deck's cards as the demo panel lists them (long labels on purpose). */
export const DEMO: DemoPanelState = {
  cards: [
    { id: "showa-64", label: "昭和64年1月7日生 (last day of Shōwa), adult woman", document: "mynumber" },
    { id: "heisei-1", label: "平成元年1月8日生 (first day of Heisei), adult man", document: "mynumber" },
    { id: "heisei-31", label: "平成31年4月30日生 (last day of Heisei), child", document: "mynumber" },
    { id: "reiwa-1", label: "令和元年5月1日生 (first day of Reiwa), child", document: "mynumber" },
    { id: "leap-day", label: "平成12年2月29日生 (29 February), adult woman", document: "mynumber" },
    { id: "foreign", label: "Foreign resident, birth date printed in the Western calendar, adult man", document: "mynumber" },
    { id: "minor-18", label: "平成20年生, 18 years old (under 20), man", document: "mynumber" },
    { id: "senior", label: "昭和25年生, senior woman", document: "mynumber" },
    { id: "not-holder", label: "Adult man whose card is presented by someone else (the face does not match)", document: "mynumber" },
    { id: "two-tries", label: "Adult woman, 照合番号B at 2 tries left (the kiosk must refuse)", document: "mynumber" },
    { id: "blocked", label: "Adult man, 照合番号B blocked (0 tries left)", document: "mynumber" },
    { id: "not-my-number", label: "A contactless card that is not a My Number card (券面AP answers 6A82)", document: null },
    { id: "rc-genuine", label: "在留カード (1st generation, genuine, adult)", document: "residence", key: "AB12345678CD" },
    { id: "rc-wrong-number", label: "在留カード, the demo types a wrong card number", document: "residence", key: "AB12345678CX" },
    { id: "passport-genuine-pace", label: "Passport (genuine, PACE ECDH-GM brainpoolP256r1 AES-128)", document: "passport", key: "TP1000009 790304 310415" },
    { id: "licence-showa", label: "運転免許証 昭和50年6月1日生, PIN 1 ok, 3 tries", document: "licence", key: "1234" },
  ],
  placed: null,
  leds: "ready",
};

export function view(screen: Screen, opts: Partial<ViewInput> = {}): ViewInput {
  return {
    screen,
    countdown: null,
    kioskMode: "unattended",
    defaultLanguage: "ja",
    demo: null,
    ...opts,
  };
}

/** A countdown that ends `seconds` from now (the daemon and the browser share one clock). */
export function countdown(seconds: number, totalSeconds = 30): ViewInput["countdown"] {
  return { endsAt: Date.now() + seconds * 1000, totalMs: totalSeconds * 1000 };
}

/** A greyscale PNG with a deterministic pattern that differs per `seed` (stands in for chip images). */
export function syntheticPng(width: number, height: number, seed: number): string {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const v = ((x * 7 + y * 13 + seed * 31) % 97) < 30 || (x + seed) % 23 < 2 ? 20 : 245;
      png.data[i] = v;
      png.data[i + 1] = v;
      png.data[i + 2] = v;
      png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png).toString("base64");
}

export function attendedData(): AttendedChipData {
  return {
    document: "mynumber",
    photoPngBase64: syntheticPng(120, 150, 1),
    images: [
      { label: "name", pngBase64: syntheticPng(420, 60, 2) },
      { label: "address", pngBase64: syntheticPng(520, 110, 3) },
    ],
    text: [],
    birthDate: "1976-09-23",
    sex: "female",
    expiry: "2034-09-23",
    age: 50,
    authenticity: "genuine",
  };
}

export const STAFF: StaffView = {
  kioskId: "kiosk-1",
  version: "0.1.0",
  health: { mode: "demo", version: "0.1.0", devices: { reader: "ok", camera: "missing", leds: "ok" }, ready: false },
  today: {
    byOutcome: { pass: 42, fail: 3, refer: 5, abandoned: 7 },
    byReason: { "under-age": 2, "wrong-code": 1, timeout: 6, "customer-cancelled": 1, "face-not-sure": 4, "read-error": 1, "card-expired": 1 },
  },
  ledTest: "refer",
  recent: [
    { at: Date.parse("2026-06-01T12:41:00+09:00"), document: "mynumber", outcome: "refer", reason: "card-blocked" },
    { at: Date.parse("2026-06-01T12:35:00+09:00"), document: "mynumber", outcome: "fail", reason: "under-age" },
    { at: Date.parse("2026-06-01T12:20:00+09:00"), document: "mynumber", outcome: "pass", reason: null },
    { at: Date.parse("2026-06-01T12:02:00+09:00"), document: null, outcome: "abandoned", reason: "timeout" },
    { at: Date.parse("2026-06-01T11:58:00+09:00"), document: "mynumber", outcome: "refer", reason: "face-no-match" },
  ],
  staffCall: { since: Date.parse("2026-06-01T12:41:00+09:00"), reason: "card-blocked" },
};

export interface NamedView {
  /** File-name friendly id. */
  id: string;
  /** The data-screen the page must show. */
  screen: string;
  view: ViewInput;
  /** Tap this test id after the screen shows (e.g. to open the demo drawer). */
  tap?: string;
}

/** Every state the UI can show, each as the daemon would send it, in the given default language. */
export function allStates(lang: Lang): NamedView[] {
  const v = (screen: Screen, opts: Partial<ViewInput> = {}) => view(screen, { defaultLanguage: lang, ...opts });
  return [
    { id: "idle", screen: "idle", view: v({ name: "idle", staffCall: false }) },
    { id: "idle-staff-called", screen: "idle", view: v({ name: "idle", staffCall: true }) },
    { id: "idle-demo-drawer", screen: "idle", view: v({ name: "idle", staffCall: false }, { demo: { ...DEMO, placed: "heisei-1", leds: "busy" } }), tap: "demo-toggle" },
    { id: "place-card", screen: "place-card", view: v({ name: "place-card", notice: null }, { countdown: countdown(25) }) },
    // The fullest header: countdown, six languages and the demo drawer's button.
    { id: "place-card-demo", screen: "place-card", view: v({ name: "place-card", notice: null }, { countdown: countdown(25), demo: DEMO }) },
    { id: "place-card-lift-first", screen: "place-card", view: v({ name: "place-card", notice: "lift-first" }, { countdown: countdown(25) }) },
    { id: "place-card-lifted", screen: "place-card", view: v({ name: "place-card", notice: "lifted" }, { countdown: countdown(25) }) },
    { id: "capture-card-face", screen: "capture-card-face", view: v({ name: "capture-card-face", frames: 0, document: null }, { countdown: countdown(12, 15) }) },
    { id: "capture-card-face-frames", screen: "capture-card-face", view: v({ name: "capture-card-face", frames: 7, document: "mynumber" }, { countdown: countdown(9, 12) }) },
    // A passport: the camera must see the data page's two MRZ lines, uncovered (the longest text).
    { id: "capture-passport", screen: "capture-card-face", view: v({ name: "capture-card-face", frames: 3, document: "passport" }, { countdown: countdown(9, 12) }) },
    {
      id: "manual-entry-chosen",
      screen: "manual-entry",
      view: v({ name: "manual-entry", document: MY_NUMBER_ENTRY, prefill: { calendar: "era" }, problem: null, why: "chosen" }, { countdown: countdown(80, 90) }),
    },
    {
      id: "manual-entry",
      screen: "manual-entry",
      view: v({ name: "manual-entry", document: MY_NUMBER_ENTRY, prefill: { calendar: "era", era: "showa" }, problem: null, why: "unread" }, { countdown: countdown(58, 60) }),
    },
    {
      id: "manual-entry-problem",
      screen: "manual-entry",
      view: v(
        {
          name: "manual-entry",
          document: MY_NUMBER_ENTRY,
          prefill: { calendar: "western", birthYear: "1990", birthMonth: "02", birthDay: "30", expiryYear: "2031", securityCode: "12" },
          problem: "birth:not-a-date",
          why: "unread",
        },
        { countdown: countdown(4, 60) },
      ),
    },
    { id: "reading-chip", screen: "reading-chip", view: v({ name: "reading-chip", progress: 0.45, triesLeft: 9 }, { countdown: countdown(8, 10) }) },
    {
      id: "reading-chip-removed",
      screen: "reading-chip",
      view: v({ name: "reading-chip", progress: 0.3, triesLeft: null, cardRemoved: true }, { countdown: countdown(7, 10) }),
    },
    { id: "checking", screen: "checking", view: v({ name: "checking" }) },
    { id: "face-check", screen: "face-check", view: v({ name: "face-check", hint: "closer" }, { countdown: countdown(9, 10) }) },
    { id: "result-pass", screen: "result", view: v({ name: "result", outcome: "pass", reason: null, attended: null, minimumAge: 20, advice: null, cardOn: true }, { countdown: countdown(5, 5) }) },
    // Issue 19: the verdict token's QR code beside the verdict (a token-sized payload: 442 characters).
    { id: "result-pass-token", screen: "result", view: v({ name: "result", outcome: "pass", reason: null, attended: null, minimumAge: 20, advice: null, cardOn: true, token: SAMPLE_TOKEN }, { countdown: countdown(5, 5) }) },
    { id: "result-fail-token", screen: "result", view: v({ name: "result", outcome: "fail", reason: "under-age", attended: null, minimumAge: 20, advice: null, cardOn: true, token: SAMPLE_TOKEN }) },
    { id: "result-refer-token", screen: "result", view: v({ name: "result", outcome: "refer", reason: null, attended: null, minimumAge: 20, advice: "staff-can-help", cardOn: true, token: SAMPLE_TOKEN }) },
    { id: "result-fail", screen: "result", view: v({ name: "result", outcome: "fail", reason: "under-age", attended: null, minimumAge: 20, advice: null, cardOn: true }) },
    { id: "result-expired", screen: "result", view: v({ name: "result", outcome: "fail", reason: "card-expired", attended: null, minimumAge: 20, advice: null, cardOn: false }) },
    {
      id: "result-refer-blocked",
      screen: "result",
      view: v({ name: "result", outcome: "refer", reason: null, attended: null, minimumAge: 20, advice: "municipal-office", cardOn: true }),
    },
    {
      id: "result-refer-unsupported",
      screen: "result",
      view: v({ name: "result", outcome: "refer", reason: null, attended: null, minimumAge: 20, advice: "supported-documents", cardOn: true }),
    },
    {
      id: "result-refer-low-tries",
      screen: "result",
      view: v({ name: "result", outcome: "refer", reason: null, attended: null, minimumAge: 20, advice: "staff-can-help", cardOn: true }),
    },
    {
      id: "result-card-removed",
      screen: "result",
      view: v({ name: "result", outcome: "abandoned", reason: "card-removed", attended: null, minimumAge: 20, advice: null, cardOn: false }),
    },
    { id: "card-left", screen: "card-left", view: v({ name: "card-left" }) },
    // Unattended "refer" carries no reason: the customer is only asked to see staff.
    { id: "result-refer", screen: "result", view: v({ name: "result", outcome: "refer", reason: null, attended: null, minimumAge: 20, advice: null, cardOn: true }) },
    { id: "result-abandoned", screen: "result", view: v({ name: "result", outcome: "abandoned", reason: "timeout", attended: null, minimumAge: 20, advice: null, cardOn: true }) },
    {
      id: "result-attended",
      screen: "result",
      view: v({ name: "result", outcome: "pass", reason: null, attended: attendedData(), minimumAge: 20, advice: null, cardOn: true }, { kioskMode: "attended" }),
    },
    {
      id: "result-attended-refer",
      screen: "result",
      view: v(
        { name: "result", outcome: "refer", reason: "face-not-sure", attended: { ...attendedData(), photoPngBase64: null, authenticity: "not-checked" }, minimumAge: 20, advice: null, cardOn: true },
        { kioskMode: "attended" },
      ),
    },
    { id: "out-of-service", screen: "out-of-service", view: v({ name: "out-of-service", devices: { reader: "missing", camera: "ok", leds: "error" } }) },
    { id: "staff-login", screen: "staff-login", view: v({ name: "staff-login", problem: "wrong-pin", lockedUntil: null }) },
    { id: "staff", screen: "staff", view: v({ name: "staff", staff: STAFF }) },
    // Issue 19: the till POST failing (the staff must see it; the QR code still works).
    { id: "staff-till-failures", screen: "staff", view: v({ name: "staff", staff: { ...STAFF, tillPostFailures: 12 } }) },
    { id: "staff-quiet", screen: "staff", view: v({ name: "staff", staff: { ...STAFF, staffCall: null, recent: [], ledTest: null } }) },
  ];
}

/** A verdict token's size and shape (not a valid signature: the screens only draw it). */
const SAMPLE_JWS = `${"eyJhbGciOiJFZERTQSIsInR5cCI6Im15bmFndWFyZC12ZXJkaWN0K2p3dCIsImtpZCI6".padEnd(134, "A")}.${"eyJpc3MiOiJteW5hZ3VhcmQ6YmFyLTciLCJpYXQiOjE3OTY0NTc2MDAs".padEnd(220, "B")}.${"H".repeat(86)}`;
const SAMPLE_TOKEN = { jws: SAMPLE_JWS, ...qrMatrix(SAMPLE_JWS), expiresAt: 0 };
