/**
 * Issue 19 in the flow: every verdict (pass, fail, refer) asks the token port for a token, the audit
 * row names its id and nothing else of it, the signed token reaches the result screen only while that
 * result is shown, and an abandoned session gets none.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { ResultToken } from "../../src/protocol";
import type { VerdictTokenPort } from "../../src/flow/ports";
import type { VerdictFacts } from "../../src/till/claims";
import { startKiosk, stopKiosk, type Kiosk } from "./harness";

let k: Kiosk | undefined;
afterEach(() => stopKiosk(k));

/** A token port whose tokens the test releases by hand. */
function manualPort() {
  const asked: VerdictFacts[] = [];
  const release: ((t: ResultToken) => void)[] = [];
  let n = 0;
  const port: VerdictTokenPort = {
    issue(facts) {
      asked.push(facts);
      const id = `id-${++n}`.padEnd(22, "x");
      return { id, token: new Promise<ResultToken>((resolve) => release.push(resolve)) };
    },
  };
  const tokenFor = (jws: string): ResultToken => ({ jws, size: 21, path: "M0 0h1v1h-1z", expiresAt: 0 });
  return { port, asked, release, tokenFor };
}

async function runToVerdict(kiosk: Kiosk): Promise<void> {
  kiosk.world.insert();
  await kiosk.advance(800 + 1500 + 200 + 2000);
}

describe("the verdict token in the session flow", () => {
  it("issues one token per pass, records its id in the audit row, and shows it once signed", async () => {
    k = startKiosk();
    const m = manualPort();
    k.world.ports.verdictToken = m.port;
    await runToVerdict(k);
    expect(k.last().screen).toMatchObject({ name: "result", outcome: "pass" });
    expect(m.asked).toEqual([{ kioskId: "kiosk-test", minimumAge: 20, outcome: "pass", document: "mynumber", chipGenuine: true, face: "match" }]);
    expect(k.world.audit.records[0]?.tokenId).toBe("id-1".padEnd(22, "x"));
    expect(k.last().screen).not.toHaveProperty("token");
    m.release[0]?.(m.tokenFor("a.b.c"));
    await k.advance(0);
    expect(k.last().screen).toMatchObject({ name: "result", token: { jws: "a.b.c" } });
  });

  it("says no for an under-age card and refer for a face that does not match, with what was checked", async () => {
    k = startKiosk({ person: { birth: "20100101", expiry: "20341231", sex: "1", codeB: "10010134123456" } });
    const m = manualPort();
    k.world.ports.verdictToken = m.port;
    await runToVerdict(k);
    expect(k.last().screen).toMatchObject({ name: "result", outcome: "fail", reason: "under-age" });
    expect(m.asked[0]).toMatchObject({ outcome: "fail", chipGenuine: true, face: "not-checked" });
    stopKiosk(k);

    k = startKiosk({ script: { face: { after: 2000, value: { kind: "no-match" } } } });
    const m2 = manualPort();
    k.world.ports.verdictToken = m2.port;
    await runToVerdict(k);
    expect(k.last().screen).toMatchObject({ name: "result", outcome: "refer" });
    expect(m2.asked[0]).toMatchObject({ outcome: "refer", chipGenuine: true, face: "not-matched" });
    expect(k.world.audit.records[0]?.tokenId).toBeDefined();
  });

  it("issues none for an abandoned session, and never shows a token that arrives after its result", async () => {
    k = startKiosk();
    const m = manualPort();
    k.world.ports.verdictToken = m.port;
    k.runner.dispatch({ type: "start" });
    await k.advance(30_000); // no card: abandoned (timeout)
    expect(m.asked).toEqual([]);
    expect(k.world.audit.records[0]).toMatchObject({ outcome: "abandoned" });
    expect(k.world.audit.records[0]).not.toHaveProperty("tokenId");

    await k.advance(12_000);
    await runToVerdict(k);
    expect(m.asked).toHaveLength(1);
    k.runner.dispatch({ type: "confirm" }); // the customer leaves before the token is signed
    await k.advance(0);
    m.release[0]?.(m.tokenFor("late.token.x"));
    await k.advance(0);
    expect(k.views.some((v) => v.screen.name === "result" && v.screen.token)).toBe(false);
  });

  it("shows the till POST failures on the staff screen (and nothing when no POST is configured)", async () => {
    let failures = 2;
    k = startKiosk({ tillPostFailures: () => failures });
    k.runner.dispatch({ type: "staff-open" });
    k.runner.dispatch({ type: "staff-login", pin: "2580" });
    await k.advance(0); // the PIN check answers asynchronously
    expect(k.last().screen).toMatchObject({ name: "staff", staff: { tillPostFailures: 2 } });
    failures = 3;
    k.runner.dispatch({ type: "staff-set-language", lang: "en" });
    expect(k.last().screen).toMatchObject({ name: "staff", staff: { tillPostFailures: 3 } });
    stopKiosk(k);
    k = startKiosk();
    k.runner.dispatch({ type: "staff-open" });
    k.runner.dispatch({ type: "staff-login", pin: "2580" });
    await k.advance(0);
    const screen = k.last().screen;
    expect(screen.name).toBe("staff");
    if (screen.name === "staff") expect(screen.staff).not.toHaveProperty("tillPostFailures");
  });
});
