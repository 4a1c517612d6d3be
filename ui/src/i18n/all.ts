/**
 * Every catalogue, loaded statically: for the tests (test/ui/i18n.test.ts). The app itself loads
 * the non-Japanese ones on demand (./index.ts); nothing in ui/src imports this file.
 */
import type { Lang } from "../../../src/protocol";
import { en } from "./en";
import { mergeCatalogue, type BaseMessages, type Messages } from "./index";
import { ja } from "./ja";
import { ko } from "./ko";
import { pt } from "./pt";
import { vi } from "./vi";
import { zh } from "./zh";

/** The base catalogues alone (without the kinds' strings). */
export const baseCatalogues: Readonly<Record<Lang, BaseMessages>> = { ja, en, zh, ko, vi, pt };

export const catalogues: Readonly<Record<Lang, Messages>> = {
  ja: mergeCatalogue("ja", ja),
  en: mergeCatalogue("en", en),
  zh: mergeCatalogue("zh", zh),
  ko: mergeCatalogue("ko", ko),
  vi: mergeCatalogue("vi", vi),
  pt: mergeCatalogue("pt", pt),
};
