/**
 * ICAO Doc 9303 part 11, appendix D: the worked examples of BAC key derivation (D.2), mutual
 * authentication and session keys (D.3) and secure messaging (D.4), byte for byte. The values are the
 * spec's; they were cross-checked against the reference §3.2 recomputation and public test suites.
 */
import { describe, expect, it } from "vitest";
import { fromHex, toHex, encodeCommand } from "../../../../src/card/apdu";
import { bacCommandData, bacKeys, bacSession } from "../../../../src/card/icao/bac";
import { kdf, KDF_ENC, KDF_MAC, aesCmac } from "../../../../src/card/icao/crypto";
import { checkDigit, MrzKey } from "../../../../src/card/icao/mrz-key";
import { SecureMessaging } from "../../../../src/card/icao/sm";

const H = (b: Uint8Array) => toHex(b, "");
const b = fromHex;

describe("D.2 BAC keys from the MRZ", () => {
  it("check digits of the example MRZ (L898902C<, 690806, 940623)", () => {
    expect(checkDigit("L898902C<")).toBe(3);
    expect(checkDigit("690806")).toBe(1);
    expect(checkDigit("940623")).toBe(6);
  });

  it("MRZ_information, Kseed, Kenc, Kmac", () => {
    const r = MrzKey.fromFields({ documentNumber: "L898902C", birthDate: "690806", expiry: "940623" });
    if (!r.ok) throw new Error("key");
    expect(r.key.useBytes((x) => Buffer.from(x).toString("ascii"))).toBe("L898902C<369080619406236");
    expect(H(r.key.sha1().slice(0, 16))).toBe("239AB9CB282DAF66231DC5A4DF6BFBAE");
    const k = bacKeys(r.key);
    expect(H(k.kEnc)).toBe("AB94FDECF2674FDFB9B391F85D7F76F2");
    expect(H(k.kMac)).toBe("7962D9ECE03D1ACD4C76089DCE131543");
    expect(String(r.key)).toBe("[redacted]");
    expect(JSON.stringify({ k: r.key })).toBe('{"k":"[redacted]"}');
  });

  it("refuses a given check digit that does not match", () => {
    const r = MrzKey.fromFields({ documentNumber: "L898902C", birthDate: "690806", expiry: "940623" }, { documentNumber: 4 });
    expect(r).toEqual({ ok: false, problem: { field: "documentNumber", code: "check-digit" } });
    expect(MrzKey.fromFields({ documentNumber: "l8989!", birthDate: "690806", expiry: "940623" }).ok).toBe(false);
    expect(MrzKey.fromFields({ documentNumber: "L898902C", birthDate: "691306", expiry: "940623" }).ok).toBe(false);
  });
});

describe("D.3 mutual authentication and session keys", () => {
  const keys = () => ({ kEnc: b("AB94FDECF2674FDFB9B391F85D7F76F2"), kMac: b("7962D9ECE03D1ACD4C76089DCE131543") });
  const rndIcc = b("4608F91988702212");
  const rndIfd = b("781723860C06C226");
  const kIfd = b("0B795240CB7049B01C19B33E32804F0B");
  const answer = b("46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F2F2D235D074D7449");

  it("E.IFD ‖ M.IFD", () => {
    expect(H(bacCommandData(keys(), rndIfd, rndIcc, kIfd))).toBe(
      "72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F2" + "5F1448EEA8AD90A7",
    );
  });

  it("the chip's answer gives KSenc, KSmac (via the SM below) and SSC 887022120C06C226", () => {
    const sm = bacSession(keys(), rndIfd, rndIcc, kIfd, answer);
    expect(sm).not.toBeNull();
    expect(H(sm?.ssc ?? new Uint8Array())).toBe("887022120C06C226");
    const seed = b("0036D272F5C350ACAC50C3F572D23600");
    expect(H(kdf(seed, KDF_ENC, "3des"))).toBe("979EC13B1CBFE9DCD01AB0FED307EAE5");
    expect(H(kdf(seed, KDF_MAC, "3des"))).toBe("F1CB1F1FB5ADF208806B89DC579DC1F8");
  });

  it("a tampered answer or a wrong echo does not authenticate", () => {
    const bad = answer.slice();
    bad[3] = (bad[3] ?? 0) ^ 1;
    expect(bacSession(keys(), rndIfd, rndIcc, kIfd, bad)).toBeNull();
    expect(bacSession(keys(), rndIfd, b("4608F91988702213"), kIfd, answer)).toBeNull();
  });
});

describe("D.4 secure messaging (3DES)", () => {
  const session = () => new SecureMessaging("3des", b("979EC13B1CBFE9DCD01AB0FED307EAE5"), b("F1CB1F1FB5ADF208806B89DC579DC1F8"), b("887022120C06C226"));
  const enc = (sm: SecureMessaging, c: Parameters<SecureMessaging["wrap"]>[0]) => {
    const w = sm.wrap(c);
    return H(encodeCommand(w.command, { extended: w.extended }));
  };
  const resp = (hex: string) => {
    const r = b(hex);
    return { data: r.subarray(0, r.length - 2), sw: ((r[r.length - 2] ?? 0) << 8) | (r[r.length - 1] ?? 0) };
  };

  it("SELECT EF.COM, READ BINARY 4, READ BINARY 18 at offset 4: commands, SSCs, MACs and data", () => {
    const sm = session();
    expect(enc(sm, { cla: 0, ins: 0xa4, p1: 2, p2: 0x0c, data: b("011E") })).toBe("0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800");
    expect(H(sm.ssc)).toBe("887022120C06C227");
    const r1 = sm.unwrap(resp("990290008E08FA855A5D4C50A8ED9000"));
    expect(H(sm.ssc)).toBe("887022120C06C228");
    expect(r1.sw).toBe(0x9000);
    expect(r1.data.length).toBe(0);

    expect(enc(sm, { cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 4 })).toBe("0CB000000D9701048E08ED6705417E96BA5500");
    expect(H(sm.ssc)).toBe("887022120C06C229");
    const r2 = sm.unwrap(resp("8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000"));
    expect(H(sm.ssc)).toBe("887022120C06C22A");
    expect(H(r2.data)).toBe("60145F01");

    expect(enc(sm, { cla: 0, ins: 0xb0, p1: 0, p2: 4, le: 0x12 })).toBe("0CB000040D9701128E082EA28A70F3C7B53500");
    expect(H(sm.ssc)).toBe("887022120C06C22B");
    const r3 = sm.unwrap(resp("871901FB9235F4E4037F2327DCC8964F1F9B8C30F42C8E2FFF224A990290008E08C8B2787EAEA07D749000"));
    expect(H(sm.ssc)).toBe("887022120C06C22C");
    expect(H(r3.data)).toBe("04303130365F36063034303030305C026175");
  });

  it("a response with a wrong MAC is refused and ends the session", () => {
    const sm = session();
    sm.wrap({ cla: 0, ins: 0xa4, p1: 2, p2: 0x0c, data: b("011E") });
    expect(() => sm.unwrap(resp("990290008E08FA855A5D4C50A8EE9000"))).toThrow(/MAC/);
    expect(sm.broken).toBe(true);
    expect(() => sm.wrap({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 4 })).toThrow();
  });
});

describe("AES secure messaging and CMAC", () => {
  it("CMAC-AES128 (NIST SP 800-38B / RFC 4493 example 2)", () => {
    const k = b("2b7e151628aed2a6abf7158809cf4f3c");
    expect(H(aesCmac(k, new Uint8Array(0)))).toBe("BB1D6929E95937287FA37D129B756746");
    expect(H(aesCmac(k, b("6bc1bee22e409f96e93d7e117393172a")))).toBe("070A16B46B4D4144F79BDD9DD04A287C");
  });

  it("protects MSE:Set AT under AES like gmrtd's test vector [code, second-hand]", () => {
    // gmrtd iso7816/secure_messaging_test.go: KSenc/KSmac, SSC …BA, MSE:Set AT 00 22 41 A4.
    const sm = new SecureMessaging("aes128", b("cc86415f2ed7e8fd663b754265695ae1"), b("581e84b8ee06c4d3eee30461498d7fb3"), b("000000000000000000000000000000ba"));
    const w = sm.wrap({ cla: 0, ins: 0x22, p1: 0x41, p2: 0xa4, data: b("800a04007f000702020302028401c3") });
    expect(H(sm.ssc)).toBe("000000000000000000000000000000BB");
    expect(H(encodeCommand(w.command, { extended: w.extended }))).toBe("0C2241A41D871101980953D37F67558690045D78A853B18A8E08929767A2CEF172E200");
  });
});
