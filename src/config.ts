/**
 * The one configuration schema: types, defaults and validation in one place (zod).
 *
 * `loadConfig()` merges, in order: defaults ← JSON file (`--config PATH` or MYNAGUARD_CONFIG) ←
 * environment (MYNAGUARD_MODE, MYNAGUARD_PORT) ← command-line flags (`--mode`, `--port`), validates the
 * result, and returns a deeply frozen object or every error with its path. Nothing reads settings from
 * a global: main.ts passes the values each part needs.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";

const ms = (min: number, max: number) => z.number().int().min(min).max(max);

export const LANGUAGE_CODES = ["ja", "en", "zh", "ko", "vi", "pt"] as const;

export const configSchema = z
  .object({
    /** demo: every device simulated (the embedded default). production: real devices only, never a simulator. */
    mode: z.enum(["demo", "production"]).default("demo"),
    server: z
      .object({
        /** The daemon listens on loopback only: the kiosk browser runs on the same machine. */
        host: z.enum(["127.0.0.1", "::1", "localhost"]).default("127.0.0.1"),
        port: z.number().int().min(1).max(65535).default(8080),
        /**
         * Where this run's WebSocket token is written (mode 0640, group `tokenGroup`) for the kiosk
         * browser. "auto": $RUNTIME_DIRECTORY/ws-token under systemd, /run/mynaguard/ws-token in
         * production otherwise, no file in demo mode (the daemon prints the URL with its token).
         */
        tokenFile: z.string().default("auto"),
        /** Group that may read the token file: the kiosk browser's user (system/sysusers.d). */
        tokenGroup: z.string().default("kiosk"),
        /** Open WebSocket connections at most. */
        maxSockets: z.number().int().min(1).max(64).default(4),
        /** A WebSocket that neither sends nor answers a ping this long is closed (ms). */
        idleTimeoutMs: ms(1_000, 3_600_000).default(60_000),
      })
      .strict()
      .prefault({}),
    kiosk: z
      .object({
        /** unattended: age check, verdict only. attended: reception desk, staff see the chip data. */
        mode: z.enum(["unattended", "attended"]).default("unattended"),
        /** Shown on the staff screen and written to the audit; not personal. */
        id: z.string().min(1).max(64).default("kiosk-1"),
        defaultLanguage: z.enum(LANGUAGE_CODES).default("ja"),
        /**
         * Demo mode only: the staff screen PIN (4–8 digits; unset = the published demo PIN 2580).
         * Production reads only the salted hash that `kioskctl staff-pin set` stores in the state
         * directory, and refuses a PIN here.
         */
        staffPin: z.string().regex(/^\d{4,8}$/, "must be 4 to 8 digits").optional(),
      })
      .strict()
      .prefault({}),
    card: z
      .object({
        /** PC/SC reader name (substring match); empty = the first reader that appears. */
        readerName: z.string().default(""),
        /**
         * Refuse to VERIFY when the card has fewer tries left than this. At least 2: with one try left
         * a wrong code would block the card, and the kiosk must never be what locks it.
         */
        minTriesLeft: z.number().int().min(2).max(10).default(3),
        /** READ BINARY mode: short 256-byte steps, one extended read, or extended when the reader allows. */
        readMode: z.enum(["short", "extended", "auto"]).default("short"),
        /** Demo mode only: the virtual card deck (JSON). Empty = the built-in deck. */
        deckFile: z.string().default(""),
      })
      .strict()
      .prefault({}),
    trust: z
      .object({
        /** Extra trusted card-face CA keys (same JSON format as the shipped keys). Refused in production. */
        extraKeyFiles: z.array(z.string()).default([]),
        /** e-passport: directories of CSCA certificates (DER) imported by `kioskctl trust import-masterlist`. */
        cscaDirs: z.array(z.string()).default([]),
      })
      .strict()
      .prefault({}),
    camera: z
      .object({
        /** Camera for the card face and for the customer; both may name the same device. */
        document: z.string().default("rpicam:0"),
        face: z.string().default("rpicam:0"),
        /** Demo mode: folder or image files the simulated cameras replay (empty = generated for the deck). */
        simImages: z.string().default(""),
      })
      .strict()
      .prefault({}),
    face: z
      .object({
        /**
         * Cosine similarity (Human faceres embeddings) at or above which the chip photo and the live
         * face are the same person. calibrate:face: impostors ≤ 0.584, cross-photo genuine ≥ 0.70
         * (tiny evidence, README section "face").
         */
        matchThreshold: z.number().min(0).max(1).default(0.65),
        /** Below this similarity the answer is no-match; between the two it is not-sure (staff). */
        noMatchThreshold: z.number().min(0).max(1).default(0.5),
        /** min(antispoof, liveness) below this → not-sure. Genuine photos scored 0.29–0.82: set on site. */
        livenessThreshold: z.number().min(0).max(1).default(0.25),
        /** Shorter side of the live face box, pixels. */
        minFacePixels: z.number().int().min(16).max(2000).default(80),
        /** src/face/quality.ts sharpness; sharp faces 0.32–1.3, a σ = 6 px blur 0.11. */
        minSharpness: z.number().min(0).default(0.2),
      })
      .strict()
      .prefault({}),
    policy: z
      .object({
        minimumAge: z.number().int().min(0).max(120).default(20),
        requireGenuineChip: z.boolean().default(true),
        /** Unattended default true; attended desks may switch it off (staff compare the photo). */
        requireFaceMatch: z.boolean().default(true),
        refuseExpired: z.boolean().default(true),
        /**
         * Document kinds whose chip cannot be verified (no public key: the IC driver's licence) that
         * the shop accepts on "chip opened with the holder's PIN + face match". Default none (refer).
         * Needs requireFaceMatch. Risk: a forged chip that accepts any PIN would pass on its face
         * photo alone; see docs/configuration.md.
         */
        acceptUnverifiableWithFaceMatch: z.array(z.enum(["licence"])).default([]),
      })
      .strict()
      .refine((p) => p.acceptUnverifiableWithFaceMatch.length === 0 || p.requireFaceMatch, {
        message: "policy.acceptUnverifiableWithFaceMatch needs policy.requireFaceMatch: true",
        path: ["acceptUnverifiableWithFaceMatch"],
      })
      .prefault({}),
    /** Overrides of the session time budgets (ms), by name; bounds are checked by flow/budgets. */
    // Names and bounds are checked together by flow/budgets (resolveBudgets): an unknown name is
    // reported as unknown whatever its value, a known one against its own bounds.
    budgets: z.record(z.string(), z.number().int()).default({}),
    audit: z
      .object({
        /** SQLite file. "auto": /var/lib/mynaguard/audit.sqlite in production, in memory in demo mode. */
        path: z.string().min(1).default("auto"),
        retentionDays: z.number().int().min(1).max(3650).default(180),
      })
      .strict()
      .prefault({}),
    state: z
      .object({
        /**
         * The daemon's state directory (staff PIN hash, PIN lock-out). "auto": $STATE_DIRECTORY under
         * systemd, else /var/lib/mynaguard in production, nothing (memory only) in demo mode.
         */
        dir: z.string().default("auto"),
      })
      .strict()
      .prefault({}),
    /** Issue 19: the signed verdict token for the till (docs/till.md). */
    till: z
      .object({
        /** Issue a token on every verdict (pass, fail, refer) and show it as a QR code on the result screen. */
        enabled: z.boolean().default(true),
        /** How long a token is valid, seconds (issue 19: at most 120). */
        lifetimeSeconds: z.number().int().min(1).max(120).default(60),
        /** Optional delivery: HTTPS POST of every token to the till, with a client certificate. */
        post: z
          .object({
            /** https:// URL of the till's endpoint; empty = no POST (the QR code only). */
            url: z
              .string()
              .default("")
              .refine((u) => u === "" || /^https:\/\/[^\s/]+/.test(u), { message: "must be an https:// URL (or empty: off)" }),
            /** PEM files: the kiosk's client certificate and key, and the CA that signed the till's server certificate. */
            certFile: z.string().default(""),
            keyFile: z.string().default(""),
            caFile: z.string().default(""),
          })
          .strict()
          .refine((p) => p.url === "" || (p.certFile !== "" && p.keyFile !== "" && p.caFile !== ""), {
            message: "till.post.url needs certFile, keyFile and caFile (the till is reached only with a client certificate)",
            path: ["url"],
          })
          .prefault({}),
      })
      .strict()
      .prefault({}),
    /** Issue 19: the Prometheus text endpoint (docs/fleet.md), loopback only. */
    metrics: z
      .object({
        /** "auto": on in production, off in demo mode (demo daemons in tests would race for one port). */
        enabled: z.union([z.boolean(), z.literal("auto")]).default("auto"),
        host: z.enum(["127.0.0.1", "::1", "localhost"]).default("127.0.0.1"),
        /** 9464: the port OpenTelemetry's Prometheus exporter uses by convention. 0 = any free port (tests). */
        port: z.number().int().min(0).max(65535).default(9464),
      })
      .strict()
      .prefault({}),
    leds: z
      .object({
        /** BCM line offsets of the status LEDs on the main gpiochip. */
        green: z.number().int().min(0).max(53).default(17),
        amber: z.number().int().min(0).max(53).default(27),
        red: z.number().int().min(0).max(53).default(22),
        /** sysfs root; tests point it at a temporary folder. */
        sysfsRoot: z.string().default("/sys/class/gpio"),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  // Production trusts only the pinned J-LIS key (issue 4); extra trust files are for demo and tests.
  .superRefine((c, ctx) => {
    if (c.mode === "production" && c.trust.extraKeyFiles.length > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["trust", "extraKeyFiles"],
        message: "refused in production mode: only the pinned J-LIS key is trusted",
      });
    }
    if (c.mode === "production" && c.kiosk.staffPin !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["kiosk", "staffPin"],
        message: "refused in production mode: set the staff PIN with `kioskctl staff-pin set` (stored as a salted hash)",
      });
    }
  });

export type Config = Readonly<z.infer<typeof configSchema>>;

/** The state directory a config names, or null for memory only (demo without a state.dir). */
export function stateDirOf(config: Config, env: Readonly<Record<string, string | undefined>>): string | null {
  if (config.state.dir !== "auto") return config.state.dir;
  const fromSystemd = env["STATE_DIRECTORY"]?.split(":")[0];
  if (fromSystemd) return fromSystemd;
  return config.mode === "production" ? "/var/lib/mynaguard" : null;
}

/** Where the WebSocket token file goes, or null for none (demo default). */
export function tokenFileOf(config: Config, env: Readonly<Record<string, string | undefined>>): string | null {
  if (config.server.tokenFile !== "auto") return config.server.tokenFile === "" ? null : config.server.tokenFile;
  const fromSystemd = env["RUNTIME_DIRECTORY"]?.split(":")[0];
  if (fromSystemd) return `${fromSystemd}/ws-token`;
  return config.mode === "production" ? "/run/mynaguard/ws-token" : null;
}

export type LoadResult = { ok: true; config: Config } | { ok: false; errors: string[] };

export interface ConfigSources {
  argv?: readonly string[];
  env?: Readonly<Record<string, string | undefined>>;
  /** Parsed file contents; when absent, the file named by --config / MYNAGUARD_CONFIG is read. */
  file?: unknown;
}

/** Validate a raw object against the schema: every error is reported with its dotted path. */
export function parseConfig(raw: unknown): LoadResult {
  const r = configSchema.safeParse(raw);
  if (!r.success) {
    return {
      ok: false,
      errors: r.error.issues.flatMap((i) => {
        const where = i.path.map(String);
        // One error per unknown key, named by its full path (kiosk.staffPIN), so a typo is never dropped.
        if (i.code === "unrecognized_keys") return i.keys.map((k) => `${[...where, k].join(".")}: unknown setting`);
        return [`${where.length ? where.join(".") : "(root)"}: ${i.message}`];
      }),
    };
  }
  return { ok: true, config: deepFreeze(r.data) };
}

export function loadConfig(sources: ConfigSources = {}): LoadResult {
  const argv = sources.argv ?? [];
  const env = sources.env ?? {};
  const errors: string[] = [];
  const flags = parseFlags(argv, errors);

  let file: unknown = sources.file ?? {};
  const filePath = flags.config ?? env["MYNAGUARD_CONFIG"];
  if (sources.file === undefined && filePath) {
    try {
      file = JSON.parse(readFileSync(filePath, "utf8"));
    } catch (e) {
      errors.push(`config file ${filePath}: ${(e as Error).message}`);
      file = {};
    }
  }
  if (typeof file !== "object" || file === null || Array.isArray(file)) {
    errors.push("config file: must hold a JSON object");
    file = {};
  }
  const merged = structuredClone(file) as Record<string, unknown>;
  const mode = flags.mode ?? env["MYNAGUARD_MODE"];
  if (mode !== undefined) merged["mode"] = mode;
  const port = flags.port ?? env["MYNAGUARD_PORT"];
  if (port !== undefined) {
    const server = (merged["server"] ?? {}) as Record<string, unknown>;
    server["port"] = /^\d+$/.test(port) ? Number(port) : port;
    merged["server"] = server;
  }
  const parsed = parseConfig(merged);
  if (!parsed.ok) errors.push(...parsed.errors);
  if (errors.length > 0 || !parsed.ok) return { ok: false, errors };
  return parsed;
}

function parseFlags(argv: readonly string[], errors: string[]): { mode?: string; port?: string; config?: string } {
  const out: { mode?: string; port?: string; config?: string } = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? "";
    const [name, inline] = a.startsWith("--") ? a.slice(2).split("=", 2) : [undefined, undefined];
    if (name === "mode" || name === "port" || name === "config") {
      const v = inline ?? argv[++i];
      if (v === undefined) errors.push(`--${name}: needs a value`);
      else out[name] = v;
    } else {
      errors.push(`unknown argument: ${a}`);
    }
  }
  return out;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === "object") {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
