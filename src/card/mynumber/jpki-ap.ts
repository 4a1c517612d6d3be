/**
 * 公的個人認証AP (JPKI), reference §5 — only what identifies a My Number card: the token label in
 * EF 0006 ("JPKIAPICCTOKEN2"; identify the card by SELECT + token label, never by ATR, reference §8)
 * and the public user-authentication certificate (EF 000A, no PIN on a physical card).
 * Deliberately absent: every PIN, the signing certificate and both private keys.
 */
import type { Card } from "../card";
import { JPKI_AID, JPKI_EF, MY_NUMBER_TOKEN_LABEL } from "./ids";

export { JPKI_AID, JPKI_EF, MY_NUMBER_TOKEN_LABEL };

export type TokenKind = "my-number-card" | "juki-card" | "android" | "iphone" | "unknown";

export function tokenKind(label: string): TokenKind {
  switch (label) {
    case MY_NUMBER_TOKEN_LABEL:
      return "my-number-card";
    case "JPKIAPICCTOKEN":
      return "juki-card";
    case "JPKIAPGPSETOKEN":
      return "android";
    case "JPKIAPIOSTOKEN":
      return "iphone";
    default:
      return "unknown";
  }
}

export class JpkiAp {
  readonly #card: Card;
  private constructor(card: Card) {
    this.#card = card;
  }

  static async select(card: Card, signal: AbortSignal): Promise<JpkiAp> {
    await card.selectAid(JPKI_AID, signal, "select JPKI-AP");
    return new JpkiAp(card);
  }

  /** The token label: the first 32 bytes of EF 0006, trailing spaces removed. */
  async tokenLabel(signal: AbortSignal): Promise<string> {
    await this.#card.selectEf(JPKI_EF.TOKEN_INFO, signal, "select EF 0006");
    const r = await this.#card.call({ cla: 0x00, ins: 0xb0, p1: 0, p2: 0, le: 32 }, signal, "read token label");
    if (r.sw !== 0x9000 && r.sw !== 0x6282) return "";
    return String.fromCharCode(...r.data.filter((c) => c >= 0x20 && c < 0x7f)).trimEnd();
  }

  /** The DER user-authentication certificate (EF 000A), sized from its SEQUENCE header. */
  async authCertificate(signal: AbortSignal): Promise<Uint8Array> {
    await this.#card.selectEf(JPKI_EF.AUTH_CERT, signal, "select EF 000A");
    return this.#card.readTlvEf("short", signal, "read EF 000A");
  }
}
