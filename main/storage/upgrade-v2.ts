// Database migration 4, the part SQL cannot do: stored version-1 report records become version 2
// (record-migrations.ts), and the revision history, one whole record per revision until now, becomes one whole copy
// per report followed by changes. A row that cannot be read is not a reason to refuse the database: report rows are
// left for the store to set aside on first read, history rows are set aside here.
import type { ReportRecord } from '../../app/domain/report';
import type { Db } from './database';
import { upgradeRecord } from './record-migrations';
import { appendRevision, recordFromRow, writeReportRow, type ReportRow } from './report-rows';

export function upgradeToRecordV2(db: Db, now: () => Date): void {
  for (const row of db.prepare('SELECT * FROM reports WHERE record_version = 1').all() as ReportRow[]) {
    let record: ReportRecord;
    try {
      record = recordFromRow(row);
    } catch {
      continue;
    }
    writeReportRow(db, record);
  }

  const setAside = db.prepare('INSERT INTO damaged_reports (study_instance_uid, found_at, reason, row_json) VALUES (?, ?, ?, ?)');
  const history = db.prepare('SELECT study_instance_uid, revision, record_json FROM report_history ORDER BY study_instance_uid, revision').all() as Array<{
    study_instance_uid: string;
    revision: number;
    record_json: string;
  }>;
  let study: string | null = null;
  let previous: ReportRecord | null = null;
  for (const row of history) {
    if (row.study_instance_uid !== study) {
      study = row.study_instance_uid;
      previous = null;
    }
    let record: ReportRecord;
    try {
      record = upgradeRecord(JSON.parse(row.record_json));
    } catch (error) {
      setAside.run(row.study_instance_uid, now().toISOString(), `revision ${row.revision} of the history could not be read: ${error instanceof Error ? error.message : String(error)}`, row.record_json);
      continue;
    }
    appendRevision(db, previous, record);
    previous = record;
  }
  db.exec('DROP TABLE report_history');
}
