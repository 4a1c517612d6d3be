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
    expect(chipVerdict(young, "data-altered", POLICY, "mynumber")).toEqual({ outcome: "refer", reason: "data-altered" });
    expect(chipVerdict(young, "genuine", POLICY, "mynumber")).toEqual({ outcome: "fail", reason: "card-expired" });
    expect(chipVerdict({ age: 15, expired: false }, "genuine", POLICY, "mynumber")).toEqual({ outcome: "fail", reason: "under-age" });
    expect(chipVerdict({ age: 20, expired: false }, "genuine", POLICY, "mynumber")).toBeNull();
  });

  it("refers a chip whose birth date is unreadable or in the future instead of calling the customer under age", () => {
    expect(chipVerdict({ age: -1, expired: false }, "genuine", POLICY, "mynumber")).toEqual({ outcome: "refer", reason: "read-error" });
    const lax = { ...POLICY, requireGenuineChip: false };
    expect(chipVerdict({ age: -1, expired: false }, "could-not-check", lax, "mynumber")).toEqual({ outcome: "refer", reason: "read-error" });
  });

  it("follows the switches: genuine chip, expired cards", () => {
    const ok = { age: 30, expired: false };
    const lax = { ...POLICY, requireGenuineChip: false, refuseExpired: false };
    expect(chipVerdict(ok, "could-not-check", lax, "mynumber")).toBeNull();
    expect(chipVerdict(ok, "clone-suspected", lax, "mynumber")).toEqual({ outcome: "refer", reason: "clone-suspected" });
    expect(chipVerdict({ age: 30, expired: true }, "expired", lax, "mynumber")).toBeNull();
  });

  it("refers a chip that cannot be verified or whose copy is not ruled out, whatever requireGenuineChip says", () => {
    const ok = { age: 30, expired: false };
    const lax = { ...POLICY, requireGenuineChip: false };
    for (const p of [POLICY, lax]) {
      expect(chipVerdict(ok, "not-verifiable", p, "licence")).toEqual({ outcome: "refer", reason: "not-verifiable" });
      expect(chipVerdict(ok, "clone-not-ruled-out", p, "passport")).toEqual({ outcome: "refer", reason: "clone-not-ruled-out" });
    }
  });

  it("accepts a listed kind's unverifiable chip only on to the face check, and never an unlisted kind or without a face check", () => {
    const ok = { age: 30, expired: false };
    const shop = { ...POLICY, acceptUnverifiableWithFaceMatch: ["licence"] };
    // null = nothing objects: the flow goes on to the face check, whose verdict decides.
    expect(chipVerdict(ok, "not-verifiable", shop, "licence")).toBeNull();
    expect(chipVerdict({ age: 17, expired: false }, "not-verifiable", shop, "licence")).toEqual({ outcome: "fail", reason: "under-age" });
    expect(chipVerdict(ok, "not-verifiable", shop, "passport")).toEqual({ outcome: "refer", reason: "not-verifiable" });
    expect(chipVerdict(ok, "not-verifiable", { ...shop, requireFaceMatch: false }, "licence")).toEqual({ outcome: "refer", reason: "not-verifiable" });
    // The key never covers a copy that is not ruled out.
    expect(chipVerdict(ok, "clone-not-ruled-out", shop, "licence")).toEqual({ outcome: "refer", reason: "clone-not-ruled-out" });
  });

  it("maps face answers and tries-left bands", () => {
    expect(faceVerdict({ kind: "match" })).toEqual({ outcome: "pass", reason: null });
    expect(faceVerdict({ kind: "not-sure", reason: "liveness-failed" })).toEqual({ outcome: "refer", reason: "liveness-failed" });
    expect([null, 0, 1, 2, 3, 10].map((n) => triesBand(n, 3))).toEqual(["unknown", "blocked", "low", "low", "ok", "ok"]);
  });
});
