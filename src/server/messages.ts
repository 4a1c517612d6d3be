/**
 * Validation of what the UI sends over the socket. The schema mirrors `ClientMessage` in
 * src/protocol.ts, and the type assertion below fails to compile when the two drift apart, so a new
 * message type cannot be forgotten here.
 */
import { z } from "zod";
import type { ClientMessage } from "../protocol";


/**
 * An entry is the access-key fields of whatever document kind is on the reader (protocol
 * `AccessKeySchema`), by field id; the kind's own rules judge the values. Here only the shape and the
 * size are bounded: at most 16 fields, short ids, values of letters, digits and MRZ filler `<`.
 */
const entrySchema = z
  .record(z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,31}$/), z.string().regex(/^[0-9A-Za-z<]*$/).max(44))
  .refine((e) => Object.keys(e).length <= 16, "too many fields");

export const clientMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("start") }).strict(),
  z.object({ type: z.literal("cancel") }).strict(),
  z.object({ type: z.literal("confirm") }).strict(),
  z.object({ type: z.literal("manual-entry"), entry: entrySchema }).strict(),
  z.object({ type: z.literal("demo-place-card"), cardId: z.string().min(1).max(64) }).strict(),
  z.object({ type: z.literal("demo-remove-card") }).strict(),
  z.object({ type: z.literal("type-instead") }).strict(),
  z.object({ type: z.literal("call-staff") }).strict(),
  z.object({ type: z.literal("entry-draft"), entry: entrySchema }).strict(),
  z.object({ type: z.literal("staff-open") }).strict(),
  z.object({ type: z.literal("staff-login"), pin: z.string().max(16) }).strict(),
  z.object({
    type: z.literal("staff-led-test"),
    pattern: z.enum(["off", "ready", "busy", "pass", "fail", "refer", "card-left", "out-of-service"]),
  }).strict(),
  z.object({ type: z.literal("staff-set-language"), lang: z.enum(["ja", "en", "zh", "ko", "vi", "pt"]) }).strict(),
  z.object({ type: z.literal("staff-close") }).strict(),
  z.object({ type: z.literal("staff-acknowledge") }).strict(),
]);

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type StripUndefined<T> = { [K in keyof T]: Exclude<T[K], undefined> };
// If this line fails to compile, update clientMessageSchema to match ClientMessage in src/protocol.ts.
const schemaMatchesProtocol: Equal<StripUndefined<z.infer<typeof clientMessageSchema>>, StripUndefined<ClientMessage>> =
  true as const;
void schemaMatchesProtocol;

export type ParseResult = { ok: true; message: ClientMessage } | { ok: false; problem: string };

/** Parse one socket frame. Never throws. */
export function parseClientMessage(raw: string): ParseResult {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, problem: "not JSON" };
  }
  const r = clientMessageSchema.safeParse(json);
  if (!r.success) return { ok: false, problem: r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") };
  return { ok: true, message: r.data };
}
