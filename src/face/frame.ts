/**
 * Camera frames (src/camera/camera.ts `Frame`) → pixels for the face engine: RGB when the camera
 * delivers colour (the detector works on colour), grey when it delivers grey. The grey version used
 * for the embedding is made from this by sides.ts `greyEmbedding`. The input frame is not modified
 * (the capture policy wipes it).
 */
import type { Frame } from "../camera/camera";
import { decodeImageFile } from "./decode-image";
import type { Image } from "./image";

export type FrameProblem = { kind: "bad-frame"; detail: string };

export function frameToImage(frame: Frame): { ok: true; image: Image } | { ok: false; problem: FrameProblem } {
  const { width, height, data } = frame;
  switch (frame.format) {
    case "gray":
      if (data.length < width * height) return bad("gray frame shorter than width × height");
      return { ok: true, image: { kind: "grey", width, height, data: data.slice(0, width * height) } };
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
      const d = decodeImageFile(data);
      if (!d.ok) return bad(`${frame.format}: ${d.problem.kind}`);
      return { ok: true, image: d.image };
    }
  }
}

function bad(detail: string): { ok: false; problem: FrameProblem } {
  return { ok: false, problem: { kind: "bad-frame", detail } };
}
