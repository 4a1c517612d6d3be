/**
 * 券面事項確認AP (card-face application), reference §3. A handle you only get by selecting the AP with
 * its full 10-byte AID (a prefix could land on another DF, reference §1.1):
 *
 *   const surface = await SurfaceAp.select(card, signal);   // 6A82 → CardError not-found
 *   await surface.triesLeftCodeB(signal);                    // empty VERIFY, never spends a try
 *
 * Deliberately absent: 照合番号A (EF 0013), the birth-date key (0011), EF 0001 and EF 0005. The kiosk
 * reads with 照合番号B only (reference §4.6) and must never see the 個人番号 image.
 */
import type { Card, ReadMode, VerifyAnswer } from "../card";
import type { CodeB } from "../secret";
import { SURFACE_AID, SURFACE_EF } from "./ids";

export { SURFACE_AID, SURFACE_EF };

export class SurfaceAp {
  readonly #card: Card;
  #currentEf: number | null = null;

  private constructor(card: Card) {
    this.#card = card;
  }

  /** SELECT 券面AP by full AID. Throws CardError (not-found when the card has no such AP). */
  static async select(card: Card, signal: AbortSignal): Promise<SurfaceAp> {
    await card.selectAid(SURFACE_AID, signal, "select 券面AP");
    return new SurfaceAp(card);
  }

  async #select(ef: number, signal: AbortSignal, step: string): Promise<void> {
    if (this.#currentEf === ef) return;
    await this.#card.selectEf(ef, signal, step);
    this.#currentEf = ef;
  }

  /** Empty VERIFY on 照合番号B (EF 0012): tries left, blocked, or already verified. Spends nothing. */
  async triesLeftCodeB(signal: AbortSignal): Promise<VerifyAnswer> {
    await this.#select(SURFACE_EF.KEY_CODE_B, signal, "select 照合番号B key");
    return this.#card.verify(null, signal, "tries left 照合番号B");
  }

  /** VERIFY 照合番号B. A wrong code spends one try (answer: tries-left). */
  async verifyCodeB(code: CodeB, signal: AbortSignal): Promise<VerifyAnswer> {
    await this.#select(SURFACE_EF.KEY_CODE_B, signal, "select 照合番号B key");
    return this.#card.verify(code, signal, "verify 照合番号B");
  }

  /** EF 0002 (券面事項) up to its TLV end; needs 照合番号B first (else CardError security-status). */
  async readCardFace(mode: ReadMode, signal: AbortSignal, onBytes?: (read: number, total: number) => void): Promise<Uint8Array> {
    await this.#select(SURFACE_EF.CARD_FACE, signal, "select EF 0002");
    return this.#card.readTlvEf(mode, signal, "read EF 0002", onBytes);
  }

  /** EF 0004, this AP's card-verifiable certificate (no credential). */
  async readCvc(mode: ReadMode, signal: AbortSignal): Promise<Uint8Array> {
    await this.#select(SURFACE_EF.CVC, signal, "select EF 0004");
    return this.#card.readTlvEf(mode, signal, "read EF 0004");
  }

  /** 80 2A 00 00: the card key signs `digestInfo` (PKCS#1 v1.5, no credential; reference §2.4, §7). */
  async signWithCardKey(digestInfo: Uint8Array, signal: AbortSignal): Promise<Uint8Array> {
    return this.#card.sign(digestInfo, 0x00, signal, "card signs nonce");
  }
}
