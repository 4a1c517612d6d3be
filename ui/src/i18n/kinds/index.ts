/**
 * Every document kind's catalogue file, one line each (a key may be defined only once, test/ui/i18n.test.ts checks it). Adding a kind: create `./<kind>.ts` with
 * `kindMessages("<kind>", { ja: {…}, en: {…}, … })` and add it here.
 */
import type { KindCatalogue } from "./define";
import { licence } from "./licence";
import { mynumber } from "./mynumber";
import { passport } from "./passport";
import { residence } from "./residence";

export type { KindCatalogue };

/** Also the order the idle screen and the "use one of these" advice name the documents in. */
export const KIND_CATALOGUES = [
  mynumber,
  residence,
  passport,
  licence,
] as const;

type KeysOf<C> = C extends KindCatalogue<infer K> ? K : never;
/** Every key some kind file defines. */
export type KindMessageKey = KeysOf<(typeof KIND_CATALOGUES)[number]>;
