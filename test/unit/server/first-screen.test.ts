import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadFirstScreen } from "../../../src/server/first-screen";

describe("loadFirstScreen", () => {
  it("is null without the module (the daemon run from src/ serves the page as built)", async () => {
    expect(await loadFirstScreen(path.join(tmpdir(), "no-such-dir", "ui-ssr.js"))).toBeNull();
  });

  it("refuses a module without renderIndexHtml, and uses one that has it", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "mynaguard-ssr-"));
    await writeFile(path.join(dir, "bad.mjs"), "export const other = 1;\n");
    await expect(loadFirstScreen(path.join(dir, "bad.mjs"))).rejects.toThrow(/renderIndexHtml/);
    await writeFile(path.join(dir, "good.mjs"), "export async function renderIndexHtml(t, v) { return t + (v ? v.seq : 'none'); }\n");
    const render = await loadFirstScreen(path.join(dir, "good.mjs"));
    expect(await render?.("page:", null)).toBe("page:none");
  });
});
