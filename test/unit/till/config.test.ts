/** The till and metrics settings (issue 19) in the one config schema: defaults, bounds, refusals. */
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/config";

describe("till and metrics config", () => {
  it("defaults: tokens on, 60 s, no POST; metrics auto on 127.0.0.1:9464", () => {
    const r = parseConfig({});
    expect(r.ok && r.config.till).toEqual({ enabled: true, lifetimeSeconds: 60, post: { url: "", certFile: "", keyFile: "", caFile: "" } });
    expect(r.ok && r.config.metrics).toEqual({ enabled: "auto", host: "127.0.0.1", port: 9464 });
  });

  it("refuses a lifetime over 120 s, a POST that is not https or lacks its certificate files, and a metrics host off loopback", () => {
    expect(parseConfig({ till: { lifetimeSeconds: 121 } })).toMatchObject({ ok: false, errors: [expect.stringMatching(/^till\.lifetimeSeconds:/)] });
    expect(parseConfig({ till: { post: { url: "http://till.local/x", certFile: "a", keyFile: "b", caFile: "c" } } })).toMatchObject({
      ok: false,
      errors: [expect.stringMatching(/^till\.post\.url: must be an https/)],
    });
    expect(parseConfig({ till: { post: { url: "https://till.local/x" } } })).toMatchObject({ ok: false, errors: [expect.stringMatching(/needs certFile, keyFile and caFile/)] });
    expect(parseConfig({ metrics: { host: "0.0.0.0" } }).ok).toBe(false);
    expect(parseConfig({ till: { enable: false } })).toMatchObject({ ok: false, errors: ["till.enable: unknown setting"] });
    expect(parseConfig({ till: { enabled: false }, metrics: { enabled: false } }).ok).toBe(true);
  });
});
