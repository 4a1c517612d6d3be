/** Ground truth of a generated card: the birth field exactly as printed. */
import { toEraDate } from "../../src/age/era";
import type { BirthField } from "../../src/cardfront/fields";
import type { CardPerson } from "./people";

export function printedBirth(p: CardPerson): BirthField {
  const b = p.birth;
  if (p.birthPrinting === "western") return { calendar: "western", year: b.year, month: b.month, day: b.day };
  const era = toEraDate(b);
  if (!era) throw new Error("birth before Meiji");
  return { calendar: "era", era: era.era, eraYear: era.eraYear, month: b.month, day: b.day };
}
