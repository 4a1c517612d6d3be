/**
 * The My Number card's access key as the manual-entry screen asks for it: what is printed on the card
 * face and goes into 照合番号B (birth date YYMMDD, expiry year, 4-digit security code; reference §1.3).
 * The era choice decides the birth year's length (era year 2 digits, western 4). Pure data.
 */
import type { AccessKeySchema } from "../../protocol";

export const MY_NUMBER_ACCESS_KEY: AccessKeySchema = {
  key: "code-b",
  catalogue: "doc.mynumber",
  picture: "card-fields",
  initial: { calendar: "era" },
  choices: [
    { id: "calendar", options: ["era", "western"] },
    /** Meiji is left out: anyone born then would be over 110. */
    { id: "era", options: ["taisho", "showa", "heisei", "reiwa"], when: { field: "calendar", is: "era" }, labels: "doc.mynumber.era", default: "heisei" },
  ],
  groups: [
    {
      id: "birth",
      fields: [
        { id: "birthYear", charset: "digits", length: { by: "calendar", values: { era: 2, western: 4 } }, unit: "year", tag: "era" },
        { id: "birthMonth", charset: "digits", length: 2, unit: "month" },
        { id: "birthDay", charset: "digits", length: 2, unit: "day" },
      ],
    },
    { id: "expiry", fields: [{ id: "expiryYear", charset: "digits", length: 4 }] },
    { id: "code", fields: [{ id: "securityCode", charset: "digits", length: 4 }] },
  ],
};
