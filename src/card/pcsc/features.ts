/**
 * Whether a PC/SC reader passes extended-length APDUs, asked the standard way: PC/SC part 10
 * CM_IOCTL_GET_FEATURE_REQUEST → FEATURE_GET_TLV_PROPERTIES → PCSCv2_PART10_PROPERTY_dwMaxAPDUDataSize
 * (libccid answers 0 for short-APDU-only readers, the maximum data size otherwise).
 *
 * Returns null when the reader cannot say (vpcd answers SCardControl with an error), so the caller
 * decides. Every call is bounded by `timeoutMs`; nothing here throws.
 */
import { Buffer } from "node:buffer";

export interface ControlReader {
  control(data: Buffer, code: number, resLen: number, cb: (err: unknown, res: Buffer) => void): void;
  SCARD_CTL_CODE(code: number): number;
}

const CM_IOCTL_GET_FEATURE_REQUEST = 3400;
const FEATURE_GET_TLV_PROPERTIES = 0x12;
const PROPERTY_MAX_APDU_DATA_SIZE = 0x0a;
/** The largest data field a short APDU can carry (Lc 255, plus header and Le: 261 bytes in total). */
const SHORT_APDU_MAX = 261;

export async function probeExtendedApdu(deps: { reader: ControlReader; timeoutMs: number }): Promise<boolean | null> {
  const { reader, timeoutMs } = deps;
  const features = await control(reader, reader.SCARD_CTL_CODE(CM_IOCTL_GET_FEATURE_REQUEST), timeoutMs);
  if (!features) return null;
  const code = findFeature(features, FEATURE_GET_TLV_PROPERTIES);
  if (code === null) return null;
  const props = await control(reader, code, timeoutMs);
  if (!props) return null;
  const size = findProperty(props, PROPERTY_MAX_APDU_DATA_SIZE);
  return size === null ? null : size > SHORT_APDU_MAX;
}

/** Feature TLVs: tag (1) ‖ length 4 ‖ control code, big-endian. */
export function findFeature(tlv: Uint8Array, tag: number): number | null {
  for (let i = 0; i + 2 <= tlv.length; ) {
    const t = tlv[i] ?? 0;
    const len = tlv[i + 1] ?? 0;
    if (t === tag && len === 4 && i + 6 <= tlv.length) {
      return (((tlv[i + 2] ?? 0) << 24) | ((tlv[i + 3] ?? 0) << 16) | ((tlv[i + 4] ?? 0) << 8) | (tlv[i + 5] ?? 0)) >>> 0;
    }
    i += 2 + len;
  }
  return null;
}

/** Property TLVs: tag (1) ‖ length (1) ‖ value, little-endian. */
export function findProperty(tlv: Uint8Array, tag: number): number | null {
  for (let i = 0; i + 2 <= tlv.length; ) {
    const t = tlv[i] ?? 0;
    const len = tlv[i + 1] ?? 0;
    if (t === tag && len >= 1 && len <= 4 && i + 2 + len <= tlv.length) {
      let v = 0;
      for (let k = len - 1; k >= 0; k--) v = v * 256 + (tlv[i + 2 + k] ?? 0);
      return v;
    }
    i += 2 + len;
  }
  return null;
}

function control(reader: ControlReader, code: number, timeoutMs: number): Promise<Uint8Array | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), timeoutMs);
    try {
      reader.control(Buffer.alloc(0), code, 256, (err, res) => {
        clearTimeout(timer);
        resolve(err || !res ? null : new Uint8Array(res));
      });
    } catch {
      clearTimeout(timer);
      resolve(null);
    }
  });
}
