/**
 * Issue 19 in a real browser: a demo session through the real daemon to a verdict, the QR code on the
 * result screen at 800×480, 1024×600 and 1280×800 (screenshots in test-output/screens/till/), read
 * back from the screenshot's pixels with jsQR, and the token it holds verified with src/till/verify.ts
 * against the daemon's own public key (verdict-key.pem in the state directory this test gives it).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import jsQR from "jsqr";
import { PNG } from "pngjs";
import type { ViewMessage } from "../../src/protocol";
import { KEY_FILE, readKey } from "../../src/till/issuer";
import { memorySeenIds, trustedKiosk, verifyToken } from "../../src/till/verify";
import { SIZES, launchChromium, layoutProblems, openPage, screenshot, waitForScreen } from "./helpers/browser";
import { daemonBuilt, startDaemon, type RunningDaemon } from "./helpers/daemon";
import { placeCard, removeCard } from "./helpers/demo";

/** An adult card of the built-in deck whose holder is at the camera: a pass. */
const ADULT_CARD = "heisei-1";

/** The text of the QR code in a PNG screenshot, or null when jsQR finds none. */
function decodeQr(file: string): string | null {
  const png = PNG.sync.read(readFileSync(file));
  const code = jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.byteLength), png.width, png.height);
  return code?.data ?? null;
}

let browser: Browser;
let daemon: RunningDaemon;
let stateDir: string;

beforeAll(async () => {
  if (!daemonBuilt()) return;
  browser = await launchChromium();
  stateDir = mkdtempSync(path.join(tmpdir(), "mynaguard-till-qr-"));
  daemon = await startDaemon({ state: { dir: stateDir }, kiosk: { id: "bar-7" } });
});
afterAll(async () => {
  await daemon?.stop();
  await browser?.close();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

describe.skipIf(!daemonBuilt())("the verdict token's QR code on the result screen", () => {
  it("fits beside the verdict at every kiosk size and decodes to a token that verifies with the kiosk's key", async () => {
    const key = await readKey(path.join(stateDir, KEY_FILE));
    const kiosk = await trustedKiosk("mynaguard:bar-7", key.jwk);
    const seen = memorySeenIds();
    const tokens: string[] = [];
    for (const size of SIZES) {
      const page = await openPage(browser, size, "about:blank");
      const sent: string[] = [];
      page.on("websocket", (ws) =>
        ws.on("framereceived", (f) => {
          if (typeof f.payload !== "string") return;
          const v = JSON.parse(f.payload) as ViewMessage;
          if (v.screen.name === "result" && v.screen.token) sent.push(v.screen.token.jws);
        }),
      );
      try {
        await page.goto(daemon.url);
        await waitForScreen(page, "idle");
        await placeCard(page, ADULT_CARD);
        await waitForScreen(page, "result", 60_000);
        await page.getByTestId("till-qr").waitFor({ timeout: 10_000 });
        const file = await screenshot(page, "till", `result-${size.width}x${size.height}`);
        expect(await layoutProblems(page), `${size.width}×${size.height}`).toEqual([]);
        // Beside the verdict, not under it: the QR's box and the verdict's box do not overlap.
        const qr = await page.getByTestId("till-qr").boundingBox();
        const verdict = await page.getByTestId("verdict").boundingBox();
        expect(qr && verdict && qr.x >= verdict.x + verdict.width).toBe(true);

        const text = decodeQr(file);
        expect(text, `no QR code found in ${file}`).not.toBeNull();
        expect(sent).toContain(text);
        const r = await verifyToken(text ?? "", [kiosk], seen, Date.now());
        expect(r).toMatchObject({ ok: true, claims: { iss: "mynaguard:bar-7", ans: "yes", rule: "age>=20", chip: "genuine", face: "match" } });
        tokens.push(text ?? "");
        // The same QR read twice is a replay.
        expect(await verifyToken(text ?? "", [kiosk], seen, Date.now())).toEqual({ ok: false, problem: "replayed" });

        await page.getByTestId("done").tap();
        await waitForScreen(page, "card-left", 30_000);
        await removeCard(page);
        await waitForScreen(page, "idle", 30_000);
      } catch (e) {
        throw new Error(`${String(e)}\ndaemon output:\n${daemon.output().slice(-3000)}`);
      } finally {
        await page.context().close();
      }
    }
    // One token per verdict, each with its own id.
    expect(new Set(tokens).size).toBe(SIZES.length);
  }, 240_000);
});
