// Revision history without whole copies: each stored revision keeps only what changed since the one before it. A
// section's change is one splice (common start and end kept, the middle replaced), which is what typing produces, so
// an autosave while someone types stores a few bytes, not the whole report again. Pure, and exact for any string.
import { SECTION_NAMES, type ReportRecord, type SectionName } from '../../app/domain/report';

/** Keep `prefix` code units of the old text, then `insert`, then its last `suffix` code units. */
export type TextSplice = [prefix: number, suffix: number, insert: string];

export interface RecordDelta {
  /** Sections whose text changed. */
  sections?: Partial<Record<SectionName, TextSplice>>;
  /** Other fields whose value changed, stored whole (they are small). */
  fields?: Partial<Omit<ReportRecord, 'sections'>>;
}

export function textSplice(before: string, after: string): TextSplice {
  const max = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix < max && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix < max - prefix && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) suffix++;
  return [prefix, suffix, after.slice(prefix, after.length - suffix)];
}

export function applySplice(before: string, [prefix, suffix, insert]: TextSplice): string {
  return before.slice(0, prefix) + insert + before.slice(before.length - suffix);
}

export function recordDelta(before: ReportRecord, after: ReportRecord): RecordDelta {
  const delta: RecordDelta = {};
  for (const k of SECTION_NAMES) {
    if (before.sections[k] !== after.sections[k]) (delta.sections ??= {})[k] = textSplice(before.sections[k], after.sections[k]);
  }
  const { sections: _a, ...restAfter } = after;
  const { sections: _b, ...restBefore } = before;
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(restAfter) as Array<keyof typeof restAfter>) {
    if (JSON.stringify(restAfter[key]) !== JSON.stringify(restBefore[key])) fields[key] = restAfter[key];
  }
  if (Object.keys(fields).length > 0) delta.fields = fields as RecordDelta['fields'];
  return delta;
}

export function applyRecordDelta(before: ReportRecord, delta: RecordDelta): ReportRecord {
  const sections = { ...before.sections };
  for (const k of SECTION_NAMES) {
    const splice = delta.sections?.[k];
    if (splice) sections[k] = applySplice(sections[k], splice);
  }
  return { ...before, ...delta.fields, sections };
}
