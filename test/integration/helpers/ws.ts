/**
 * Connecting to the daemon's WebSocket as the kiosk browser does: with this run's token offered as a
 * subprotocol (src/server/token.ts). The token comes from the daemon's first stdout line in demo mode
 * (`… on http://127.0.0.1:PORT/#token=<hex>`) or from its token file in production.
 */
import WebSocket from "ws";

/** The token in the daemon's output (demo mode prints the kiosk URL with it), or null. */
export function tokenFromOutput(out: string): string | null {
  return /#token=([0-9a-f]{64})/.exec(out)?.[1] ?? null;
}

/** Subprotocols the kiosk page offers; without a token only the protocol name (the daemon refuses that). */
export function kioskProtocols(token: string | null): string[] {
  return token ? ["mynaguard", `mynaguard.token.${token}`] : ["mynaguard"];
}

/** A ws client for `ws://…/ws` offering `token`. `origin` as a browser page would send it (optional). */
export function kioskSocket(httpUrl: string, token: string | null, opts: { origin?: string } = {}): WebSocket {
  const base = httpUrl.replace(/\/(#.*)?$/, "").replace(/^http/, "ws");
  return new WebSocket(`${base}/ws`, kioskProtocols(token), opts.origin ? { origin: opts.origin } : {});
}

/** Waits (bounded) until `read()` yields the token. */
export async function waitForToken(read: () => string | null, timeoutMs = 10_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const t = read();
    if (t) return t;
    if (Date.now() > until) throw new Error(`no WebSocket token within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
