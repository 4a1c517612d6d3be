/**
 * Touch interactions through the scripted harness: every tap sends the right ClientMessage, the
 * language can be switched on any screen and resets for the next customer, the digit pad drives the
 * manual-entry draft, the demo drawer places and removes virtual cards, and the staff PIN pad, LED
 * test and default-language buttons work. Also: no context menu, no text selection, nothing stored.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { launchChromium, openPage, screenshot, waitForScreen } from "./helpers/browser";
import { ensureUiBuilt, startHarness, type Harness } from "./helpers/harness";
import { countdown, DEMO, MY_NUMBER_ENTRY, STAFF, view } from "./helpers/views";

let browser: Browser;
let harness: Harness;
let page: Page;
/** Every URL the page asked for (HTTP and WebSocket). */
const requested: string[] = [];

beforeAll(async () => {
  ensureUiBuilt();
  harness = await startHarness(view({ name: "idle", staffCall: false }));
  browser = await launchChromium();
  page = await openPage(browser, { width: 800, height: 480 }, harness.url);
  page.on("request", (r) => requested.push(r.url()));
  page.on("websocket", (ws) => requested.push(ws.url()));
  await page.reload();
});
afterAll(async () => {
  await browser?.close();
  await harness?.close();
});
beforeEach(async () => {
  harness.respond(null);
  harness.push(view({ name: "idle", staffCall: false }));
  await waitForScreen(page, "idle");
  harness.received.length = 0;
});

describe("customer screens", () => {
  it("has touch enabled, and tapping start sends a start message", async () => {
    expect(await page.evaluate(() => "ontouchstart" in window && navigator.maxTouchPoints > 0)).toBe(true);
    await page.getByTestId("start").tap();
    expect(await harness.waitForMessage("start")).toEqual({ type: "start" });
  });

  it("switches language on any screen and returns to the shop's default for the next customer", async () => {
    harness.push(view({ name: "place-card", notice: null }, { countdown: countdown(20) }));
    await waitForScreen(page, "place-card");
    expect(await page.locator("h1").textContent()).toBe("カードを置いてください");
    await page.locator('[data-lang="vi"]').tap();
    // Non-Japanese catalogues are chunks loaded on demand (usually preloaded): the switch is
    // complete when <html lang> changes, which happens in the same render as the text.
    await page.waitForFunction(() => document.documentElement.lang === "vi");
    expect(await page.locator("h1").textContent()).toBe("Xin đặt thẻ");
    expect(await page.locator('[data-lang="vi"]').getAttribute("aria-pressed")).toBe("true");
    harness.push(view({ name: "result", outcome: "pass", reason: null, attended: null, minimumAge: 20, advice: null, cardOn: true }));
    await waitForScreen(page, "result");
    expect(await page.locator("h1").textContent()).toBe("Từ 20 tuổi trở lên");
    harness.push(view({ name: "idle", staffCall: false }));
    await waitForScreen(page, "idle");
    await page.waitForFunction(() => document.documentElement.lang === "ja");
    harness.push(view({ name: "idle", staffCall: false }, { defaultLanguage: "pt" }));
    await page.waitForFunction(() => document.documentElement.lang === "pt-BR");
    expect(await page.locator("h1").textContent()).toBe("Verificação de idade com seu documento");
  });

  it("the camera screen asks for what the recognised document needs: a passport's uncovered MRZ, else the card's face", async () => {
    harness.push(view({ name: "capture-card-face", frames: 0, document: null }, { countdown: countdown(12, 15) }));
    await waitForScreen(page, "capture-card-face");
    expect(await page.locator("h1").textContent()).toBe("カードの表面を読み取っています");
    harness.push(view({ name: "capture-card-face", frames: 2, document: "passport" }, { countdown: countdown(11, 15) }));
    await page.waitForFunction(() => document.querySelector("[data-screen=capture-card-face]")?.getAttribute("data-document") === "passport");
    expect(await page.locator("h1").textContent()).toBe("パスポートの顔写真のページを読み取っています");
    expect(await page.locator(".lead").textContent()).toContain("MRZ");
    expect(await page.getByTestId("type-instead").textContent()).toBe("手で入力する");
  });

  it("renders the countdown from the daemon's endsAt", async () => {
    harness.push(view({ name: "face-check", hint: "hold-still" }, { countdown: countdown(20, 30) }));
    await waitForScreen(page, "face-check");
    const text = await page.locator(".countdown-text").textContent();
    expect(text).toMatch(/残り (19|20) 秒/);
    harness.push(view({ name: "face-check", hint: "hold-still" }, { countdown: countdown(3, 30) }));
    await page.waitForFunction(() => /残り [123] 秒/.test(document.querySelector(".countdown-text")?.textContent ?? ""));
    expect(await page.locator(".countdown").getAttribute("class")).toContain("countdown-low");
    await page.locator('[data-testid="cancel"]').tap();
    expect(await harness.waitForMessage("cancel")).toEqual({ type: "cancel" });
  });

  it("shows reading progress and the remaining tries, and the verdict as colour, icon and words", async () => {
    harness.push(view({ name: "reading-chip", progress: 0.7, triesLeft: 8 }));
    await waitForScreen(page, "reading-chip");
    expect(await page.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("70");
    expect(await page.locator(".note").textContent()).toContain("8");
    harness.push(view({ name: "result", outcome: "refer", reason: "face-not-sure", attended: null, minimumAge: 20, advice: null, cardOn: true }));
    await waitForScreen(page, "result");
    expect(await page.locator('[data-icon="refer"]').count()).toBe(1);
    expect(await page.locator(".reason").textContent()).toBe("お顔の確認がはっきりしませんでした。");
    await page.getByTestId("done").tap();
    expect(await harness.waitForMessage("confirm")).toEqual({ type: "confirm" });
  });

  it("shows the getting-ready screen while the daemon is away and the current screen once it is back", async () => {
    harness.dropConnections();
    await waitForScreen(page, "connecting");
    expect(await page.locator("h1").textContent()).toBe("準備しています");
    harness.acceptConnections();
    await waitForScreen(page, "idle");
  });

  it("says which address to open when the page has no token and no view comes", async () => {
    const bare = await openPage(browser, { width: 800, height: 480 }, new URL(harness.url).origin + "/");
    try {
      harness.dropConnections();
      await waitForScreen(bare, "connecting");
      expect(await bare.locator("h1").textContent()).toBe("この画面を開くには接続用の鍵が必要です");
      expect(await bare.locator(".lead").textContent()).toContain("#token=");
      expect(await bare.locator(".spinner").count()).toBe(0);
    } finally {
      harness.acceptConnections();
      await bare.context().close();
    }
    await waitForScreen(page, "idle");
  });

  it("offers no context menu and no text selection", async () => {
    const prevented = await page.evaluate(() => {
      const e = new MouseEvent("contextmenu", { bubbles: true, cancelable: true });
      document.querySelector("h1")?.dispatchEvent(e);
      return e.defaultPrevented;
    });
    expect(prevented).toBe(true);
    expect(await page.evaluate(() => getComputedStyle(document.body).userSelect)).toBe("none");
  });
});

describe("manual entry", () => {
  it("sends a draft on every key, moves to the next box when one is full, shows the daemon's problem and submits", async () => {
    harness.push(view({ name: "manual-entry", document: MY_NUMBER_ENTRY, prefill: { calendar: "era", era: "showa" }, problem: null, why: "unread" }));
    await waitForScreen(page, "manual-entry");
    // The daemon's plausibility rules are scripted here: month 13 is a problem.
    harness.respond((m, cur) => {
      if (m.type !== "entry-draft" || cur.screen.name !== "manual-entry") return null;
      const problem = m.entry.birthMonth === "13" ? "birthMonth:out-of-range" : null;
      return { ...cur, screen: { ...cur.screen, problem } };
    });
    const press = async (keys: string) => {
      for (const k of keys === "delete" ? [keys] : keys) await page.locator(`[data-key="${k}"]`).tap();
    };
    await press("55");
    const draft = await harness.waitForMessage("entry-draft");
    expect(draft.entry).toEqual({ calendar: "era", era: "showa", birthYear: "5" });
    expect(await page.locator(".digits-active").getAttribute("data-field")).toBe("birthMonth");
    await press("13");
    await page.waitForSelector('[data-problem="birthMonth:out-of-range"]');
    expect(await page.locator(".problem").textContent()).toBe("生年月日：範囲外の数字があります。ご確認ください。");
    expect(await page.getByTestId("entry-confirm").isDisabled()).toBe(true);
    await page.locator(`[data-field="birthMonth"]`).tap();
    await press("delete");
    await press("delete");
    await press("0217");
    await page.waitForSelector('[data-problem=""]');
    expect(await page.locator('.pic-card').getAttribute("data-active")).toBe("expiry");
    await press("20352285");
    expect(await page.getByTestId("entry-confirm").isEnabled()).toBe(true);
    await screenshot(page, "interaction", "manual-entry-filled");
    harness.received.length = 0;
    await page.getByTestId("entry-confirm").tap();
    const sent = await harness.waitForMessage("manual-entry");
    expect(await page.getByTestId("entry-confirm").isDisabled()).toBe(true);
    expect(sent.entry).toEqual({
      calendar: "era",
      era: "showa",
      birthYear: "55",
      birthMonth: "02",
      birthDay: "17",
      expiryYear: "2035",
      securityCode: "2285",
    });
  });

  it("switches between the Japanese era and the Western year", async () => {
    harness.push(view({ name: "manual-entry", document: MY_NUMBER_ENTRY, prefill: { calendar: "era", era: "heisei", birthYear: "02" }, problem: null, why: "unread" }));
    await waitForScreen(page, "manual-entry");
    await page.getByTestId("calendar-western").tap();
    const draft = await harness.waitForMessage("entry-draft");
    expect(draft.entry).toEqual({ calendar: "western" });
    expect(await page.locator('[data-choice="era"]').count()).toBe(0);
    await page.locator('[data-key="1"]').tap();
    await page.locator('[data-key="9"]').tap();
    await page.locator('[data-key="9"]').tap();
    await page.locator('[data-key="0"]').tap();
    expect(await page.locator('[data-field="birthYear"]').textContent()).toBe("1990");
    await page.getByTestId("calendar-era").tap();
    await page.getByTestId("era-reiwa").tap();
    // The tap returns before its message reaches the harness: poll for it.
    await expect
      .poll(() => harness.received.filter((m) => m.type === "entry-draft").at(-1))
      .toEqual({ type: "entry-draft", entry: { calendar: "era", era: "reiwa" } });
  });
});

describe("demo panel", () => {
  it("stays out of the way until opened, then places and removes virtual cards and shows the lights", async () => {
    harness.push(view({ name: "idle", staffCall: false }, { demo: DEMO }));
    await page.getByTestId("demo-toggle").waitFor();
    expect(await page.getByTestId("demo-panel").count()).toBe(0);
    await page.getByTestId("demo-toggle").tap();
    await page.locator('[data-card="minor-18"]').tap();
    expect(await harness.waitForMessage("demo-place-card")).toEqual({ type: "demo-place-card", cardId: "minor-18" });
    harness.push(view({ name: "reading-chip", progress: 0.2, triesLeft: null }, { demo: { ...DEMO, placed: "minor-18", leds: "busy" } }));
    await waitForScreen(page, "reading-chip");
    expect(await page.getByTestId("demo-placed").textContent()).toBe("置いてあります: 平成20年生・18歳（20歳未満）・男性");
    expect(await page.locator('[data-lamp="amber"]').getAttribute("data-on")).toBe("1");
    expect(await page.locator('[data-lamp="green"]').getAttribute("data-on")).toBe("0");
    await page.getByTestId("demo-remove").tap();
    expect(await harness.waitForMessage("demo-remove-card")).toEqual({ type: "demo-remove-card" });
    await page.getByTestId("demo-toggle").tap();
    expect(await page.getByTestId("demo-panel").count()).toBe(0);
  });

  it("is absent outside demo mode", async () => {
    await waitForScreen(page, "idle");
    expect(await page.getByTestId("demo-toggle").count()).toBe(0);
  });
});

describe("staff screen", () => {
  it("opens a PIN pad, sends the PIN once and clears it, and shows the daemon's refusal", async () => {
    await page.getByTestId("staff-open").tap();
    expect(await harness.waitForMessage("staff-open")).toEqual({ type: "staff-open" });
    harness.push(view({ name: "staff-login", problem: null, lockedUntil: null }));
    await waitForScreen(page, "staff-login");
    expect(await page.getByTestId("staff-enter").isDisabled()).toBe(true);
    for (const k of "2580") await page.locator(`[data-key="${k}"]`).tap();
    expect(await page.getByTestId("pin-dots").textContent()).toBe("●●●●");
    await page.getByTestId("staff-enter").tap();
    expect(await harness.waitForMessage("staff-login")).toEqual({ type: "staff-login", pin: "2580" });
    expect(await page.getByTestId("pin-dots").textContent()).toBe("○○○○");
    harness.push(view({ name: "staff-login", problem: "locked", lockedUntil: Date.now() + 60_000 }));
    await page.waitForSelector('[data-problem="locked"]');
    for (const k of "1111") await page.locator(`[data-key="${k}"]`).tap();
    expect(await page.getByTestId("staff-enter").isDisabled()).toBe(true);
    await page.getByTestId("staff-cancel").tap();
    expect(await harness.waitForMessage("staff-close")).toEqual({ type: "staff-close" });
  });

  it("tests the lights, sets the default language and closes, showing counts but no personal data", async () => {
    harness.push(view({ name: "staff", staff: { ...STAFF, ledTest: null } }));
    await waitForScreen(page, "staff");
    expect(await page.locator('[data-outcome="pass"] .count-n').textContent()).toBe("42");
    expect(await page.locator('.reasons [data-reason="timeout"]').textContent()).toBe("時間切れ 6");
    // Reasons and actions in words, in the staff's language; never a raw code.
    expect(await page.getByTestId("staff-call").textContent()).toContain("照合番号がロック済み — 市区町村の窓口での解除をご案内ください。");
    expect(await page.getByTestId("staff-recent").textContent()).not.toMatch(/[a-z]+-[a-z]+/);
    await page.getByTestId("staff-acknowledge").tap();
    expect(await harness.waitForMessage("staff-acknowledge")).toEqual({ type: "staff-acknowledge" });
    await page.getByTestId("led-fail").tap();
    expect(await harness.waitForMessage("staff-led-test")).toEqual({ type: "staff-led-test", pattern: "fail" });
    await page.getByTestId("default-ko").tap();
    expect(await harness.waitForMessage("staff-set-language")).toEqual({ type: "staff-set-language", lang: "ko" });
    await page.getByTestId("staff-close").tap();
    expect(await harness.waitForMessage("staff-close")).toEqual({ type: "staff-close" });
  });
});

describe("the page itself", () => {
  it("requests nothing from any other origin and stores nothing in the browser", async () => {
    const origin = new URL(harness.url).origin;
    expect(requested.filter((u) => !u.startsWith(origin + "/") && !u.startsWith(origin.replace("http", "ws") + "/"))).toEqual([]);
    expect(requested).toContain(origin + "/app.js");
    const stored = await page.evaluate(async () => ({
      local: localStorage.length,
      session: sessionStorage.length,
      cookie: document.cookie,
      idb: (await indexedDB.databases()).length,
      caches: (await caches.keys()).length,
    }));
    expect(stored).toEqual({ local: 0, session: 0, cookie: "", idb: 0, caches: 0 });
  });
});
