// How a report record is laid out in SQLite: the `reports` row (the current state) and the `report_revisions` rows
// (its history, each revision stored as the changes since the one before; see revision-delta.ts). Shared by the
// store and the version-2 database upgrade.
import type { ReportRecord } from '../../app/domain/report';
import type { Db } from './database';
import { upgradeRecord } from './record-migrations';
import { applyRecordDelta, recordDelta, type RecordDelta } from './revision-delta';

export interface ReportRow {
  study_instance_uid: string;
  record_version: number;
  sections_json: string;
  status: string;
  signed_by: string | null;
  signed_at: string | null;
  created_at: string;
  updated_at: string;
  revision: number;
  provenance_json: string | null;
  ai_json: string | null;
  undo_json: string | null;
  addenda_json: string | null;
}

/** The record a row holds, upgraded to the current version; throws (SyntaxError, ZodError) when it holds none. */
export function recordFromRow(row: ReportRow): ReportRecord {
  const json = (text: string | null): unknown => (text === null ? null : (JSON.parse(text) as unknown));
  return upgradeRecord({
    version: row.record_version,
    studyInstanceUid: row.study_instance_uid,
    sections: json(row.sections_json),
    status: row.status,
    signedBy: row.signed_by,
    signedAt: row.signed_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    revision: row.revision,
    provenance: json(row.provenance_json),
    ...(row.record_version === 1 ? {} : { ai: json(row.ai_json), undo: json(row.undo_json), addenda: json(row.addenda_json) }),
  });
}

export function writeReportRow(db: Db, record: ReportRecord): void {
  db.prepare(
    `INSERT INTO reports (study_instance_uid, record_version, sections_json, status, signed_by, signed_at, created_at, updated_at, revision, provenance_json, ai_json, undo_json, addenda_json)
     VALUES (@uid, @version, @sections, @status, @signedBy, @signedAt, @createdAt, @updatedAt, @revision, @provenance, @ai, @undo, @addenda)
     ON CONFLICT(study_instance_uid) DO UPDATE SET record_version = excluded.record_version, sections_json = excluded.sections_json,
       status = excluded.status, signed_by = excluded.signed_by, signed_at = excluded.signed_at, created_at = excluded.created_at,
       updated_at = excluded.updated_at, revision = excluded.revision, provenance_json = excluded.provenance_json,
       ai_json = excluded.ai_json, undo_json = excluded.undo_json, addenda_json = excluded.addenda_json`,
  ).run({
    uid: record.studyInstanceUid,
    version: record.version,
    sections: JSON.stringify(record.sections),
    status: record.status,
    signedBy: record.signedBy,
    signedAt: record.signedAt,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    revision: record.revision,
    provenance: record.provenance ? JSON.stringify(record.provenance) : null,
    ai: JSON.stringify(record.ai),
    undo: record.undo ? JSON.stringify(record.undo) : null,
    addenda: JSON.stringify(record.addenda),
  });
}

/**
 * Appends `next` to the study's history: whole when there is no earlier state to build on (a new report, or one
 * started again after its stored row was found damaged), otherwise only what changed since `previous`.
 */
export function appendRevision(db: Db, previous: ReportRecord | null, next: ReportRecord): void {
  const [kind, data] = previous ? (['delta', recordDelta(previous, next)] as const) : (['full', next] as const);
  db.prepare('INSERT INTO report_revisions (study_instance_uid, revision, saved_at, kind, data_json) VALUES (?, ?, ?, ?, ?)').run(
    next.studyInstanceUid,
    next.revision,
    next.updatedAt,
    kind,
    JSON.stringify(data),
  );
}

interface RevisionRow {
  kind: 'full' | 'delta';
  data_json: string;
}

/** Every stored state of the study's report, oldest first, rebuilt from the first whole copy and the changes after it. */
export function readRevisions(db: Db, studyInstanceUid: string): ReportRecord[] {
  const rows = db.prepare('SELECT kind, data_json FROM report_revisions WHERE study_instance_uid = ? ORDER BY id').all(studyInstanceUid) as RevisionRow[];
  const out: ReportRecord[] = [];
  let state: ReportRecord | null = null;
  for (const row of rows) {
    const data = JSON.parse(row.data_json) as unknown;
    if (row.kind === 'full') state = upgradeRecord(data);
    else if (state) state = upgradeRecord(applyRecordDelta(state, data as RecordDelta));
    else throw new Error('a stored change has no earlier revision to apply to');
    out.push(state);
  }
  return out;
}
