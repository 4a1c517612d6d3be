/**
 * The attended staff view the vault builds from any kind's DocumentData (src/flow/vault.ts): every
 * labelled image and text value, the dates, sex only when the document gives it, the authenticity
 * answer; and nothing of it after purge.
 */
import { describe, expect, it } from "vitest";
import { createVault } from "../../../src/flow/vault";
import type { DocumentData } from "../../../src/documents/types";

const ascii = (s: string) => new TextEncoder().encode(s);
const evidence = { wipe: () => {} };

describe("the attended staff view, for any document kind", () => {
  it("My Number: name and address images, sex from its code byte, dates, age, authenticity", () => {
    const v = createVault();
    const data: DocumentData = {
      kind: "mynumber",
      birthDate: ascii("19760923"),
      expiry: ascii("20340923"),
      portrait: new Uint8Array([1, 2, 3]),
      images: [
        { label: "name", png: new Uint8Array([9, 9]) },
        { label: "address", png: new Uint8Array([8, 8]) },
      ],
      text: [{ label: "sex", ascii: ascii("2") }],
    };
    v.setChip(data, evidence);
    v.setAssessment(50, "genuine");
    v.buildAttended(new Uint8Array([7]));
    expect(v.attended()).toEqual({
      document: "mynumber",
      photoPngBase64: "Bw==",
      images: [
        { label: "name", pngBase64: "CQk=" },
        { label: "address", pngBase64: "CAg=" },
      ],
      text: [],
      birthDate: "1976-09-23",
      sex: "female",
      expiry: "2034-09-23",
      age: 50,
      authenticity: "genuine",
    });
    v.purge();
    expect(v.attended()).toBeNull();
    expect(data.images[0]?.png).toEqual(new Uint8Array([0, 0]));
  });

  it("licence: text values (UTF-8 name, licence number), no sex, no photo, not-verifiable", () => {
    const v = createVault();
    v.setChip(
      {
        kind: "licence",
        birthDate: ascii("19750601"),
        expiry: ascii("20290701"),
        portrait: new Uint8Array(0),
        images: [],
        text: [
          { label: "name", ascii: ascii("見本 花子") },
          { label: "licence-number", ascii: ascii("123456789012") },
        ],
      },
      evidence,
    );
    v.setAssessment(51, "not-verifiable");
    v.buildAttended(null);
    expect(v.attended()).toMatchObject({
      document: "licence",
      photoPngBase64: null,
      images: [],
      text: [
        { label: "name", value: "見本 花子" },
        { label: "licence-number", value: "123456789012" },
      ],
      sex: null,
      authenticity: "not-verifiable",
    });
  });

  it("residence card with no sure birth date: dates and age are null, never a made-up date", () => {
    const v = createVault();
    v.setChip(
      { kind: "residence", birthDate: new Uint8Array(0), expiry: new Uint8Array(0), portrait: new Uint8Array(0), images: [{ label: "card-front", png: new Uint8Array([5]) }], text: [{ label: "card-type", ascii: ascii("1") }] },
      evidence,
    );
    v.buildAttended(null);
    expect(v.attended()).toMatchObject({ birthDate: null, expiry: null, age: null, sex: null, authenticity: "not-checked", images: [{ label: "card-front" }], text: [{ label: "card-type", value: "1" }] });
  });
});
