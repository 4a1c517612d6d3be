/**
 * The e-passport's access key as the manual-entry screen asks for it: the three MRZ fields that make
 * the BAC/PACE password (Doc 9303-11 §9.7.2): document number (9 letters/digits, as printed in the MRZ),
 * birth date and expiry as YYMMDD. Japanese passport numbers are 2 letters + 7 digits, so they fill the
 * 9 characters [guess, reference §3.2]; a shorter number would need the MRZ filler `<`, which the letter
 * keypad does not offer (the camera route reads it). Pure data.
 */
import type { AccessKeySchema } from "../../protocol";

export const PASSPORT_ACCESS_KEY: AccessKeySchema = {
  key: "mrz",
  catalogue: "doc.passport",
  picture: null,
  initial: {},
  choices: [],
  groups: [
    { id: "number", fields: [{ id: "documentNumber", charset: "alnum", length: 9 }] },
    { id: "birth", fields: [{ id: "birthDate", charset: "digits", length: 6 }] },
    { id: "expiry", fields: [{ id: "expiry", charset: "digits", length: 6 }] },
  ],
};
