/**
 * The till POST (src/till/post.ts) against a local HTTPS server that requires a client certificate:
 * test certificates are made here with openssl (a CA, the till's server certificate for 127.0.0.1,
 * the kiosk's client certificate, and a stranger CA). Delivery, retries, the budget bound, refusal of
 * a wrong server or client certificate, and that `send` never blocks the caller.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { TLSSocket } from "node:tls";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { memoryLogger } from "../../../src/log";
import { createTillPost, type TillPost } from "../../../src/till/post";

const dir = mkdtempSync(path.join(tmpdir(), "mynaguard-till-post-"));
const f = (name: string) => path.join(dir, name);
const ssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });

/** A CA, and a leaf certificate signed by it (`ext`: extensions, e.g. the server's IP SAN). */
function makeCa(name: string): void {
  ssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", f(`${name}.key`), "-out", f(`${name}.crt`), "-days", "2", "-subj", `/CN=${name}`);
}
function makeLeaf(name: string, ca: string, ext: string): void {
  writeFileSync(f(`${name}.ext`), ext);
  ssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", f(`${name}.key`), "-out", f(`${name}.csr`), "-subj", `/CN=${name}`);
  ssl("x509", "-req", "-in", f(`${name}.csr`), "-CA", f(`${ca}.crt`), "-CAkey", f(`${ca}.key`), "-CAcreateserial", "-out", f(`${name}.crt`), "-days", "2", "-extfile", f(`${name}.ext`));
}

interface Till {
  server: Server;
  url: URL;
  got: { body: string; type: string | undefined; client: string | undefined }[];
  /** What the till does with each request, in order; the last one repeats. */
  answers: ("ok" | "503" | "hang")[];
}

let till: Till | null = null;
let post: TillPost | null = null;

async function startTill(answers: Till["answers"], serverCert = "till"): Promise<Till> {
  const t: Till = { server: null as unknown as Server, url: new URL("https://127.0.0.1/"), got: [], answers };
  let n = 0;
  t.server = createServer(
    { key: readFileSync(f(`${serverCert}.key`)), cert: readFileSync(f(`${serverCert}.crt`)), ca: readFileSync(f("shop-ca.crt")), requestCert: true, rejectUnauthorized: true },
    (req, res) => {
      let body = "";
      req.on("data", (d: Buffer) => (body += d.toString()));
      req.on("end", () => {
        const cn = (req.socket as TLSSocket).getPeerCertificate().subject?.CN;
        t.got.push({ body, type: req.headers["content-type"], client: typeof cn === "string" ? cn : undefined });
        const a = t.answers[Math.min(n++, t.answers.length - 1)];
        if (a === "ok") res.writeHead(204).end();
        else if (a === "503") res.writeHead(503).end();
        // "hang": never answers
      });
    },
  );
  await new Promise<void>((r) => t.server.listen(0, "127.0.0.1", () => r()));
  const addr = t.server.address();
  t.url = new URL(`https://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}/verdicts`);
  return t;
}

function client(url: URL, results: string[], opts: { budgetMs?: number; cert?: string } = {}): TillPost {
  const cert = opts.cert ?? "kiosk";
  return createTillPost({
    url,
    cert: readFileSync(f(`${cert}.crt`)),
    key: readFileSync(f(`${cert}.key`)),
    ca: readFileSync(f("shop-ca.crt")),
    budgetMs: opts.budgetMs ?? 3000,
    onResult: (r) => results.push(r),
    log: memoryLogger(),
  });
}

async function settled(p: TillPost, limitMs = 10_000): Promise<void> {
  const until = Date.now() + limitMs;
  while (p.pending() > 0) {
    if (Date.now() > until) throw new Error("delivery did not end");
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(() => {
  makeCa("shop-ca");
  makeCa("stranger-ca");
  makeLeaf("till", "shop-ca", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
  makeLeaf("kiosk", "shop-ca", "extendedKeyUsage=clientAuth\n");
  makeLeaf("forger", "stranger-ca", "extendedKeyUsage=clientAuth\n");
  makeLeaf("fake-till", "stranger-ca", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
}, 30_000);
afterEach(async () => {
  post?.close();
  post = null;
  if (till) {
    till.server.closeAllConnections();
    await new Promise((r) => till?.server.close(r));
    till = null;
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const JWS = "eyJhbGciOiJFZERTQSJ9.eyJhbnMiOiJ5ZXMifQ.c2lnbmF0dXJl";

describe("the till POST", () => {
  it("delivers the token with the kiosk's client certificate, as application/jwt", async () => {
    till = await startTill(["ok"]);
    const results: string[] = [];
    post = client(till.url, results);
    post.send(JWS);
    await settled(post);
    expect(results).toEqual(["ok"]);
    expect(till.got).toEqual([{ body: JWS, type: "application/jwt", client: "kiosk" }]);
  });

  it("retries a till that answers 503, and counts one success", async () => {
    till = await startTill(["503", "503", "ok"]);
    const results: string[] = [];
    post = client(till.url, results);
    post.send(JWS);
    await settled(post);
    expect(results).toEqual(["ok"]);
    expect(till.got).toHaveLength(3);
  });

  it("gives up within its budget on a till that never answers, and never blocks the caller", async () => {
    till = await startTill(["hang"]);
    const results: string[] = [];
    post = client(till.url, results, { budgetMs: 1200 });
    const t0 = performance.now();
    post.send(JWS);
    expect(performance.now() - t0).toBeLessThan(50); // fire and forget
    await settled(post);
    const took = performance.now() - t0;
    expect(results).toEqual(["failed"]);
    expect(took).toBeLessThan(1200 + 500);
    expect(till.got.length).toBeGreaterThanOrEqual(1);
  });

  it("refuses a till whose certificate the shop's CA did not sign (nothing is sent)", async () => {
    till = await startTill(["ok"], "fake-till");
    const results: string[] = [];
    post = client(till.url, results, { budgetMs: 1500 });
    post.send(JWS);
    await settled(post);
    expect(results).toEqual(["failed"]);
    expect(till.got).toEqual([]);
  });

  it("is refused by the till with a client certificate from another CA", async () => {
    till = await startTill(["ok"]);
    const results: string[] = [];
    post = client(till.url, results, { budgetMs: 1500, cert: "forger" });
    post.send(JWS);
    await settled(post);
    expect(results).toEqual(["failed"]);
    expect(till.got).toEqual([]);
  });

  it("ends every delivery as failed when closed (daemon shutdown)", async () => {
    till = await startTill(["hang"]);
    const results: string[] = [];
    post = client(till.url, results, { budgetMs: 20_000 });
    post.send(JWS);
    post.send(JWS);
    await new Promise((r) => setTimeout(r, 200));
    post.close();
    await settled(post, 3000);
    expect(results).toEqual(["failed", "failed"]);
  });
});
