/**
 * The attended (reception desk) staff view for every document kind in real Chromium, through the
 * scripted harness: it shows what the kind's DocumentData carries (labelled images and text values,
 * birth date with age, sex only when the document says, expiry, authenticity incl. `not-verifiable`
 * and `clone-not-ruled-out`) with the kind's own labels; fits and passes axe-core in ja and en at the
 * three sizes. My Number's view shows the same things as before. Screenshots:
 * test-output/screens/attended/<size>-<lang>-<case>.png.
 */
import { describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import type { AttendedChipData, Outcome, ReasonCode } from "../../src/protocol";
import { axeProblems, layoutProblems, openPage, screenshot, SIZES, waitForScreen } from "./helpers/browser";
import type { Harness } from "./helpers/harness";
import { withHarnessAndBrowser } from "./helpers/suite";
import { attendedData, syntheticPng, view } from "./helpers/views";

let browser: Browser;
let harness: Harness;

interface Case {
  id: string;
  data: AttendedChipData;
  outcome: Outcome;
  reason: ReasonCode | null;
  /** Texts the view must show (ja). */
  ja: string[];
  /** Labels it must not show (ja). */
  notJa: string[];
}

const CASES: Case[] = [
  { id: "mynumber", data: attendedData(), outcome: "pass", reason: null, ja: ["マイナンバーカード", "氏名", "住所", "性別", "女", "本物のカードです", "1976-09-23"], notJa: [] },
  {
    id: "residence",
    data: {
      document: "residence",
      photoPngBase64: syntheticPng(120, 150, 4),
      images: [{ label: "card-front", pngBase64: syntheticPng(640, 404, 5) }],
      text: [{ label: "card-type", value: "1" }],
      birthDate: "1990-02-14",
      sex: null,
      expiry: "2029-02-14",
      age: 36,
      authenticity: "genuine",
    },
    outcome: "pass",
    reason: null,
    ja: ["在留カード", "カード表面（ICに記録された画像）", "カード種別コード", "1990-02-14"],
    notJa: ["性別", "住所"],
  },
  {
    id: "passport",
    data: {
      document: "passport",
      photoPngBase64: syntheticPng(120, 150, 6),
      images: [],
      // What the passport kind yields: DG1's MRZ name field (a full 39 characters, no break opportunity) and nationality.
      text: [
        { label: "name", value: "WOLFESCHLEGELSTEINHAUSEN<<HUBERT<BLAINE" },
        { label: "nationality", value: "UTO" },
      ],
      birthDate: "1979-03-04",
      sex: null,
      expiry: "2031-04-15",
      age: 47,
      authenticity: "clone-not-ruled-out",
    },
    outcome: "refer",
    reason: "clone-not-ruled-out",
    ja: ["旅券（パスポート）", "1979-03-04", "データは真正・複製の可能性は否定できない", "氏名", "WOLFESCHLEGELSTEINHAUSEN<<HUBERT<BLAINE", "国籍", "UTO"],
    notJa: ["性別"],
  },
  {
    id: "licence",
    data: {
      document: "licence",
      photoPngBase64: null,
      images: [],
      text: [
        { label: "name", value: "見本 花子" },
        { label: "licence-number", value: "123456789012" },
      ],
      birthDate: "1975-06-01",
      sex: null,
      expiry: "2029-07-01",
      age: 51,
      authenticity: "not-verifiable",
    },
    outcome: "refer",
    reason: "not-verifiable",
    ja: ["運転免許証", "氏名", "見本 花子", "免許証の番号", "123456789012", "顔写真なし", "検証できない（公開鍵なし）"],
    notJa: ["性別"],
  },
  {
    id: "residence-unsure",
    data: { document: "residence", photoPngBase64: null, images: [{ label: "card-front", pngBase64: syntheticPng(640, 404, 7) }], text: [], birthDate: null, sex: null, expiry: null, age: null, authenticity: "not-checked" },
    outcome: "refer",
    reason: "ocr-unsure",
    ja: ["不明"],
    notJa: ["null", "NaN", "-1"],
  },
];

const pushCase = (c: Case, lang: "ja" | "en") =>
  harness.push(view({ name: "result", outcome: c.outcome, reason: c.reason, attended: c.data, minimumAge: 20, advice: null, cardOn: true }, { kioskMode: "attended", defaultLanguage: lang }));

withHarnessAndBrowser((h, b) => {
  harness = h;
  browser = b;
});

describe("the attended staff view for every document kind", () => {
  for (const size of SIZES) {
    it(`fits and passes axe-core in ja and en at ${size.width}×${size.height}`, async () => {
      const page = await openPage(browser, size, harness.url);
      const problems: string[] = [];
      try {
        for (const lang of ["ja", "en"] as const) {
          for (const c of CASES) {
            pushCase(c, lang);
            await page.waitForSelector(`.chip[data-document="${c.data.document}"]`);
            await page.waitForFunction((l) => document.documentElement.lang.startsWith(l), lang);
            await page.waitForFunction(() => Array.from(document.querySelectorAll("canvas")).every((x) => x.dataset["drawn"]));
            for (const p of await layoutProblems(page)) problems.push(`${lang} ${c.id}: ${p}`);
            for (const p of await axeProblems(page)) problems.push(`${lang} ${c.id}: ${p}`);
            expect(await page.locator("body").textContent(), `${lang} ${c.id}`).not.toMatch(/attended\.|doc\.\w+\.|auth\./);
            await screenshot(page, "attended", `${size.width}x${size.height}-${lang}-${c.id}`);
            // Another case next: wait for this one to go (same screen name).
            harness.push(view({ name: "idle", staffCall: false }, { defaultLanguage: lang }));
            await waitForScreen(page, "idle");
          }
        }
      } finally {
        await page.context().close();
      }
      expect(problems).toEqual([]);
    });
  }

  it("shows each kind's own labels and values, sex only where the document says, and the authenticity answer", async () => {
    const page = await openPage(browser, SIZES[0], harness.url);
    try {
      for (const c of CASES) {
        pushCase(c, "ja");
        await page.waitForSelector(`.chip[data-document="${c.data.document}"]`);
        const text = (await page.locator(".chip").textContent()) ?? "";
        for (const s of c.ja) expect(text, `${c.id}: ${s}`).toContain(s);
        for (const s of c.notJa) expect(text, `${c.id}: ${s}`).not.toContain(s);
        expect(await page.locator("[data-authenticity]").getAttribute("data-authenticity")).toBe(c.data.authenticity);
        expect(await page.locator(".chip canvas").count(), c.id).toBe(c.data.images.length + (c.data.photoPngBase64 ? 1 : 0));
        harness.push(view({ name: "idle", staffCall: false }));
        await waitForScreen(page, "idle");
      }
    } finally {
      await page.context().close();
    }
  });
});
