import { describe, expect, it } from "vitest";
import { chipFacts, chipVerdict, customerReason, faceVerdict, outcomeOf, triesBand, verdictFor, type FlowPolicy } from "../../../src/flow/outcome";
import type { ReasonCode } from "../../../src/protocol";

const POLICY: FlowPolicy = { minimumAge: 20, requireGenuineChip: true, requireFaceMatch: true, refuseExpired: true, minTriesLeft: 3 };
const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const today = { year: 2026, month: 6, day: 1 };

describe("verdict policy", () => {
  it("tells an unattended customer only plain rules and why a session was abandoned, never a referral reason", () => {
    const all: ReasonCode[] = [
      "under-age", "card-expired", "wrong-code", "card-blocked", "low-tries", "unsupported-document", "card-removed",
      "read-error", "data-altered", "clone-suspected", "unknown-ca", "could-not-check", "face-no-match",
      "face-not-sure", "liveness-failed", "no-face", "ocr-unsure", "timeout", "customer-cancelled", "device-error",
    ];
    const shown = all.filter((r) => customerReason(verdictFor(r), "unattended") !== null);
    expect(shown.sort()).toEqual(["card-expired", "card-removed", "customer-cancelled", "timeout", "under-age"]);
    expect(all.every((r) => customerReason(verdictFor(r), "attended") === r)).toBe(true);
    expect(outcomeOf("clone-suspected")).toBe("refer");
  });

  it("reads ages and expiry straight from the chip's ASCII dates, in Japan's calendar", () => {
    expect(chipFacts(ascii("20060601"), ascii("20260601"), today)).toEqual({ age: 20, expired: false });
    expect(chipFacts(ascii("20060602"), ascii("20260531"), today)).toEqual({ age: 19, expired: true });
    expect(chipFacts(ascii("2006-6-1"), ascii("20260601"), today).age).toBe(-1);
    expect(chipFacts(ascii("20060230"), ascii("20260601"), today).age).toBe(-1);
    expect(chipFacts(ascii("20060601"), ascii("garbage!"), today).expired).toBe(true);
  });

  it("puts signs of forgery before expiry and age", () => {
    const young = { age: 15, expired: true };
    expect(chipVerdict(young, "data-altered", POLICY)).toEqual({ outcome: "refer", reason: "data-altered" });
    expect(chipVerdict(young, "genuine", POLICY)).toEqual({ outcome: "fail", reason: "card-expired" });
    expect(chipVerdict({ age: 15, expired: false }, "genuine", POLICY)).toEqual({ outcome: "fail", reason: "under-age" });
    expect(chipVerdict({ age: 20, expired: false }, "genuine", POLICY)).toBeNull();
  });

  it("refers a chip whose birth date is unreadable or in the future instead of calling the customer under age", () => {
    expect(chipVerdict({ age: -1, expired: false }, "genuine", POLICY)).toEqual({ outcome: "refer", reason: "read-error" });
    const lax = { ...POLICY, requireGenuineChip: false };
    expect(chipVerdict({ age: -1, expired: false }, "could-not-check", lax)).toEqual({ outcome: "refer", reason: "read-error" });
  });

  it("follows the switches: genuine chip, expired cards", () => {
    const ok = { age: 30, expired: false };
    const lax = { ...POLICY, requireGenuineChip: false, refuseExpired: false };
    expect(chipVerdict(ok, "could-not-check", lax)).toBeNull();
    expect(chipVerdict(ok, "clone-suspected", lax)).toEqual({ outcome: "refer", reason: "clone-suspected" });
    expect(chipVerdict({ age: 30, expired: true }, "expired", lax)).toBeNull();
  });

  it("maps face answers and tries-left bands", () => {
    expect(faceVerdict({ kind: "match" })).toEqual({ outcome: "pass", reason: null });
    expect(faceVerdict({ kind: "not-sure", reason: "liveness-failed" })).toEqual({ outcome: "refer", reason: "liveness-failed" });
    expect([null, 0, 1, 2, 3, 10].map((n) => triesBand(n, 3))).toEqual(["unknown", "blocked", "low", "low", "ok", "ok"]);
  });
});
