/**
 * The licence's access key as the manual-entry screen asks for it: PIN 1, 4 digits, masked (the
 * customer chose it at the licence centre; reference §1.4). No camera route: a PIN is never printed.
 * Pure data.
 */
import type { AccessKeySchema } from "../../protocol";

export const LICENCE_ACCESS_KEY: AccessKeySchema = {
  key: "pin",
  catalogue: "doc.licence",
  picture: null,
  initial: {},
  choices: [],
  groups: [{ id: "pin", fields: [{ id: "pin", charset: "digits", length: 4, masked: true }] }],
  /** Before the PIN: a wrong one costs one of three tries, a locked licence needs the police (§1.4). */
  notice: { lines: ["tries", "police", "once", "myna"] },
};
