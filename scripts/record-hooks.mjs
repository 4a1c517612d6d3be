// Module resolve hook (runs on Node's hooks thread): records each resolved URL. See record-imports.mjs.
import { appendFileSync } from "node:fs";

let file = "";
export function initialize(data) {
  file = data.file;
}
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (file) appendFileSync(file, `esm ${r.url}\n`);
  return r;
}
