// Reporting aids: templates (text for several sections at once) and auto-text snippets (a short trigger such as
// `.norm` typed in any section becomes its text). Both are kept in the report database and shared between
// departments as a JSON file whose format carries a version.
import { z } from 'zod';
import { ReportSectionsInput, SECTION_MAX_CHARS, SECTION_NAMES, type ReportSections, type SectionName } from '../domain/report';
import { isOneLine } from '../text/one-line';

/** A trigger: a dot and up to 31 letters, digits, '-' or '_' (".norm", ".cm-borderline"). */
export const SNIPPET_TRIGGER = /^\.[a-z0-9][a-z0-9_-]{0,30}$/i;

export const SnippetInput = z.object({
  trigger: z.string().regex(SNIPPET_TRIGGER, { message: 'A trigger is a dot and up to 31 letters or digits, e.g. ".norm".' }),
  text: z.string().min(1, { message: 'A snippet needs text.' }).max(SECTION_MAX_CHARS),
});
export type SnippetInput = z.infer<typeof SnippetInput>;

export const TemplateInput = z.object({
  name: z.string().trim().min(1, { message: 'A template needs a name.' }).max(100).refine(isOneLine, { message: 'A template name is one line.' }),
  /** The text it puts into each section it names. */
  sections: ReportSectionsInput.partial(),
});
export type TemplateInput = z.infer<typeof TemplateInput>;

export const Snippet = SnippetInput.extend({ id: z.number().int(), updatedAt: z.string() });
export type Snippet = z.infer<typeof Snippet>;
export const Template = TemplateInput.extend({ id: z.number().int(), updatedAt: z.string() });
export type Template = z.infer<typeof Template>;

export const ReportingAids = z.object({ templates: z.array(Template), snippets: z.array(Snippet) });
export type ReportingAids = z.infer<typeof ReportingAids>;

/** The shared file: what it is, its format version, and the aids (without the database's ids). */
export const AIDS_FILE_FORMAT = 'radraft-reporting-aids';
export const AIDS_FILE_VERSION = 1;
export const AidsFileV1 = z.object({
  format: z.literal(AIDS_FILE_FORMAT),
  version: z.literal(1),
  exportedAt: z.string(),
  templates: z.array(TemplateInput).max(1000),
  snippets: z.array(SnippetInput).max(5000),
});
export type AidsFile = z.infer<typeof AidsFileV1>;

/** A file that is not a reporting-aids file Radraft can read; the message says what is wrong with it. */
export class AidsFileError extends Error {
  override name = 'AidsFileError';
}

/** Reads a shared file's JSON (any version this Radraft knows, migrated to the current one). */
export function parseAidsFile(json: unknown): AidsFile {
  const head = z.object({ format: z.string(), version: z.number() }).safeParse(json);
  if (!head.success || head.data.format !== AIDS_FILE_FORMAT) {
    throw new AidsFileError('This file is not a Radraft templates and snippets file (it lacks "format": "radraft-reporting-aids").');
  }
  if (head.data.version > AIDS_FILE_VERSION) {
    throw new AidsFileError(`This templates and snippets file was written by a newer Radraft (format version ${head.data.version}, this one reads up to ${AIDS_FILE_VERSION}). Update Radraft to import it.`);
  }
  const parsed = AidsFileV1.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    // zod's messages end with a full stop or not; the sentence here adds its own.
    const reason = issue ? `${issue.path.join('.') || 'file'}: ${issue.message.replace(/\.$/, '')}` : 'it does not match the format';
    throw new AidsFileError(`This templates and snippets file cannot be imported: ${reason}. Nothing was imported.`);
  }
  const triggers = new Set<string>();
  for (const s of parsed.data.snippets) {
    const key = s.trigger.toLowerCase();
    if (triggers.has(key)) throw new AidsFileError(`The file holds the trigger ${s.trigger} twice. Nothing was imported.`);
    triggers.add(key);
  }
  return parsed.data;
}

export function aidsFile(aids: ReportingAids, exportedAt: string): AidsFile {
  return {
    format: AIDS_FILE_FORMAT,
    version: AIDS_FILE_VERSION,
    exportedAt,
    templates: aids.templates.map(({ name, sections }) => ({ name, sections })),
    snippets: aids.snippets.map(({ trigger, text }) => ({ trigger, text })),
  };
}

/**
 * Expands a trigger that ends right before the caret ("… .norm|"), when it is a whole word: the text with the
 * trigger replaced by its snippet and the caret after it, or null when nothing there is a trigger.
 */
export function expandSnippet(text: string, caret: number, snippets: readonly Pick<Snippet, 'trigger' | 'text'>[]): { text: string; caret: number } | null {
  const before = text.slice(0, caret);
  const match = /(^|\s)(\.[A-Za-z0-9][A-Za-z0-9_-]{0,30})$/.exec(before);
  if (!match) return null;
  const trigger = match[2];
  const snippet = snippets.find((s) => s.trigger.toLowerCase() === trigger.toLowerCase());
  if (!snippet) return null;
  const start = caret - trigger.length;
  return { text: text.slice(0, start) + snippet.text + text.slice(caret), caret: start + snippet.text.length };
}

/** The sections a template would change that already hold text (the clinician is asked before they are replaced). */
export function sectionsTemplateReplaces(current: ReportSections, template: Pick<TemplateInput, 'sections'>): SectionName[] {
  return SECTION_NAMES.filter((k) => (template.sections[k] ?? '').trim() !== '' && current[k].trim() !== '' && current[k] !== template.sections[k]);
}

/** The report after applying a template: each section it names gets its text; the others stay. */
export function applyTemplate(current: ReportSections, template: Pick<TemplateInput, 'sections'>): Partial<ReportSections> {
  const patch: Partial<ReportSections> = {};
  for (const k of SECTION_NAMES) {
    const text = template.sections[k];
    if (text !== undefined && text.trim() !== '') patch[k] = text;
  }
  for (const k of SECTION_NAMES) if (patch[k] === current[k]) delete patch[k];
  return patch;
}

/** What a fresh database holds: the normal chest template and its snippet (editable and deletable like any other). */
export const NORMAL_CHEST_FINDINGS =
  'The lungs are clear. No pleural effusion or pneumothorax. The heart size is normal and the mediastinal contours are within normal limits. No acute bony abnormality.';
export const NORMAL_CHEST_IMPRESSION = 'No acute cardiopulmonary abnormality.';
