/**
 * Splits an MJPEG byte stream (rpicam-vid `--codec mjpeg`, v4l2-ctl `--stream-to=-`) into JPEGs at
 * SOI (FF D8) … EOI (FF D9) markers. Inside entropy-coded data FF is always stuffed (FF 00), so EOI
 * cannot appear early; the cameras used here put no EXIF thumbnails in stream frames. Pure; every
 * buffer it drops is zeroed. A partial frame larger than `maxBytes` is discarded.
 */
export class MjpegSplitter {
  #buf = new Uint8Array(0);

  constructor(private readonly maxBytes = 20 << 20) {}

  push(chunk: Uint8Array): Uint8Array[] {
    const merged = new Uint8Array(this.#buf.length + chunk.length);
    merged.set(this.#buf, 0);
    merged.set(chunk, this.#buf.length);
    this.#buf.fill(0);
    const out: Uint8Array[] = [];
    let start = -1;
    let consumed = 0;
    for (let i = 0; i + 1 < merged.length; i++) {
      if (merged[i] !== 0xff) continue;
      const m = merged[i + 1];
      if (m === 0xd8 && start < 0) start = i;
      else if (m === 0xd9 && start >= 0) {
        out.push(merged.slice(start, i + 2));
        consumed = i + 2;
        start = -1;
        i++;
      }
    }
    const keepFrom = start >= 0 ? start : Math.max(consumed, merged.length - 1);
    this.#buf = merged.slice(keepFrom);
    if (this.#buf.length > this.maxBytes) this.#buf = new Uint8Array(0);
    merged.fill(0);
    return out;
  }

  wipe(): void {
    this.#buf.fill(0);
    this.#buf = new Uint8Array(0);
  }
}
