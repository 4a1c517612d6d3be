/**
 * Optional delivery of the verdict token to the till (issue 19): `POST <url>` with the JWS as the body
 * (`content-type: application/jwt`), over HTTPS with the kiosk's client certificate and only the till's
 * CA trusted (node:https). Fire and forget: `send` returns at once, so the customer's result screen
 * never waits for the till. Bounded: each attempt has a timeout, failed attempts are retried with a
 * doubling back-off, and the whole delivery ends within `budgetMs` (the `tillPost` budget of the one
 * budget table, src/flow/budgets.ts). Each delivery ends in exactly one `onResult("ok" | "failed")`.
 * Nothing but the token is sent, and nothing about it is logged beyond the failure's kind.
 */
import { Agent, request } from "node:https";
import type { Logger } from "../log";

export interface TillPostDeps {
  url: URL;
  /** PEM: the kiosk's client certificate and key, and the CA that signed the till's server certificate. */
  cert: Buffer;
  key: Buffer;
  ca: Buffer;
  /** The whole delivery, retries included, ends within this (ms). */
  budgetMs: number;
  /** Attempts at most (default 3). */
  attempts?: number;
  onResult: (result: "ok" | "failed") => void;
  log: Logger;
}

export interface TillPost {
  /** Starts delivering `jws`; returns at once. */
  send(jws: string): void;
  /** Deliveries still under way (tests, shutdown). */
  pending(): number;
  /** Aborts every delivery (each ends "failed") and closes the connections. */
  close(): void;
}

/** Why an attempt failed, as logged (never the token, never the till's answer body). */
type AttemptProblem = "status" | "timeout" | "network" | "tls" | "aborted";

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
  });

export function createTillPost(deps: TillPostDeps): TillPost {
  if (deps.url.protocol !== "https:") throw new TypeError("the till URL must be https://");
  const agent = new Agent({ cert: deps.cert, key: deps.key, ca: deps.ca, keepAlive: true, maxSockets: 2, rejectUnauthorized: true });
  const attempts = Math.max(1, deps.attempts ?? 3);
  const live = new Set<AbortController>();

  function attempt(jws: string, timeoutMs: number, signal: AbortSignal): Promise<AttemptProblem | null> {
    return new Promise((resolve) => {
      let settled = false;
      const done = (p: AttemptProblem | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(p);
      };
      const req = request(deps.url, {
        method: "POST",
        agent,
        headers: { "content-type": "application/jwt", "content-length": Buffer.byteLength(jws) },
        signal,
      });
      const timer = setTimeout(() => {
        done("timeout");
        req.destroy();
      }, timeoutMs);
      req.on("response", (res) => {
        res.resume(); // the body is not read: the status is the answer
        done(res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300 ? null : "status");
      });
      req.on("error", (e: NodeJS.ErrnoException) => {
        if (signal.aborted) return done("aborted");
        const code = e.code ?? "";
        done(/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO/.test(code) || /certificate|handshake/i.test(e.message) ? "tls" : "network");
      });
      req.end(jws);
    });
  }

  async function deliver(jws: string, ctl: AbortController): Promise<void> {
    const deadline = Date.now() + deps.budgetMs;
    let problem: AttemptProblem | null = "timeout";
    for (let i = 0; i < attempts && !ctl.signal.aborted; i++) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      problem = await attempt(jws, Math.min(left, Math.ceil(deps.budgetMs / attempts)), ctl.signal);
      if (problem === null) return deps.onResult("ok");
      const backoff = Math.min(200 * 2 ** i, deadline - Date.now());
      if (i + 1 < attempts && backoff > 0) await sleep(backoff, ctl.signal);
    }
    deps.log.warn("till.post-failed", { problem: ctl.signal.aborted ? "aborted" : (problem ?? "timeout") });
    deps.onResult("failed");
  }

  return {
    send(jws) {
      const ctl = new AbortController();
      live.add(ctl);
      deliver(jws, ctl)
        .catch(() => deps.onResult("failed"))
        .finally(() => live.delete(ctl));
    },
    pending: () => live.size,
    close() {
      for (const c of live) c.abort();
      agent.destroy();
    },
  };
}
