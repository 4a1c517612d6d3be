import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/config";

describe("config trust.extraKeyFiles", () => {
  it("is refused in production mode with its path", () => {
    const r = parseConfig({ mode: "production", trust: { extraKeyFiles: ["/etc/mynaguard/test-ca.json"] } });
    expect(r).toEqual({
      ok: false,
      errors: ["trust.extraKeyFiles: refused in production mode: only the pinned J-LIS key is trusted"],
    });
  });

  it("is accepted in demo mode, and production without extra files is fine", () => {
    const demo = parseConfig({ mode: "demo", trust: { extraKeyFiles: ["deck-trust.json"] } });
    expect(demo.ok && demo.config.trust.extraKeyFiles).toEqual(["deck-trust.json"]);
    expect(parseConfig({ mode: "production" }).ok).toBe(true);
  });
});
