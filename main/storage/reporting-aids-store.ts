// Templates and snippets in the report database (migration 7). A template's sections are JSON with a format version;
// names and triggers are unique regardless of case. Importing a shared file replaces aids of the same name or trigger
// and adds the others, in one transaction: a file that fails validation imports nothing.
import { SECTION_NAMES, type ReportSections } from '../../app/domain/report';
import {
  SnippetInput,
  TemplateInput,
  type AidsFile,
  type ReportingAids,
  type Snippet,
  type Template,
} from '../../app/report/reporting-aids';
import { AppError } from '../ipc/errors';
import type { Db } from './database';
import { guarded, transaction } from './guarded';
import { TEMPLATE_FORMAT_VERSION } from './template-format';

export class ReportingAidNotFoundError extends AppError {
  readonly code = 'not-found' as const;
  override name = 'ReportingAidNotFoundError';
}

export class ReportingAidConflictError extends AppError {
  readonly code = 'validation' as const;
  override name = 'ReportingAidConflictError';
}

interface TemplateRow {
  id: number;
  name: string;
  format_version: number;
  sections_json: string;
  updated_at: string;
}

interface SnippetRow {
  id: number;
  trigger: string;
  text: string;
  updated_at: string;
}

export interface ImportCounts {
  added: number;
  replaced: number;
}

export class ReportingAidsStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {}

  list(): ReportingAids {
    return guarded('The templates and snippets could not be read', () => {
      const templates = (this.db.prepare('SELECT * FROM report_templates ORDER BY name COLLATE NOCASE').all() as TemplateRow[]).flatMap((row) => {
        const sections = templateSections(row);
        return sections ? [{ id: row.id, name: row.name, sections, updatedAt: row.updated_at }] : [];
      });
      const snippets = (this.db.prepare('SELECT * FROM report_snippets ORDER BY trigger COLLATE NOCASE').all() as SnippetRow[]).map((row) => ({
        id: row.id,
        trigger: row.trigger,
        text: row.text,
        updatedAt: row.updated_at,
      }));
      return { templates, snippets };
    });
  }

  /** Adds a template (no id) or changes one; a name another template has is refused. */
  saveTemplate(input: TemplateInput, id?: number): Template {
    const clean = TemplateInput.parse(input);
    return transaction(this.db, 'The template could not be saved', () => {
      const other = this.db.prepare('SELECT id FROM report_templates WHERE name = ? COLLATE NOCASE').get(clean.name) as { id: number } | undefined;
      if (other && other.id !== id) throw new ReportingAidConflictError(`There is already a template named “${clean.name}”; choose another name.`);
      const at = this.now().toISOString();
      const json = JSON.stringify(onlyText(clean.sections));
      if (id === undefined) {
        const { lastInsertRowid } = this.db
          .prepare('INSERT INTO report_templates (name, format_version, sections_json, updated_at) VALUES (?, ?, ?, ?)')
          .run(clean.name, TEMPLATE_FORMAT_VERSION, json, at);
        return { id: Number(lastInsertRowid), name: clean.name, sections: onlyText(clean.sections), updatedAt: at };
      }
      const { changes } = this.db
        .prepare('UPDATE report_templates SET name = ?, format_version = ?, sections_json = ?, updated_at = ? WHERE id = ?')
        .run(clean.name, TEMPLATE_FORMAT_VERSION, json, at, id);
      if (changes === 0) throw new ReportingAidNotFoundError('This template was deleted meanwhile; add it again.');
      return { id, name: clean.name, sections: onlyText(clean.sections), updatedAt: at };
    });
  }

  deleteTemplate(id: number): void {
    transaction(this.db, 'The template could not be deleted', () => {
      if (this.db.prepare('DELETE FROM report_templates WHERE id = ?').run(id).changes === 0) throw new ReportingAidNotFoundError('This template was already deleted.');
    });
  }

  /** Adds a snippet (no id) or changes one; a trigger another snippet has is refused. */
  saveSnippet(input: SnippetInput, id?: number): Snippet {
    const clean = SnippetInput.parse(input);
    return transaction(this.db, 'The snippet could not be saved', () => {
      const other = this.db.prepare('SELECT id FROM report_snippets WHERE trigger = ? COLLATE NOCASE').get(clean.trigger) as { id: number } | undefined;
      if (other && other.id !== id) throw new ReportingAidConflictError(`The trigger ${clean.trigger} is already used by another snippet; choose another.`);
      const at = this.now().toISOString();
      if (id === undefined) {
        const { lastInsertRowid } = this.db.prepare('INSERT INTO report_snippets (trigger, text, updated_at) VALUES (?, ?, ?)').run(clean.trigger, clean.text, at);
        return { id: Number(lastInsertRowid), ...clean, updatedAt: at };
      }
      const { changes } = this.db.prepare('UPDATE report_snippets SET trigger = ?, text = ?, updated_at = ? WHERE id = ?').run(clean.trigger, clean.text, at, id);
      if (changes === 0) throw new ReportingAidNotFoundError('This snippet was deleted meanwhile; add it again.');
      return { id, ...clean, updatedAt: at };
    });
  }

  deleteSnippet(id: number): void {
    transaction(this.db, 'The snippet could not be deleted', () => {
      if (this.db.prepare('DELETE FROM report_snippets WHERE id = ?').run(id).changes === 0) throw new ReportingAidNotFoundError('This snippet was already deleted.');
    });
  }

  /** Imports a validated shared file: same name or trigger replaces, the rest is added; all or nothing. */
  importFile(file: AidsFile): { templates: ImportCounts; snippets: ImportCounts } {
    return transaction(this.db, 'The templates and snippets could not be imported', () => {
      const at = this.now().toISOString();
      const templates: ImportCounts = { added: 0, replaced: 0 };
      const snippets: ImportCounts = { added: 0, replaced: 0 };
      for (const t of file.templates) {
        const json = JSON.stringify(onlyText(t.sections));
        const updated = this.db
          .prepare('UPDATE report_templates SET format_version = ?, sections_json = ?, updated_at = ? WHERE name = ? COLLATE NOCASE')
          .run(TEMPLATE_FORMAT_VERSION, json, at, t.name).changes;
        if (updated > 0) templates.replaced++;
        else {
          this.db.prepare('INSERT INTO report_templates (name, format_version, sections_json, updated_at) VALUES (?, ?, ?, ?)').run(t.name, TEMPLATE_FORMAT_VERSION, json, at);
          templates.added++;
        }
      }
      for (const s of file.snippets) {
        const updated = this.db.prepare('UPDATE report_snippets SET text = ?, updated_at = ? WHERE trigger = ? COLLATE NOCASE').run(s.text, at, s.trigger).changes;
        if (updated > 0) snippets.replaced++;
        else {
          this.db.prepare('INSERT INTO report_snippets (trigger, text, updated_at) VALUES (?, ?, ?)').run(s.trigger, s.text, at);
          snippets.added++;
        }
      }
      return { templates, snippets };
    });
  }
}

/** Only the sections that hold text (an empty one would not change anything when applied). */
function onlyText(sections: Partial<ReportSections>): Partial<ReportSections> {
  const out: Partial<ReportSections> = {};
  for (const k of SECTION_NAMES) {
    const text = sections[k];
    if (text !== undefined && text.trim() !== '') out[k] = text;
  }
  return out;
}

/** A stored template's sections, or null when the row cannot be read (it is then not offered). */
function templateSections(row: TemplateRow): Partial<ReportSections> | null {
  if (row.format_version !== TEMPLATE_FORMAT_VERSION) return null;
  try {
    const parsed = TemplateInput.shape.sections.safeParse(JSON.parse(row.sections_json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
