/**
 * The residence card's access key as the manual-entry screen asks for it: the 12-character card number
 * printed at the top right of the front (2 letters, 8 digits, 2 letters). Pure data.
 */
import type { AccessKeySchema } from "../../protocol";

export const RESIDENCE_ACCESS_KEY: AccessKeySchema = {
  key: "card-number",
  catalogue: "doc.residence",
  picture: null,
  initial: {},
  choices: [],
  groups: [{ id: "number", fields: [{ id: "cardNumber", charset: "alnum", length: 12 }] }],
};
