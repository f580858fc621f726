// Report records: autosaved drafts with an optimistic revision check, signing, provenance, and a revision history.
import { DraftProvenance, REPORT_RECORD_VERSION, ReportRecord, ReportSections, emptySections } from '../../app/domain/report';
import { StudySummary } from '../../app/domain/study';
import { AppError } from '../ipc/errors';
import { openDatabase, storageError, StorageError, type Db } from './database';

export class ReportConflictError extends AppError {
  readonly code = 'conflict' as const;
  override name = 'ReportConflictError';
}

export class ReportSignedError extends AppError {
  readonly code = 'signed' as const;
  override name = 'ReportSignedError';
}

export class ReportNotFoundError extends AppError {
  readonly code = 'not-found' as const;
  override name = 'ReportNotFoundError';
}

interface ReportRow {
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
}

export class ReportStore {
  private constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {}

  static open(filePath: string, now: () => Date = () => new Date(), busyTimeoutMs?: number): ReportStore {
    return new ReportStore(openDatabase(filePath, now, busyTimeoutMs), now);
  }

  get(studyInstanceUid: string): ReportRecord | null {
    const row = this.guard('The report could not be read', () =>
      this.db.prepare('SELECT * FROM reports WHERE study_instance_uid = ?').get(studyInstanceUid) as ReportRow | undefined,
    );
    return row ? recordOf(row) : null;
  }

  /**
   * Writes the sections if `baseRevision` is the stored revision (0 for a report not yet saved). Synchronous and
   * committed (fsynced) before it returns, so an acknowledged save survives the app being killed.
   * `acceptAi` records that the clinician accepted the AI text as it stands (reviewed without edits).
   */
  save(studyInstanceUid: string, sections: ReportSections, baseRevision: number, acceptAi = false): ReportRecord {
    return this.write('The report could not be saved', () => {
      const current = this.get(studyInstanceUid);
      const currentRevision = current?.revision ?? 0;
      if (current?.status === 'final') {
        throw new ReportSignedError(`This report was signed by ${current.signedBy ?? 'a clinician'} and can no longer be edited.`);
      }
      if (baseRevision !== currentRevision) {
        throw new ReportConflictError(
          `The report changed elsewhere (saved revision ${currentRevision}, this editor had ${baseRevision}). Reload the report before editing.`,
        );
      }
      const at = this.now().toISOString();
      const provenance = current?.provenance ? markReviewed(current.provenance, sections, acceptAi) : null;
      const next: ReportRecord = {
        version: REPORT_RECORD_VERSION,
        studyInstanceUid,
        sections: ReportSections.parse(sections),
        status: 'draft',
        signedBy: null,
        signedAt: null,
        createdAt: current?.createdAt ?? at,
        updatedAt: at,
        revision: currentRevision + 1,
        provenance,
      };
      this.put(next);
      return next;
    });
  }

  sign(studyInstanceUid: string, signedBy: string): ReportRecord {
    return this.write('The report could not be signed', () => {
      const current = this.get(studyInstanceUid);
      if (!current) throw new ReportNotFoundError('There is no report to sign for this study yet; write and save it first.');
      if (current.status === 'final') throw new ReportSignedError(`This report is already signed by ${current.signedBy ?? 'a clinician'}.`);
      const { findings, impression } = current.sections;
      if (findings.trim() === '' && impression.trim() === '') {
        throw new ReportConflictError('An empty report cannot be signed: write the findings or the impression first.');
      }
      const at = this.now().toISOString();
      const next: ReportRecord = {
        ...current,
        status: 'final',
        signedBy: signedBy.trim(),
        signedAt: at,
        updatedAt: at,
        revision: current.revision + 1,
        provenance: current.provenance ? { ...current.provenance, reviewed: true } : null,
      };
      this.put(next);
      return next;
    });
  }

  /**
   * Records what the model wrote. Does not bump the revision: the sections the editor holds are unchanged, and the
   * editor's next save must not conflict with this bookkeeping.
   */
  recordProvenance(studyInstanceUid: string, provenance: DraftProvenance): ReportRecord {
    return this.write('The AI draft provenance could not be saved', () => {
      const current = this.get(studyInstanceUid);
      if (current?.status === 'final') throw new ReportSignedError('This report is signed; a new draft cannot be attached to it.');
      const at = this.now().toISOString();
      const next: ReportRecord = current
        ? { ...current, provenance: DraftProvenance.parse(provenance), updatedAt: at }
        : {
            version: REPORT_RECORD_VERSION,
            studyInstanceUid,
            sections: emptySections(),
            status: 'draft',
            signedBy: null,
            signedAt: null,
            createdAt: at,
            updatedAt: at,
            revision: 0,
            provenance: DraftProvenance.parse(provenance),
          };
      this.put(next);
      this.db
        .prepare('INSERT INTO draft_history (study_instance_uid, recorded_at, provenance_json) VALUES (?, ?, ?)')
        .run(studyInstanceUid, at, JSON.stringify(next.provenance));
      return next;
    });
  }

  /** Every AI draft recorded for the study, oldest first: a new draft replaces the report's provenance, not this. */
  draftHistory(studyInstanceUid: string): DraftProvenance[] {
    const rows = this.guard('The AI draft history could not be read', () =>
      this.db.prepare('SELECT provenance_json FROM draft_history WHERE study_instance_uid = ? ORDER BY id').all(studyInstanceUid) as { provenance_json: string }[],
    );
    return rows.map((r) => DraftProvenance.parse(JSON.parse(r.provenance_json)));
  }

  /** Earlier revisions, oldest first (audit trail). */
  history(studyInstanceUid: string): ReportRecord[] {
    const rows = this.guard('The report history could not be read', () =>
      this.db.prepare('SELECT record_json FROM report_history WHERE study_instance_uid = ? ORDER BY revision').all(studyInstanceUid) as { record_json: string }[],
    );
    return rows.map((r) => ReportRecord.parse(JSON.parse(r.record_json)));
  }

  /** Keeps the study's identifiers so a report can be exported after a restart without reopening its files. */
  rememberStudy(summary: StudySummary): void {
    const { images: _images, ...identity } = summary;
    this.write('The study could not be remembered', () => {
      this.db
        .prepare('INSERT INTO studies (study_instance_uid, summary_json, updated_at) VALUES (?, ?, ?) ON CONFLICT(study_instance_uid) DO UPDATE SET summary_json = excluded.summary_json, updated_at = excluded.updated_at')
        .run(summary.studyInstanceUid, JSON.stringify({ ...identity, images: [] }), this.now().toISOString());
    });
  }

  rememberedStudy(studyInstanceUid: string): StudySummary | null {
    const row = this.guard('The study could not be read', () =>
      this.db.prepare('SELECT summary_json FROM studies WHERE study_instance_uid = ?').get(studyInstanceUid) as { summary_json: string } | undefined,
    );
    return row ? StudySummary.parse(JSON.parse(row.summary_json)) : null;
  }

  getSetting(key: string): unknown {
    const row = this.guard('A setting could not be read', () =>
      this.db.prepare('SELECT value_json FROM settings WHERE key = ?').get(key) as { value_json: string } | undefined,
    );
    return row ? (JSON.parse(row.value_json) as unknown) : undefined;
  }

  setSetting(key: string, value: unknown): void {
    this.write('A setting could not be saved', () => {
      this.db
        .prepare('INSERT INTO settings (key, value_json) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value_json = excluded.value_json')
        .run(key, JSON.stringify(value));
    });
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private put(record: ReportRecord): void {
    this.db
      .prepare(
        `INSERT INTO reports (study_instance_uid, record_version, sections_json, status, signed_by, signed_at, created_at, updated_at, revision, provenance_json)
         VALUES (@uid, @version, @sections, @status, @signedBy, @signedAt, @createdAt, @updatedAt, @revision, @provenance)
         ON CONFLICT(study_instance_uid) DO UPDATE SET record_version = excluded.record_version, sections_json = excluded.sections_json,
           status = excluded.status, signed_by = excluded.signed_by, signed_at = excluded.signed_at, updated_at = excluded.updated_at,
           revision = excluded.revision, provenance_json = excluded.provenance_json`,
      )
      .run({
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
      });
    this.db
      .prepare('INSERT OR REPLACE INTO report_history (study_instance_uid, revision, saved_at, record_json) VALUES (?, ?, ?, ?)')
      .run(record.studyInstanceUid, record.revision, record.updatedAt, JSON.stringify(record));
  }

  /** One immediate transaction: the read-check-write of a save cannot interleave with another writer. */
  private write<T>(what: string, body: () => T): T {
    return this.guard(what, () => this.db.transaction(body).immediate());
  }

  private guard<T>(what: string, body: () => T): T {
    try {
      return body();
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw storageError(what, error);
    }
  }
}

function recordOf(row: ReportRow): ReportRecord {
  const parsed = ReportRecord.safeParse({
    version: row.record_version,
    studyInstanceUid: row.study_instance_uid,
    sections: JSON.parse(row.sections_json) as unknown,
    status: row.status,
    signedBy: row.signed_by,
    signedAt: row.signed_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    revision: row.revision,
    provenance: row.provenance_json ? (JSON.parse(row.provenance_json) as unknown) : null,
  });
  if (!parsed.success) {
    throw new StorageError(`A stored report (record version ${row.record_version}) could not be read by this version of Radraft: ${parsed.error.issues[0]?.message ?? 'invalid'}.`);
  }
  return parsed.data;
}

/** The clinician has reviewed the AI text once any section the model wrote differs from what it wrote. */
function markReviewed(provenance: DraftProvenance, sections: ReportSections, accepted: boolean): DraftProvenance {
  if (provenance.reviewed) return provenance;
  if (accepted) return { ...provenance, reviewed: true };
  const edited = (Object.keys(provenance.aiDraft) as (keyof ReportSections)[]).some((k) => (provenance.aiDraft[k] ?? '') !== sections[k]);
  return edited ? { ...provenance, reviewed: true } : provenance;
}
