import { describe, expect, it } from "vitest";
import { loadConfig, parseConfig } from "../../src/config";

describe("config", () => {
  it("defaults to demo mode on loopback port 8080, unattended, age 20", () => {
    const r = loadConfig({ argv: [], env: {} });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.mode).toBe("demo");
    expect(r.config.server).toMatchObject({ host: "127.0.0.1", port: 8080, tokenFile: "auto", maxSockets: 4 });
    expect(r.config.kiosk.mode).toBe("unattended");
    expect(r.config.policy.minimumAge).toBe(20);
    expect(r.config.card.minTriesLeft).toBe(3);
  });

  it("returns a deeply frozen object", () => {
    const r = loadConfig({ argv: [], env: {} });
    if (!r.ok) throw new Error(r.errors.join("\n"));
    expect(Object.isFrozen(r.config)).toBe(true);
    expect(Object.isFrozen(r.config.policy)).toBe(true);
    expect(() => {
      (r.config.policy as { minimumAge: number }).minimumAge = 18;
    }).toThrow();
  });

  it("lets flags override the environment, which overrides the file", () => {
    const r = loadConfig({
      argv: ["--mode", "production", "--port=9090"],
      env: { MYNAGUARD_MODE: "demo", MYNAGUARD_PORT: "7070" },
      file: { server: { port: 6060 }, kiosk: { mode: "attended" } },
    });
    if (!r.ok) throw new Error(r.errors.join("\n"));
    expect(r.config.mode).toBe("production");
    expect(r.config.server.port).toBe(9090);
    expect(r.config.kiosk.mode).toBe("attended");
  });

  it("reports every error with its path, not just the first", () => {
    const r = parseConfig({
      mode: "test",
      server: { port: 70000, host: "0.0.0.0" },
      policy: { minimumAge: -1 },
      kiosk: { staffPin: "12" },
      unknownKey: 1,
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const text = r.errors.join("\n");
    for (const p of ["mode", "server.port", "server.host", "policy.minimumAge", "kiosk.staffPin"]) {
      expect(text).toContain(`${p}:`);
    }
    expect(text).toMatch(/unknownKey/);
  });

  // Issue 15 problem 1: keys inside a section were dropped silently (kiosk.staffPIN started fine).
  it.each([
    [{ kiosk: { staffPIN: "9999" } }, "kiosk.staffPIN"],
    [{ policy: { minimumage: 18 } }, "policy.minimumage"],
    [{ audit: { retentiondays: 30 } }, "audit.retentiondays"],
    [{ server: { Port: 9090 } }, "server.Port"],
    [{ face: { matchthreshold: 0.9 } }, "face.matchthreshold"],
    [{ leds: { green: 17, blue: 5 } }, "leds.blue"],
    [{ Mode: "production" }, "Mode"],
  ])("refuses the unknown key %j, naming its full path", (file, where) => {
    const r = loadConfig({ argv: [], env: {}, file });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toContain(`${where}: unknown setting`);
  });

  it("names every unknown key at every depth in one report", () => {
    const r = parseConfig({ kiosk: { staffPIN: "1", pin: "2" }, policy: { minimumage: 1 }, audit: { retentiondays: 2 } });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual(
      expect.arrayContaining(["kiosk.staffPIN: unknown setting", "kiosk.pin: unknown setting", "policy.minimumage: unknown setting", "audit.retentiondays: unknown setting"]),
    );
  });

  it("refuses a plain staff PIN in production (only the stored hash counts) and leaves demo's optional", () => {
    const prod = parseConfig({ mode: "production", kiosk: { staffPin: "2580" } });
    expect(prod.ok).toBe(false);
    if (!prod.ok) expect(prod.errors.join("\n")).toMatch(/kiosk\.staffPin: refused in production mode.*kioskctl staff-pin set/);
    const demo = parseConfig({});
    expect(demo.ok && demo.config.kiosk.staffPin).toBeUndefined();
  });

  it("refuses a retry minimum that would let the kiosk spend a card's last try", () => {
    const r = parseConfig({ card: { minTriesLeft: 1 } });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.join("\n")).toContain("card.minTriesLeft:");
    expect(parseConfig({ card: { minTriesLeft: 2 } }).ok).toBe(true);
  });

  it("accepts a licence on chip + face match only when listed, only for the licence, and only with the face check on", () => {
    const none = parseConfig({});
    expect(none.ok && none.config.policy.acceptUnverifiableWithFaceMatch).toEqual([]);
    const shop = parseConfig({ policy: { acceptUnverifiableWithFaceMatch: ["licence"] } });
    expect(shop.ok && shop.config.policy.acceptUnverifiableWithFaceMatch).toEqual(["licence"]);
    const passport = parseConfig({ policy: { acceptUnverifiableWithFaceMatch: ["passport"] } });
    expect(passport.ok).toBe(false);
    const noFace = parseConfig({ policy: { acceptUnverifiableWithFaceMatch: ["licence"], requireFaceMatch: false } });
    expect(noFace.ok).toBe(false);
    if (noFace.ok) return;
    expect(noFace.errors.join("\n")).toContain("policy.acceptUnverifiableWithFaceMatch:");
  });

  it("refuses to listen on anything but loopback", () => {
    const r = parseConfig({ server: { host: "0.0.0.0" } });
    expect(r.ok).toBe(false);
  });

  it("rejects unknown command-line arguments and missing values", () => {
    const r = loadConfig({ argv: ["--bogus", "--mode"], env: {} });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toContain("unknown argument: --bogus");
    expect(r.errors).toContain("--mode: needs a value");
  });
});

// Issue 15 problem 8: an unknown budget name with a small value was reported as "too small".
describe("budget overrides", () => {
  it("reports an unknown budget name as unknown, whatever its value, and a known one against its bounds", async () => {
    const { resolveBudgets } = await import("../../src/flow/budgets");
    const r = loadConfig({ argv: [], env: {}, file: { budgets: { placecard: 50, readChip: 50 } } });
    if (!r.ok) throw new Error(`config refused before the budget table saw it: ${r.errors.join("; ")}`);
    const b = resolveBudgets(r.config.budgets);
    expect(b.ok).toBe(false);
    if (b.ok) return;
    expect(b.errors.find((e) => e.startsWith("budgets.placecard:"))).toMatch(/unknown budget/);
    expect(b.errors.find((e) => e.startsWith("budgets.readChip:"))).toMatch(/outside 3000–30000 ms/);
  });
});
