/**
 * One document kind's strings in the six languages, in one file per kind (ui/src/i18n/kinds/<kind>.ts),
 * so that engineers adding kinds never edit the same file. `kindMessages` takes the Japanese keys as
 * the reference: a language missing a key, or with a key Japanese lacks, is a compile error.
 * test/ui/i18n.test.ts checks at run time that no key is defined twice (base or another kind), that
 * no text is empty, that placeholders agree, and that every key the kind's access-key schema names
 * is present. See src/documents/README.md "Adding a kind".
 */
import type { Lang } from "../../../../src/protocol";

export interface KindCatalogue<K extends string = string> {
  /** The document kind id (DocumentKindId), e.g. "mynumber". */
  readonly kind: string;
  readonly messages: Readonly<Record<Lang, Readonly<Record<K, string>>>>;
}

type OtherLangs = Exclude<Lang, "ja">;

export function kindMessages<const K extends string>(
  kind: string,
  messages: { readonly ja: Readonly<Record<K, string>> } & { readonly [L in OtherLangs]: Readonly<Record<NoInfer<K>, string>> },
): KindCatalogue<K> {
  return { kind, messages };
}
