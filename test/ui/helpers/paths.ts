import { existsSync } from "node:fs";
import path from "node:path";

/** The repository root: the nearest folder above this file (or its bundled copy in dist/scripts/) with a package.json. */
export function repoRoot(): string {
  let dir = import.meta.dirname;
  while (!existsSync(path.join(dir, "package.json"))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${import.meta.dirname}`);
    dir = up;
  }
  return dir;
}
