/**
 * Purge, proven on the real daemon: the built daemon (dist/daemon.js; `npm run build` first, as the
 * test command line does) runs in demo mode as a reception desk (attended mode, so the chip data is
 * decoded and sent to the staff screen), one deck card goes through a whole session over the
 * WebSocket, the card is taken away, and V8 heap snapshots of the daemon process
 * (`node --heapsnapshot-signal=SIGUSR2`, which collects garbage first) are searched.
 *
 * In demo mode the deck itself (test data) is in the daemon's memory for its whole life, so the
 * needles are the values the session *derived* and sent to the staff screen — the chip photo as PNG
 * (base64), the name and address images as base64, the view as JSON text — minus any that a
 * snapshot taken before the session already holds (the deck's own images). They must all be in the snapshot taken on the
 * result screen (the search works) and none in the snapshot taken after the card was removed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ViewMessage } from "../../../src/protocol";
import { DAEMON, freePort, startDeadlineMs } from "../helpers/daemon";
import { kioskSocket, tokenFromOutput, waitForToken } from "../helpers/ws";

let dir = "";
let child: ChildProcess | undefined;
let url = "";
let out = "";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  if (!existsSync(DAEMON)) throw new Error(`${DAEMON} is missing: run npm run build first`);
  dir = mkdtempSync(path.join(tmpdir(), "mynaguard-daemon-heap-"));
  const config = path.join(dir, "config.json");
  writeFileSync(config, JSON.stringify({ audit: { path: path.join(dir, "audit.sqlite") }, kiosk: { mode: "attended" } }));
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  child = spawn(process.execPath, ["--heapsnapshot-signal=SIGUSR2", DAEMON, "--mode", "demo", "--port", String(port), "--config", config], {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const t0 = Date.now();
  for (;;) {
    try {
      const h = (await (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) })).json()) as { ready: boolean };
      if (h.ready) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() - t0 > startDeadlineMs()) throw new Error(`daemon not ready:\n${out}`);
    await sleep(200);
  }
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child?.once("exit", r));
    child.kill("SIGTERM");
    await Promise.race([exited, sleep(5000)]);
    if (child.exitCode === null) child.kill("SIGKILL");
  }
  rmSync(dir, { recursive: true, force: true });
});

/** Ask the daemon for a heap snapshot and return its text once written (the write blocks the
 *  daemon's event loop, so the next /healthz answer means the file is complete). */
async function snapshot(): Promise<string> {
  const before = new Set(readdirSync(dir));
  child?.kill("SIGUSR2");
  for (let i = 0; i < 600; i++) {
    await sleep(100);
    const fresh = readdirSync(dir).filter((f) => f.endsWith(".heapsnapshot") && !before.has(f));
    if (fresh.length === 0) continue;
    // The write blocks the daemon: on a loaded machine longer than fetch's 10 s connect timeout, so
    // ask again (bounded) until it answers.
    for (let tries = 0; ; tries++) {
      try {
        await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(30_000) });
        break;
      } catch (e) {
        if (tries >= 3) throw e;
      }
    }
    return readFileSync(path.join(dir, fresh[0] ?? ""), "utf8");
  }
  throw new Error(`no heap snapshot written:\n${out}`);
}

const escaped = (s: string) => JSON.stringify(s).slice(1, -1);
const holds = (heap: string, needle: string) => heap.includes(needle) || heap.includes(escaped(needle));

describe("the daemon's heap after a session at a reception desk", () => {
  it("holds none of the values the session derived once the card is taken away", async () => {
    const ws = kioskSocket(url, await waitForToken(() => tokenFromOutput(out)));
    let last: ViewMessage | null = null;
    ws.on("message", (m: Buffer) => {
      last = JSON.parse(m.toString()) as ViewMessage;
    });
    await new Promise((r) => ws.once("open", r));
    const view = async (pred: (v: ViewMessage) => boolean, what: string) => {
      for (let i = 0; i < 900; i++) {
        if (last && pred(last)) return last;
        await sleep(100);
      }
      throw new Error(`no ${what} view; last ${JSON.stringify(last)?.slice(0, 300)}\n${out}`);
    };
    const first = await view((v) => v.demo !== null && v.screen.name === "idle", "idle");
    const card = first.demo?.cards[0];
    expect(card).toBeDefined();

    const baseline = await snapshot();
    ws.send(JSON.stringify({ type: "demo-place-card", cardId: card?.id }));
    const result = await view((v) => v.screen.name === "result" && v.screen.attended?.photoPngBase64 != null, "attended result");
    if (result.screen.name !== "result" || !result.screen.attended) throw new Error("unreachable");
    const a = result.screen.attended;
    // Heap snapshots keep only the first 1,024 characters of a string: take slices from there,
    // past the PNG header that every PNG shares.
    const early = (b64: string) => b64.slice(100, 164);
    const photo = a.photoPngBase64 ?? "";
    const candidates: Record<string, string> = {
      "chip photo as PNG (base64)": early(photo),
      "name image (base64)": early(a.images.find((i) => i.label === "name")?.pngBase64 ?? ""),
      "address image (base64)": early(a.images.find((i) => i.label === "address")?.pngBase64 ?? ""),
      "staff view as sent (JSON text)": `"photoPngBase64":"${photo.slice(0, 120)}`,
    };
    const during = await snapshot();
    // Needles: derived by this session (not in the baseline) and visible on the result screen's heap
    // (a value the daemon never keeps, such as a sent frame, cannot be looked for).
    const needles = Object.entries(candidates).filter(([, v]) => v.length >= 16 && !holds(baseline, v) && holds(during, v));
    expect(needles.map(([k]) => k)).toEqual(expect.arrayContaining(["chip photo as PNG (base64)"]));

    ws.send(JSON.stringify({ type: "demo-remove-card" }));
    await view((v) => v.screen.name === "idle", "idle after the session");
    await sleep(300);
    const after = await snapshot();
    expect(needles.filter(([, v]) => holds(after, v)).map(([k]) => k)).toEqual([]);
    ws.close();
    // Three heap snapshots and a whole session: minutes on a machine shared by two test runs.
  }, 300_000);
});
