/**
 * Every catalogue key a document kind's access-key schema makes the manual-entry screen look up
 * (ui/src/screens/ManualEntry.tsx follows the same convention, written down in protocol.ts).
 * test/ui/i18n.test.ts checks that the six catalogues have each key of every shipped kind. Pure.
 */
import type { AccessKeySchema } from "../protocol";

export function catalogueKeys(schema: AccessKeySchema): string[] {
  const c = schema.catalogue;
  const keys = [`${c}.title`];
  if (schema.picture) keys.push(`${c}.picture`);
  for (const choice of schema.choices) {
    keys.push(`${c}.choice.${choice.id}`);
    for (const o of choice.options) keys.push(`${choice.labels ?? `${c}.choice.${choice.id}`}.${o}`);
  }
  for (const g of schema.groups) {
    keys.push(`${c}.group.${g.id}`, `${c}.where.${g.id}`, `${c}.field.${g.id}`);
    for (const f of g.fields) if (f.unit) keys.push(`entry.${f.unit}`);
  }
  if (schema.notice) {
    keys.push(`${c}.notice.title`, `${c}.notice.continue`, `${c}.notice.other-document`, `${c}.notice.call-staff`);
    for (const line of schema.notice.lines) keys.push(`${c}.notice.${line}`);
  }
  return [...new Set(keys)];
}
