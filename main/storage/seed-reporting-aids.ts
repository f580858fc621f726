// Database migration 7, the part that is data: a fresh reporting-aids table holds the normal chest template and its
// `.norm` snippet, so a department starts with one and can edit or delete it like its own.
import { NORMAL_CHEST_FINDINGS, NORMAL_CHEST_IMPRESSION } from '../../app/report/reporting-aids';
import type { Db } from './database';
import { TEMPLATE_FORMAT_VERSION } from './template-format';

export function seedReportingAids(db: Db, now: () => Date): void {
  const at = now().toISOString();
  db.prepare('INSERT INTO report_templates (name, format_version, sections_json, updated_at) VALUES (?, ?, ?, ?)').run(
    'Normal chest',
    TEMPLATE_FORMAT_VERSION,
    JSON.stringify({ findings: NORMAL_CHEST_FINDINGS, impression: NORMAL_CHEST_IMPRESSION }),
    at,
  );
  db.prepare('INSERT INTO report_snippets (trigger, text, updated_at) VALUES (?, ?, ?)').run('.norm', NORMAL_CHEST_FINDINGS, at);
}
