/**
 * V8 flags for WebAssembly, set first thing in the daemon (imported before anything else, so before
 * any WASM module is compiled; V8 reads these when it compiles a module).
 *
 * `--no-liftoff`: compile WASM with the optimising compiler (TurboFan) up front instead of the
 * baseline compiler (Liftoff) followed by "tier-up" of hot functions later. The face engine (tfjs
 * WASM), the OCR thread (Tesseract) and the JPEG 2000 decoder are all WASM; with tier-up, the
 * first sessions after a start ran on baseline code while the optimised code was still being made,
 * and warming them up before READY did not carry over (measured here: first face step 3× the CPU of
 * the later ones, even after 16 warm-up analyses). With up-front compilation, the compile cost moves
 * to the warm start, where it belongs (issue 16: the first customer waits no longer than the tenth).
 * Node documents `v8.setFlagsFromString` after start-up as "use with care"; these flags only affect
 * modules compiled afterwards, which is exactly the intent. Checked by
 * test/integration/face/warm-start.test.ts and printed by `npm run bench:pi`.
 */
import { setFlagsFromString } from "node:v8";

export const WASM_FLAGS = ["--no-liftoff"] as const;

export function applyWasmFlags(): void {
  for (const f of WASM_FLAGS) setFlagsFromString(f);
}

applyWasmFlags();
