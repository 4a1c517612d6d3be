/**
 * The document kinds this kiosk reads, in recognition order (src/documents/README.md): one list for
 * the daemon (src/main.ts) and `kioskctl read-card --document` (src/cli/read-card.ts), so both
 * recognise a card the same way. Each kind's own dependencies are built by the caller (trust stores,
 * camera routes, OCR ports), because the daemon and the CLI have different ones (the CLI has no camera).
 */
import type { DocumentKind } from "../documents/types";
import { myNumberKind, type MyNumberKindDeps } from "../documents/mynumber";
import { passportKind, type PassportKindDeps } from "../documents/passport";
import { licenceKind, type LicenceKindDeps } from "../documents/licence";
import { residenceKind, type ResidenceKindDeps } from "../documents/residence";

export interface DocumentKindsDeps {
  mynumber: MyNumberKindDeps;
  passport: PassportKindDeps;
  licence: LicenceKindDeps;
  residence: ResidenceKindDeps;
}

/** The kinds' ids as `--document` names them, in recognition order. */
export const DOCUMENT_KINDS = ["mynumber", "passport", "licence", "residence"] as const;

export function documentKinds(d: DocumentKindsDeps): DocumentKind[] {
  return [
    myNumberKind(d.mynumber),
    // e-passport (issue 18): after My Number.
    passportKind(d.passport),
    // After My Number: a My Number card (even with マイナ免許証 on it) is read as My Number.
    licenceKind(d.licence),
    // Residence card / SPR certificate (issue 17).
    residenceKind(d.residence),
  ];
}
