/**
 * What a page still holds: its JS heap (a V8 heap snapshot over the DevTools protocol, after a forced
 * garbage collection), its DOM and its storage. Used to prove a session's personal data is gone.
 */
import type { Page } from "playwright-core";

/** All strings in the page's JS heap after a full GC (V8 keeps at most ~1 KB of each string's text). */
export async function heapStrings(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  const chunks: string[] = [];
  cdp.on("HeapProfiler.addHeapSnapshotChunk", (e: { chunk: string }) => chunks.push(e.chunk));
  await cdp.send("HeapProfiler.enable");
  await cdp.send("HeapProfiler.collectGarbage");
  await cdp.send("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
  await cdp.send("HeapProfiler.disable");
  await cdp.detach();
  const snapshot = JSON.parse(chunks.join("")) as { strings: string[] };
  return snapshot.strings;
}

export interface Leftovers {
  heap: string[];
  dom: string[];
  storage: string[];
}

/** Which of `needles` are still found in the heap, the DOM (markup and text) and browser storage. */
export async function findLeftovers(page: Page, needles: readonly string[]): Promise<Leftovers> {
  const strings = await heapStrings(page);
  const heap = needles.filter((n) => strings.some((s) => s.includes(n)));
  const { html, text, storage } = await page.evaluate(async () => {
    const parts: string[] = [];
    for (const store of [localStorage, sessionStorage]) {
      for (let i = 0; i < store.length; i++) {
        const k = store.key(i) ?? "";
        parts.push(k, store.getItem(k) ?? "");
      }
    }
    parts.push(document.cookie);
    for (const db of await indexedDB.databases()) parts.push(`indexedDB:${db.name ?? ""}`);
    for (const c of await caches.keys()) parts.push(`cache:${c}`);
    return { html: document.documentElement.outerHTML, text: document.body.innerText, storage: parts.join("\n") };
  });
  return {
    heap,
    dom: needles.filter((n) => html.includes(n) || text.includes(n)),
    storage: needles.filter((n) => storage.includes(n)),
  };
}
