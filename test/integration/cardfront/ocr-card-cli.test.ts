import path from "node:path";
import { describe, expect, it } from "vitest";
import { runKioskctl } from "../../../src/cli/kioskctl";

const DIR = path.resolve("test/fixtures/cardface");

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "", err = "";
  const code = await runKioskctl(args, { out: (t) => (out += t), err: (t) => (err += t), env: {} });
  return { code, out, err };
}

describe("kioskctl ocr-card", () => {
  it("prints per image the fields (redacted), whether it is sure and why not, as JSON", async () => {
    const r = await run(["ocr-card", path.join(DIR, "heisei-1.jpg"), path.join(DIR, "back.jpg"), "--json"]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out) as { images: { side: string; sure: boolean; reasons: string[]; fields: Record<string, string | null> }[] };
    expect(j.images[0]).toMatchObject({ side: "front", sure: true, reasons: [], fields: { birth: "[redacted]", expiry: "[redacted]", securityCode: "[redacted]" } });
    expect(j.images[1]).toMatchObject({ side: "back", sure: false, fields: { birth: null, expiry: null, securityCode: null } });
    expect(r.out).not.toContain("2718");
  });

  it("reveals the values only with --reveal, and judges a session of frames with --session", async () => {
    // The security code needs 3 agreeing frames (cardfront/read.ts AGREE.code): the card's two photos and the first again.
    const r = await run(["ocr-card", path.join(DIR, "showa-64.jpg"), path.join(DIR, "showa-64-b.jpg"), path.join(DIR, "showa-64.jpg"), "--json", "--reveal", "--session"]);
    const j = JSON.parse(r.out) as { images: { fields: Record<string, string | null> }[]; session: { result: string } };
    expect(j.images[0]?.fields).toEqual({ birth: "showa 64-1-7", expiry: "2034-01-07", securityCode: "3141" });
    expect(j.session.result).toBe("sure");
    expect(r.code).toBe(0);
  });

  it("prints the agreed fields and the 照合番号B of a sure session only with --reveal", async () => {
    const frames = [path.join(DIR, "showa-64.jpg"), path.join(DIR, "showa-64-b.jpg"), path.join(DIR, "showa-64.jpg")];
    const shown = await run(["ocr-card", ...frames, "--json", "--reveal", "--session"]);
    const j = JSON.parse(shown.out) as { session: { result: string; fields?: Record<string, string>; codeB?: string } };
    expect(j.session.fields).toEqual({ birth: "showa 64-1-7", expiry: "2034-01-07", securityCode: "3141" });
    expect(j.session.codeB).toMatch(/^\d{14}$/u);
    const hidden = await run(["ocr-card", ...frames, "--json", "--session"]);
    const k = JSON.parse(hidden.out) as { session: { result: string; fields?: unknown; codeB?: unknown } };
    expect(k.session.result).toBe("sure");
    expect(k.session.fields).toBeUndefined();
    expect(k.session.codeB).toBeUndefined();
    expect(hidden.out).not.toContain(j.session.codeB ?? "-");
  });

  it("turns an OCR timeout inside a frame into a reason (exit 1), not a crash (exit 5)", async () => {
    const r = await run(["ocr-card", path.join(DIR, "heisei-1.jpg"), "--json", "--line-timeout-ms", "1"]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out) as { images: { side: string; sure: boolean; reasons: string[] }[] };
    expect(j.images[0]).toMatchObject({ side: "ocr-failed", sure: false, reasons: ["ocr: timeout"] });
  });

  it("exits 2 without images and 3 for a file that is not an image", async () => {
    expect((await run(["ocr-card"])).code).toBe(2);
    expect((await run(["ocr-card", path.join(DIR, "cases.json")])).code).toBe(3);
  });
});
