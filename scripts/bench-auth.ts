/**
 * Authenticity benchmark (issue 4): verify time per card, i.e. assessAuthenticity() over one read =
 * certificate (RSA-2048 under the CA key) + record (SHA-256 of EF 0002's signed parts, RSA-2048) +
 * challenge (RSA-2048 under DF24) + expiry. The card's own signing time is excluded: the read is done
 * once in-process against the simulated deck card, then only the check is timed.
 *
 *   npm run bench:auth                 # 300 checks of the genuine deck card; target: median < 10 ms
 *   npm run bench:auth -- --runs 1000
 *   npm run bench:auth -- --derive     # also time `trust derive-ca` on the deck's two test-CA
 *                                      # certificates (e = 65537: minutes, not milliseconds)
 */
import { randomBytes } from "node:crypto";
import os from "node:os";
import { tokyoDate } from "../src/age/date";
import { assessAuthenticity, type AuthenticityInput } from "../src/card/mynumber/auth/authenticity";
import { deriveCaModulus, parseKeyTable } from "../src/card/mynumber/auth/ca-keys";
import { parseCvc, type CardVerifiableCertificate } from "../src/card/mynumber/auth/cvc";
import { readCardFace } from "../src/card/mynumber/read-face";
import { RetryGuard } from "../src/card/mynumber/retry-policy";
import { buildTrustStore } from "../src/card/mynumber/auth/trust";
import { CodeB } from "../src/card/secret";
import { loadDeck } from "../src/card/sim/deck";
import { buildDeckVariants } from "../src/card/sim/deck-variants";
import { buildCvc } from "../src/card/sim/mynumber-profile";

const args = process.argv.slice(2);
const runsArg = args.indexOf("--runs");
const runs = runsArg >= 0 ? Number(args[runsArg + 1]) : 300;
const derive = args.includes("--derive");

const deck = loadDeck();
const anchors = parseKeyTable({ keys: deck.trustKeys() }, "demo-deck");
if (!anchors.ok) throw new Error(anchors.errors.join("; "));
const trust = buildTrustStore({ mode: "demo", extraAnchors: anchors.anchors });
if (!trust.ok) throw new Error(trust.errors.join("; "));

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

console.log(`bench:auth  node ${process.version}  ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}`);

for (const v of buildDeckVariants(deck)) {
  if (v.id !== "genuine" && v.id !== "clone" && v.id !== "altered-photo") continue;
  const code = CodeB.fromDigits(v.codeB);
  if (!code) throw new Error("code");
  const read = await readCardFace({
    transmit: v.makeCard(),
    code,
    nonce: new Uint8Array(randomBytes(32)),
    guard: new RetryGuard(),
    signal: new AbortController().signal,
  });
  if (!read.ok) throw new Error(`read failed: ${read.failure.kind}`);
  const input: AuthenticityInput = {
    face: read.record,
    cvc: read.cvc,
    nonce: read.nonce,
    challengeSignature: read.signature,
    printedExpiry: v.printedExpiry,
    today: tokyoDate(Date.now()),
    trust: trust.store,
  };
  for (let i = 0; i < 20; i++) assessAuthenticity(input); // warm-up (JIT)
  const times: number[] = [];
  let result = "";
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    result = assessAuthenticity(input).result;
    times.push(performance.now() - t);
  }
  console.log(
    `${v.id.padEnd(14)} ${result.padEnd(16)} EF0002 ${read.record.raw.length} B  runs ${runs}  ` +
      `median ${pct(times, 50).toFixed(2)} ms  p95 ${pct(times, 95).toFixed(2)} ms  max ${Math.max(...times).toFixed(2)} ms`,
  );
  read.purge();
}

if (derive) {
  // The deck's test CA signed one certificate per issuing key: two certificates, e = 65537.
  const certs: CardVerifiableCertificate[] = deck.issuers.map((issuer) => {
    const r = parseCvc(buildCvc(deck.ca, issuer));
    if (!r.ok) throw new Error(r.what);
    return r.cvc;
  });
  const t = performance.now();
  const cpu = process.cpuUsage();
  const r = deriveCaModulus(certs, 65537n);
  const ms = performance.now() - t;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  const expected = anchors.anchors[0]?.key.modulus;
  console.log(
    `derive-ca      ${certs.length} certificates, e=65537: ${r.ok ? "derived" : r.reason}` +
      `${r.ok ? (r.modulus === expected ? " (equals the deck CA key)" : " (DIFFERS from the deck CA key)") : ""}` +
      `  wall ${(ms / 1000).toFixed(1)} s, cpu ${(cpuMs / 1000).toFixed(1)} s`,
  );
}
