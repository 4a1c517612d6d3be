/**
 * Daemon ↔ UI messages over the one WebSocket (`/ws` on 127.0.0.1), and the /healthz body.
 * Types only: the UI imports this file with `import type`. Owned by the session flow (src/flow/):
 * every screen is a pure function of the last `ViewMessage`, so the UI keeps no timers or state of
 * its own beyond the language and what the customer is typing.
 *
 * Changes by the session flow (issue 7), all additive: `reading-chip.cardRemoved` (optional).
 * The manual-entry screen is also shown while a submitted entry is checked (problem null);
 * "result" with outcome "refer" carries reason null in unattended mode (the customer is only asked
 * to see staff); in attended mode `reason` is the staff-facing technical reason.
 *
 * Changes for issue 14 (what a first-time customer and a bartender meet): the verdict carries the
 * configured minimum age and a customer-safe next step; "card-left" (a card left on the reader after
 * the verdict); place-card says why it is shown again; capture-card-face counts frames; manual entry
 * says why it appeared; the staff screen gets recent sessions and a pending staff call.
 *
 * Personal data crosses this socket only in attended mode (`AttendedChipData`), as in-memory values
 * (data: URLs built in the page from base64, never fetched, never cached).
 */

export type Lang = "ja" | "en" | "zh" | "ko" | "vi" | "pt";
export type DeviceHealth = "ok" | "missing" | "error";
export type KioskMode = "unattended" | "attended";
export type RunMode = "demo" | "production";

/** GET /healthz */
export interface Health {
  mode: RunMode;
  version: string;
  devices: { reader: DeviceHealth; camera: DeviceHealth; leds: DeviceHealth };
  ready: boolean;
  /** "not-set": production without a staff PIN — customer checks run, staff login is impossible. */
  staffPin?: "set" | "demo" | "not-set";
  /** Problems an operator should fix, each with how (e.g. the staff PIN). Never personal. */
  notes?: string[];
}

/** LED patterns (status light tower: green, amber, red). */
export type LedPattern = "off" | "ready" | "busy" | "pass" | "fail" | "refer" | "card-left" | "out-of-service";

/** Why a session did not pass; shown to staff and counted in the audit. Never personal. */
export type ReasonCode =
  | "under-age"
  | "card-expired"
  | "wrong-code"
  | "card-blocked"
  | "low-tries"
  | "unsupported-document"
  | "card-removed"
  | "read-error"
  | "data-altered"
  | "clone-suspected"
  | "unknown-ca"
  | "could-not-check"
  /** The chip opened and gave its data, but no public key exists to check its signature (the IC
   *  driver's licence): real data, authenticity unknown. */
  | "not-verifiable"
  /** The data is signed by the issuer (passive authentication), but the chip proved neither Active
   *  nor Chip Authentication, so a copy of the chip is not ruled out (e-passports without AA/CA). */
  | "clone-not-ruled-out"
  | "face-no-match"
  | "face-not-sure"
  | "liveness-failed"
  | "no-face"
  | "ocr-unsure"
  | "timeout"
  | "customer-cancelled"
  /** The customer asked for staff (the manual-entry notice's "call staff") instead of giving the key. */
  | "staff-requested"
  /** Audit only: a session that began but never ended (crash, kill, power loss), found at the next start. */
  | "interrupted"
  | "device-error";

export type Outcome = "pass" | "fail" | "refer" | "abandoned";

export interface Countdown {
  /** Wall-clock ms (daemon clock) when the budget of the current state ends. */
  endsAt: number;
  totalMs: number;
}

/** What the customer typed or what OCR proposed, to pre-fill the manual-entry screen: the values of
 *  the document kind's access-key fields (`AccessKeySchema`), by field id. Not secret-typed because it
 *  is the customer's own input echoed back to their own screen; never logged. The kind turns it into
 *  its access key and judges it (src/documents/). */
export type EntryPrefill = { [field: string]: string };

/** Which documents the kiosk knows: the id of a kind registered under src/documents/ ("mynumber", …). */
export type DocumentKindId = string;

/**
 * How a document kind asks for its access key (照合番号B inputs, a 12-character card number, MRZ data,
 * a PIN) on the manual-entry screen. The UI renders it; the kind's entry rules check what was typed.
 * Every label is a catalogue key: `${catalogue}.${…}` (see ui/src/i18n/).
 */
export interface AccessKeySchema {
  /** What the key is (names it; the UI decides nothing from it). */
  readonly key: "code-b" | "card-number" | "mrz" | "pin";
  /** Catalogue prefix of this kind's strings, e.g. "doc.mynumber" → "doc.mynumber.entry.title". */
  readonly catalogue: string;
  /** Picture of the document with the fields marked: `${catalogue}.picture` names it; null: none. */
  readonly picture: "card-fields" | null;
  /** The prefill when nothing is known yet. */
  readonly initial: EntryPrefill;
  /** Choices shown as buttons (e.g. how the birth year is written). */
  readonly choices: readonly EntryChoice[];
  /** Rows of typed fields, in order. */
  readonly groups: readonly EntryGroup[];
  /** Shown before the customer types (e.g. a PIN that costs a try): title `${catalogue}.notice.title`,
   *  one paragraph per line `${catalogue}.notice.${line}`; buttons `${catalogue}.notice.continue`,
   *  `.other-document` (ends the session: customer-cancelled) and `.call-staff` (refer: staff-requested). */
  readonly notice?: { readonly lines: readonly string[] };
}

export interface EntryChoice {
  readonly id: string;
  readonly options: readonly string[];
  /** Shown only while another choice has this value. */
  readonly when?: { readonly field: string; readonly is: string };
  /** Catalogue prefix of the option labels: `${labels}.${option}` (default `${catalogue}.choice.${id}.${option}`). */
  readonly labels?: string;
  /** The option taken when the choice appears because another one changed. */
  readonly default?: string;
}

export interface EntryGroup {
  /** Label `${catalogue}.group.${id}`; hint `${catalogue}.where.${id}`; name in a problem line
   *  `${catalogue}.field.${id}`; the picture's part `id`. */
  readonly id: string;
  readonly fields: readonly EntryField[];
}

export interface EntryField {
  readonly id: string;
  /** "digits": the digit pad; "alnum": letters and digits (card numbers, MRZ). */
  readonly charset: "digits" | "alnum";
  /** Exact length, or a length chosen by a choice's value (e.g. era year 2 digits, western 4). */
  readonly length: number | { readonly by: string; readonly values: { readonly [option: string]: number } };
  /** A PIN: shown as dots, never echoed back by the daemon. */
  readonly masked?: boolean;
  /** Unit after the box: `entry.${unit}` (year, month, day). */
  readonly unit?: string;
  /** The value of this choice shown before the box (e.g. the era's name), when it is shown. */
  readonly tag?: string;
}

/** The document as the manual-entry screen needs it. */
export interface EntryDocument {
  readonly kind: DocumentKindId;
  readonly accessKey: AccessKeySchema;
}

/**
 * What staff see at the reception desk (attended mode) for any document kind: what its `DocumentData`
 * carries. Labels are catalogue keys: `doc.<document>.attended.<label>`, else `attended.<label>`.
 */
export interface AttendedChipData {
  /** The document kind read (its name heads the view; its own labels are looked up first). */
  document: DocumentKindId;
  photoPngBase64: string | null;
  /** The document's images other than the photo, in its order (My Number: name, address; residence card: the front). */
  images: { label: string; pngBase64: string }[];
  /** Short text values (licence number, name as text…). */
  text: { label: string; value: string }[];
  /** YYYY-MM-DD; null: the document gave none that is sure. */
  birthDate: string | null;
  /** null: the document does not say (only the My Number card does). */
  sex: "male" | "female" | "not-known" | "not-applicable" | null;
  /** YYYY-MM-DD; null: none. */
  expiry: string | null;
  /** null: not assessed (no sure birth date). */
  age: number | null;
  authenticity: string;
}

/**
 * A next step the customer may be told whatever the mode, because it accuses nobody and reveals no
 * forgery check: a blocked card → the municipal office; too few tries left (or a code that did not
 * open the card) → staff can help; a card that is not a supported document → which documents work.
 */
export type CustomerAdvice = "municipal-office" | "staff-can-help" | "supported-documents";

/** One finished session as the staff screen lists it (no personal data: time, document kind, outcome, reason). */
export interface RecentSession {
  /** Daemon ms when the verdict was given. */
  at: number;
  /** The document kind the session read (e.g. "mynumber"); null when no card was recognised. */
  document: DocumentKindId | null;
  outcome: Outcome;
  reason: ReasonCode | null;
}

/**
 * The verdict token on the result screen (issue 19): the JWS and its QR code, made on the daemon with
 * the `qrcode` package, as a module matrix the UI draws as SVG (no data: URL, so the page's CSP holds).
 */
export interface ResultToken {
  /** The JWS compact serialisation the QR code encodes. */
  jws: string;
  /** QR modules per side (without the quiet zone). */
  size: number;
  /** SVG path data of the dark modules, one unit per module, origin at the top-left module. */
  path: string;
  /** Daemon ms when the token expires. */
  expiresAt: number;
}

/** A referral waiting for staff: since when, and why (shown only on the staff screen). */
export interface StaffCall {
  since: number;
  reason: ReasonCode | null;
}

export type Screen =
  /** `staffCall`: a referral is waiting for staff (the idle screen shows "staff called", no reason). */
  | { name: "idle"; staffCall: boolean }
  /** `notice`: "lift-first" — a card was already lying on the reader when Start was pressed (it is
   *  never read for this session: lift it and place it again); "lifted" — the card was lifted while
   *  the camera was reading its face. */
  | { name: "place-card"; notice: "lift-first" | "lifted" | null }
  /** `frames`: camera frames looked at so far. `document`: the kind on the reader once recognised
   *  (null until then): the screen says what the camera must see for it (a passport's MRZ lines). */
  | { name: "capture-card-face"; frames: number; document: DocumentKindId | null }
  /** `why`: the camera could not read the card ("unread"), the customer chose to type ("chosen"), or
   *  the document's key is never printed (a PIN: "typed", the camera was not used). */
  | { name: "manual-entry"; document: EntryDocument; prefill: EntryPrefill; problem: string | null; why: "unread" | "chosen" | "typed" }
  | {
      name: "reading-chip";
      /** 0–1 */
      progress: number;
      triesLeft: number | null;
      /** Added by the flow (issue 7): true while the card was lifted mid-read and the kiosk waits for
       *  it to be put back ("put the card back on the reader"; the countdown is that wait). */
      cardRemoved?: boolean;
    }
  | { name: "checking" }
  | { name: "face-check"; hint: "look" | "closer" | "one-person" | "hold-still" | null }
  | {
      name: "result";
      outcome: Outcome;
      /** Customer-safe reason (unattended mode hides forgery reasons behind "refer"). */
      reason: ReasonCode | null;
      attended: AttendedChipData | null;
      /** The configured minimum age, so that the headline states the rule ("20 or over"). */
      minimumAge: number;
      /** A customer-safe next step, or null. */
      advice: CustomerAdvice | null;
      /** Whether the card is still on the reader (the words ask to take it only then). */
      cardOn: boolean;
      /** Issue 19: the signed verdict token for the till, as a QR code (absent while it is being
       *  signed, when tokens are off, and for abandoned sessions). No personal data: src/till/claims.ts. */
      token?: ResultToken | null;
    }
  /** The verdict is over and the card is still on the reader: take it; nothing starts until then. */
  | { name: "card-left" }
  | { name: "out-of-service"; devices: Health["devices"] }
  /** Staff PIN pad (opened by `staff-open`). `lockedUntil`: daemon ms until which logins are refused. */
  /** `pin`: "demo" = the published demo PIN 2580 (the pad says so); "not-set" = staff login impossible. */
  | { name: "staff-login"; problem: StaffLoginProblem | null; lockedUntil: number | null; pin?: "set" | "demo" | "not-set" }
  /** Staff screen after a correct PIN: status and counts only, never personal data. */
  | { name: "staff"; staff: StaffView };

/** Why a staff login was refused (the daemon rate-limits PIN tries). */
export type StaffLoginProblem = "wrong-pin" | "locked" | "no-pin-set";

/** Today's sessions by outcome and by reason (from the audit; no personal data). */
export interface StaffCounts {
  byOutcome: Record<Outcome, number>;
  byReason: Partial<Record<ReasonCode, number>>;
}

export interface StaffView {
  kioskId: string;
  version: string;
  health: Health;
  today: StaffCounts;
  /** The LED pattern being shown by an LED test, or null when no test runs. */
  ledTest: LedPattern | null;
  /** The last sessions, newest first (kept in memory since the daemon started). */
  recent: RecentSession[];
  /** A referral waiting for staff, or null. */
  staffCall: StaffCall | null;
  /** Issue 19: verdict tokens the till POST could not deliver since the daemon started (absent: no POST configured). */
  tillPostFailures?: number;
}

/**
 * The manual-entry `problem` as the UI reads it: a card-face plausibility code (src/cardfront/
 * plausibility.ts `ProblemCode`), alone or as "field:code" (e.g. "birth:not-in-era"). The UI
 * translates the code; any other non-null string is shown as a generic "please check" line.
 */
export type EntryProblem =
  | "missing"
  | "not-a-number"
  | "out-of-range"
  | "not-in-era"
  | "not-a-date"
  | "in-future"
  | "too-old"
  | "not-birthday"
  | "too-far-ahead"
  | "long-past"
  | "before-fifth-birthday"
  | "not-4-digits"
  /** The camera saw the back of the card (the side with the number): turn it over. Not a typing problem. */
  | "back-side-up";

export interface DemoCard {
  id: string;
  label: string;
  /** The kind the simulated card is (the drawer groups by it); null: no supported document. */
  document?: DocumentKindId | null;
  /** Simulated test data only: what to type for it on the entry screen (card number, MRZ, PIN). */
  key?: string;
}

export interface DemoPanelState {
  cards: DemoCard[];
  placed: string | null;
  leds: LedPattern;
}

export interface ViewMessage {
  type: "view";
  /** Increases with every message; lets the UI ignore stale ones. */
  seq: number;
  screen: Screen;
  countdown: Countdown | null;
  kioskMode: KioskMode;
  defaultLanguage: Lang;
  /** Present only in demo mode. */
  demo: DemoPanelState | null;
}

export type ClientMessage =
  | { type: "start" }
  | { type: "cancel" }
  | { type: "confirm" }
  | { type: "manual-entry"; entry: EntryPrefill }
  | { type: "demo-place-card"; cardId: string }
  | { type: "demo-remove-card" }
  /** Capture-card-face screen: type the printed numbers instead of waiting for the camera. */
  | { type: "type-instead" }
  /** Manual-entry notice: the customer asks for staff instead of typing (the session ends as refer). */
  | { type: "call-staff" }
  /** Every keystroke on the manual-entry screen: the daemon answers with `problem` (live validation). */
  | { type: "entry-draft"; entry: EntryPrefill }
  /** Staff screen: open the PIN pad, try a PIN (rate-limited by the daemon), test LEDs, set the
   *  customer screen's default language, leave. */
  | { type: "staff-open" }
  | { type: "staff-login"; pin: string }
  | { type: "staff-led-test"; pattern: LedPattern }
  | { type: "staff-set-language"; lang: Lang }
  /** Staff have seen the pending referral: the refer light goes out. */
  | { type: "staff-acknowledge" }
  | { type: "staff-close" };

export type ServerMessage = ViewMessage;
