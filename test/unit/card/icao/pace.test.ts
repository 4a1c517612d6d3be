/**
 * ICAO Doc 9303-11 appendix G.1 (PACE, ECDH Generic Mapping, brainpoolP256r1, AES-128, MRZ password
 * T22000129 / 640812 / 101031): every intermediate value and the terminal's APDUs, byte for byte, with
 * the example's ephemeral private keys. Values as published in the appendix (cross-checked against
 * public test suites that quote it).
 */
import { describe, expect, it } from "vitest";
import { encodeCommand, fromHex, toHex } from "../../../../src/card/apdu";
import { Card } from "../../../../src/card/card";
import { kdf, KDF_ENC, KDF_MAC } from "../../../../src/card/icao/crypto";
import { bigToBytes, curve, decodePoint, encodePoint, mul } from "../../../../src/card/icao/ec";
import { MrzKey } from "../../../../src/card/icao/mrz-key";
import { authToken, choosePace, decryptNonce, mapGenerator, paceKpi, parseCardAccess, performPace } from "../../../../src/card/icao/pace";

const H = (b: Uint8Array) => toHex(b, "");
const b = fromHex;
const key = () => {
  const k = MrzKey.fromFields({ documentNumber: "T22000129", birthDate: "640812", expiry: "101031" });
  if (!k.ok) throw new Error("key");
  return k.key;
};
const SK_MAP = "7F4EF07B9EA82FD78AD689B38D0BC78CF21F249D953BC46F4C6E19259C010F99";
const SK_DH = "A73FB703AC1436A18E0CFA5ABB3F7BEC7A070E7A6788486BEE230C4A22762595";
const PK_MAP_IFD = "047ACF3EFC982EC45565A4B155129EFBC74650DCBFA6362D896FC70262E0C2CC5E544552DCB6725218799115B55C9BAA6D9F6BC3A9618E70C25AF71777A9C4922D";
const PK_MAP_IC = "04824FBA91C9CBE26BEF53A0EBE7342A3BF178CEA9F45DE0B70AA601651FBA3F5730D8C879AAA9C9F73991E61B58F4D52EB87A0A0C709A49DC63719363CCD13C54";
const H_POINT = "0460332EF2450B5D247EF6D3868397D398852ED6E8CAF6FFEEF6BF85CA57057FD50840CA7415BAF3E43BD414D35AA4608B93A2CAF3A4E3EA4E82C9C13D03EB7181";
const G_HAT = "048CED63C91426D4F0EB1435E7CB1D74A46723A0AF21C89634F65A9AE87A9265E28C879506743F8611AC33645C5B985C80B5F09A0B83407C1B6A4D857AE76FE522";
const PK_DH_IFD = "042DB7A64C0355044EC9DF190514C625CBA2CEA48754887122F3A5EF0D5EDD301C3556F3B3B186DF10B857B58F6A7EB80F20BA5DC7BE1D43D9BF850149FBB36462";
const PK_DH_IC = "049E880F842905B8B3181F7AF7CAA9F0EFB743847F44A306D2D28C1D9EC65DF6DB7764B22277A2EDDC3C265A9F018F9CB852E111B768B326904B59A0193776F094";
const SHARED = "28768D20701247DAE81804C9E780EDE582A9996DB4A315020B2733197DB84925";
const T_IFD = "C2B0BD78D94BA866";
const T_IC = "3ABB9674BCE93C08";

describe("G.1 PACE ECDH-GM brainpoolP256r1 AES-128", () => {
  const cardAccess = b("31143012060A04007F0007020204020202010202010D");
  const choice = choosePace(parseCardAccess(cardAccess));

  it("EF.CardAccess → id-PACE-ECDH-GM-AES-CBC-CMAC-128, parameter 13", () => {
    expect(choice?.oid).toBe("0.4.0.127.0.7.2.2.4.2.2");
    expect(choice?.parameterId).toBe(13);
    expect(H(choice?.oidBytes ?? new Uint8Array())).toBe("04007F00070202040202");
  });

  it("K, Kπ, nonce, mapping, shared secret, session keys and tokens", () => {
    const k = key();
    expect(H(k.sha1())).toBe("7E2D2A41C74EA0B38CD36F863939BFA8E9032AAD");
    const kpi = paceKpi(k, "aes128");
    expect(H(kpi)).toBe("89DED1B26624EC1E634C1989302849DD");
    const s = decryptNonce("aes128", kpi, b("95A3A016522EE98D01E76CB6B98B42C3"));
    expect(H(s)).toBe("3F00C4D39D153F2B2A214A078D899B22");
    const c = curve("brainpoolP256r1");
    expect(H(encodePoint(mul(c, BigInt("0x" + SK_MAP), c.g), 32))).toBe(PK_MAP_IFD);
    const h = mul(c, BigInt("0x" + SK_MAP), decodePoint(b(PK_MAP_IC), 32));
    expect(H(encodePoint(h, 32))).toBe(H_POINT);
    const g2 = mapGenerator(c, s, h);
    expect(H(encodePoint(g2, 32))).toBe(G_HAT);
    expect(H(encodePoint(mul(c, BigInt("0x" + SK_DH), g2), 32))).toBe(PK_DH_IFD);
    const shared = mul(c, BigInt("0x" + SK_DH), decodePoint(b(PK_DH_IC), 32));
    const x = bigToBytes(shared?.x ?? 0n, 32);
    expect(H(x)).toBe(SHARED);
    const ksMac = kdf(x, KDF_MAC, "aes128");
    expect(H(kdf(x, KDF_ENC, "aes128"))).toBe("F5F0E35C0D7161EE6724EE513A0D9A7F");
    expect(H(ksMac)).toBe("FE251C7858B356B24514B3BD5F4297D1");
    expect(H(authToken("aes128", ksMac, b("04007F00070202040202"), b(PK_DH_IC)))).toBe(T_IFD);
    expect(H(authToken("aes128", ksMac, b("04007F00070202040202"), b(PK_DH_IFD)))).toBe(T_IC);
  });

  it("the terminal's APDUs byte for byte, then SELECT eMRTD under AES SM with SSC 0", async () => {
    if (!choice) throw new Error("choice");
    const script: [string, string][] = [
      ["0022C1A412800A04007F0007020204020283010184010D", "9000"],
      ["10860000027C0000", "7C12801095A3A016522EE98D01E76CB6B98B42C39000"],
      ["10860000457C438141" + PK_MAP_IFD + "00", "7C438241" + PK_MAP_IC + "9000"],
      ["10860000457C438341" + PK_DH_IFD + "00", "7C438441" + PK_DH_IC + "9000"],
      ["008600000C7C0A8508" + T_IFD + "00", "7C0A8608" + T_IC + "9000"],
    ];
    let i = 0;
    const card = new Card({
      transmit: {
        transmit: (cmd) => {
          const step = script[i++];
          if (!step) throw new Error("unexpected command");
          expect(H(cmd)).toBe(step[0]);
          return Promise.resolve(b(step[1]));
        },
      },
    });
    // The example's ephemeral keys, as the random source gives them (mod n−1, +1: pass k−1).
    const scalars = [SK_MAP, SK_DH].map((h) => BigInt("0x" + h) - 1n);
    let j = 0;
    const random = (n: number) => bigToBytes(scalars[j++] ?? 0n, n);
    const r = await performPace(card, key(), choice, random, AbortSignal.timeout(5000));
    expect(r.kind).toBe("ok");
    expect(i).toBe(5);
    if (r.kind !== "ok") return;
    const w = r.sm.wrap({ cla: 0, ins: 0xa4, p1: 4, p2: 0x0c, data: b("A0000002471001") });
    expect(H(encodeCommand(w.command, { extended: w.extended }))).toBe("0CA4040C1D871101752F676B09FAC86A87D632749A49C7CC8E08C18BA1FCE707BD9F00");
    expect(r.sm.unwrap({ data: b("990290008E08BEA7B381C494A079"), sw: 0x9000 }).sw).toBe(0x9000);
  });
});
