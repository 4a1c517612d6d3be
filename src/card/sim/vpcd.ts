/**
 * Serves a simulated card to vsmartcard-vpcd, so the real pcscd and the `pcsclite` binding see it as a
 * card in the reader "Virtual PCD 00 00" (port 35963) or "Virtual PCD 00 01" (35964). Test and demo
 * tooling only: vpcd listens on 0.0.0.0 and must never be installed on a kiosk image.
 *
 * Wire protocol (vsmartcard vpcd.c, checked against Debian's vsmartcard-vpcd 3.3):
 * - every message, both ways, is a 2-byte big-endian length followed by that many bytes;
 * - a 1-byte message from vpcd is a control code: 0 power off, 1 power on, 2 reset, 4 get ATR.
 *   Only GET ATR is answered (with the ATR); pcscd polls presence with it continuously;
 * - any longer message is a C-APDU, answered with the R-APDU (data ‖ SW1 SW2);
 * - removal = destroy the socket (a half-close leaves pcscd's side open); reconnect = insertion.
 *
 * Contract: `serveOverVpcd()` resolves once the TCP connection is up (the card is "inserted");
 * `remove()` and `close()` never throw. While the card's answer is pending, the link queues further
 * messages: vpcd sends one command at a time, so this only matters for GET ATR polls.
 */
import { connect, type Socket } from "node:net";
import { isCardError } from "../errors";

/** The part of a simulated card the bridge needs (SimulatedCard from sim/card.ts satisfies it). */
export interface VpcdCard {
  readonly atr: Uint8Array;
  transmit(command: Uint8Array, signal: AbortSignal): Promise<Uint8Array>;
  /** Power off / take away (SimulatedCard: clears the security state, pending commands fail). */
  remove?(): void;
  /** Power on / put back (a reset). */
  insert?(): void;
}

export interface VpcdOptions {
  card: VpcdCard;
  /** 35963 = "Virtual PCD 00 00" (default), 35964 = "Virtual PCD 00 01". */
  port?: number;
  host?: string;
  /** Bound on the TCP connect (ms). Default 3000. */
  connectTimeoutMs?: number;
  /** Treat the port as freed at this time (Date.now()): a previous link's removal on the same port. */
  notBefore?: number;
  /**
   * Minimum time off the reader before `insert()` reconnects (ms). pcscd polls vpcd's presence every
   * 400 ms; a card swapped faster is never seen as removed, and vpcd then fails every exchange with
   * 0x80100016. Default 900.
   */
  minOffMs?: number;
  /** Called after each answered C-APDU, with its index in this insertion (tests pull the card here). */
  onCommand?: (index: number, command: Uint8Array) => void;
}

export interface VpcdLink {
  /** Whether the card is "on the reader" (socket connected). */
  readonly inserted: boolean;
  /** Number of C-APDUs answered since the last insertion. */
  readonly commandCount: number;
  /** When the card last left the reader (Date.now()), or null if it never did. */
  readonly removedAt: number | null;
  /** Pull the card: destroys the socket (pcscd sees the removal on its next poll). Idempotent. */
  remove(): void;
  /** Put the card back (a new TCP connection). Resolves when connected. */
  insert(): Promise<void>;
  /** Swap the card served on the next insertion (the current one is removed first). */
  replaceCard(card: VpcdCard): Promise<void>;
  close(): void;
}

export const VPCD_PORT = 35963;

const CTRL_OFF = 0;
const CTRL_ON = 1;
const CTRL_RESET = 2;
const CTRL_ATR = 4;

const isNoCard = (e: unknown): boolean => isCardError(e) && e.kind === "no-card";

// eslint-disable-next-line max-lines-per-function -- not split yet (issue 13, house): remove when split
export async function serveOverVpcd(opts: VpcdOptions): Promise<VpcdLink> {
  const port = opts.port ?? VPCD_PORT;
  const host = opts.host ?? "127.0.0.1";
  const connectTimeoutMs = opts.connectTimeoutMs ?? 3000;
  let card = opts.card;
  let socket: Socket | null = null;
  let abort: AbortController | null = null;
  let count = 0;
  let removedAt: number | null = opts.notBefore ?? null;
  const minOffMs = opts.minOffMs ?? 900;

  const remove = (): void => {
    const wasIn = socket !== null;
    abort?.abort();
    abort = null;
    socket?.destroy();
    socket = null;
    if (wasIn) {
      removedAt = Date.now();
      card.remove?.();
    }
  };

  const insert = async (): Promise<void> => {
    remove();
    const wait = removedAt === null ? 0 : removedAt + minOffMs - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    count = 0;
    card.insert?.();
    const s = await openSocket(host, port, connectTimeoutMs);
    const ac = new AbortController();
    socket = s;
    abort = ac;
    let buf: Buffer = Buffer.alloc(0);
    let chain: Promise<void> = Promise.resolve();
    const send = (payload: Uint8Array): void => {
      if (s.destroyed) return;
      const head = Buffer.alloc(2);
      head.writeUInt16BE(payload.length);
      s.write(Buffer.concat([head, payload]));
    };
    const handle = async (msg: Buffer): Promise<void> => {
      if (msg.length === 1) {
        // Only GET ATR is answered; off, on and reset get no reply (vpcd.c).
        switch (msg[0] ?? -1) {
          case CTRL_ATR:
            send(card.atr);
            break;
          case CTRL_OFF:
            card.remove?.();
            break;
          case CTRL_ON:
            card.insert?.();
            break;
          case CTRL_RESET:
            card.remove?.();
            card.insert?.();
            break;
          default:
            break;
        }
        return;
      }
      if (msg.length === 0) return;
      let reply: Uint8Array;
      try {
        reply = await card.transmit(new Uint8Array(msg), ac.signal);
      } catch (e) {
        if (ac.signal.aborted) return; // pulled by remove(): the socket is already gone
        // A card that left the field mid-command (CardError no-card) is pulled for real; any other
        // failure answers with an empty message, which vpcd passes on as a failed exchange.
        if (isNoCard(e)) remove();
        else send(new Uint8Array(0));
        return;
      }
      if (ac.signal.aborted) return;
      const index = count++;
      send(reply);
      try {
        opts.onCommand?.(index, new Uint8Array(msg));
      } catch {
        /* a test hook never breaks the link */
      }
    };
    s.on("data", (d: Buffer) => {
      buf = buf.length === 0 ? d : Buffer.concat([buf, d]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const n = buf.readUInt16BE(0);
        const msg = Buffer.from(buf.subarray(2, 2 + n));
        buf = buf.subarray(2 + n);
        chain = chain.then(() => handle(msg)).catch(() => undefined); // one bad message never stalls the link
      }
    });
    s.on("error", () => {
      if (socket === s) remove();
    });
    s.on("close", () => {
      if (socket === s) remove();
    });
  };

  await insert();
  return {
    get inserted() {
      return socket !== null && !socket.destroyed;
    },
    get commandCount() {
      return count;
    },
    get removedAt() {
      return removedAt;
    },
    remove,
    insert,
    async replaceCard(next) {
      remove();
      card = next;
      await insert();
    },
    close: remove,
  };
}

function openSocket(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host, port });
    s.setNoDelay(true);
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`vpcd: no connection to ${host}:${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    s.once("connect", () => {
      clearTimeout(timer);
      s.removeAllListeners("error");
      resolve(s);
    });
    s.once("error", (e) => {
      clearTimeout(timer);
      reject(new Error(`vpcd: cannot connect to ${host}:${port} (${e.message})`));
    });
  });
}
