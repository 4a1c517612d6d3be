/**
 * Identifiers of the ICAO eMRTD application (Doc 9303-10 §4.7 and table 39 of LDS 1.7). [spec];
 * cross-checked with gmrtd reader/reader.go and the mrtdreader manpage (reference §3.2).
 */
export const MRTD_AID = Uint8Array.of(0xa0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01);

export const EF = {
  cardAccess: 0x011c,
  com: 0x011e,
  sod: 0x011d,
  dg1: 0x0101,
  dg2: 0x0102,
  dg14: 0x010e,
  dg15: 0x010f,
} as const;

/** EF.COM tag list (tag 5C) values for the data groups this reader reads. */
export const DG_TAG = { dg1: 0x61, dg2: 0x75, dg14: 0x6e, dg15: 0x6f } as const;

/** Outer tags: EF.COM 60, EF.SOD 77. */
export const TAG_COM = 0x60;
export const TAG_SOD = 0x77;
