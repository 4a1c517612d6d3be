/**
 * Camera frames (src/camera/camera.ts `Frame`) → pixels for the face engine: RGB when the camera
 * delivers colour (the detector works on colour), grey when it delivers grey (gray, or the luma of
 * yuv420/yuyv — the card-face OCR's greyscale camera path). Decoding is src/image/decode.ts. The grey
 * version used for the embedding is made from this by sides.ts `greyEmbedding`. The input frame is
 * not modified (the capture policy wipes it).
 */
import type { Frame } from "../camera/camera";
import { decodeImageFile, lumaOf } from "../image/decode";
import type { Image } from "../image/image";

export type FrameProblem = { kind: "bad-frame"; detail: string };

export async function frameToImage(frame: Frame): Promise<{ ok: true; image: Image } | { ok: false; problem: FrameProblem }> {
  const { width, height, data } = frame;
  switch (frame.format) {
    case "gray":
    case "yuv420":
    case "yuyv": {
      const g = lumaOf(frame);
      return g ? { ok: true, image: g } : bad(`${frame.format} frame shorter than its size needs`);
    }
    case "rgba": {
      if (data.length < width * height * 4) return bad("rgba frame shorter than width × height × 4");
      const n = width * height;
      const out = new Uint8Array(n * 3);
      for (let i = 0, j = 0, k = 0; i < n; i++, j += 4, k += 3) {
        out[k] = data[j] ?? 0;
        out[k + 1] = data[j + 1] ?? 0;
        out[k + 2] = data[j + 2] ?? 0;
      }
      return { ok: true, image: { kind: "rgb", width, height, data: out } };
    }
    case "jpeg":
    case "png": {
      const d = await decodeImageFile(data);
      if (!d.ok) return bad(`${frame.format}: ${d.problem.kind}`);
      return { ok: true, image: d.image };
    }
  }
}

function bad(detail: string): { ok: false; problem: FrameProblem } {
  return { ok: false, problem: { kind: "bad-frame", detail } };
}
