/**
 * Width and height from the header of an encoded JPEG (SOFn marker) or PNG (IHDR), without decoding.
 * Pure. Returns null for anything else or a truncated header.
 */
export function encodedSize(data: Uint8Array): { format: "jpeg" | "png"; width: number; height: number } | null {
  if (data.length > 24 && data[0] === 0x89 && data[1] === 0x50 && data[2] === 0x4e && data[3] === 0x47) {
    const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
    return { format: "png", width: v.getUint32(16), height: v.getUint32(20) };
  }
  if (data.length < 4 || data[0] !== 0xff || data[1] !== 0xd8) return null;
  let i = 2;
  while (i + 9 < data.length) {
    if (data[i] !== 0xff) return null;
    const marker = data[i + 1] ?? 0;
    if (marker === 0xff) {
      i++;
      continue;
    }
    const len = ((data[i + 2] ?? 0) << 8) | (data[i + 3] ?? 0);
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      const height = ((data[i + 5] ?? 0) << 8) | (data[i + 6] ?? 0);
      const width = ((data[i + 7] ?? 0) << 8) | (data[i + 8] ?? 0);
      return width > 0 && height > 0 ? { format: "jpeg", width, height } : null;
    }
    if (len < 2) return null;
    i += 2 + len;
  }
  return null;
}
