// Which action PS3.15 Annex E asks for an attribute, given the options chosen: Table E.1-1 (profile-table.ts) looked
// up by tag, the option columns applied over the Basic Profile column (E.3), and the combined actions resolved the
// way Radraft resolves them (E.1.1 leaves the choice to the IOD's type; Radraft keeps a Type 2 attribute present):
//   X/Z → Z, X/Z/D → Z, X/D → D, Z/D → D, X/Z/U* → U* (a sequence kept with its items cleaned, else U).
import type { DeidentifyOptions } from '../../../app/domain/export';
import { CONFIDENTIALITY_PROFILE, type ProfileRow } from './profile-table';

/** What is done to one attribute. U*: a sequence kept and its items de-identified; otherwise as U. */
export type Action = 'X' | 'Z' | 'D' | 'K' | 'C' | 'U' | 'U*';

const EXACT = new Map<string, ProfileRow>();
const WILDCARD: { pattern: RegExp; row: ProfileRow }[] = [];
let PRIVATE_ROW: ProfileRow | null = null;
for (const row of CONFIDENTIALITY_PROFILE) {
  if (row.tag === 'PRIVATE') PRIVATE_ROW = row;
  else if (row.tag.includes('X')) WILDCARD.push({ pattern: new RegExp(`^${row.tag.replace(/X/g, '[0-9A-F]')}$`), row });
  else EXACT.set(row.tag, row);
}

/** The table's row for a tag (GGGGEEEE, any case), or null when the table does not list it. */
export function profileRow(tag: string): ProfileRow | null {
  const t = tag.toUpperCase();
  const exact = EXACT.get(t);
  if (exact) return exact;
  if (parseInt(t.slice(0, 4), 16) % 2 === 1) return PRIVATE_ROW;
  return WILDCARD.find((w) => w.pattern.test(t))?.row ?? null;
}

/** The action for a listed attribute under the chosen options (not listed: K, Basic Profile E.1.1). */
export function actionFor(row: ProfileRow | null, options: DeidentifyOptions): Action {
  if (!row) return 'K';
  if (options.retainModifiedDates && row.modifiedDates === 'C') return 'C';
  if (options.cleanDescriptors && row.cleanDescriptors === 'C') return 'C';
  switch (row.basic) {
    case 'X/Z':
    case 'X/Z/D':
      return 'Z';
    case 'X/D':
    case 'Z/D':
      return 'D';
    case 'X/Z/U*':
      return 'U*';
    default:
      return row.basic;
  }
}

/** The actions the profile allows for the row under the options, for checking an output (any one satisfies it). */
export function allowedActions(row: ProfileRow, options: DeidentifyOptions): Action[] {
  if (options.retainModifiedDates && row.modifiedDates === 'C') return ['C'];
  if (options.cleanDescriptors && row.cleanDescriptors === 'C') return ['C'];
  return row.basic.split('/') as Action[];
}
