// Report records: autosaved drafts with an optimistic revision check, AI drafts inserted and discarded, per-section
// review, signing, addenda, provenance, and a revision history stored as changes. Which text counts as unreviewed AI
// text is decided by app/report/review.ts; this store applies it and refuses what it forbids.
import {
  DraftProvenance,
  REPORT_RECORD_VERSION,
  SECTION_LABELS,
  SECTION_MAX_CHARS,
  SECTION_NAMES,
  ReportSections,
  emptySections,
  isEmptyReport,
  sameSections,
  sectionTooLongMessage,
  type Addendum,
  type ReportRecord,
  type SectionName,
  type SectionsAi,
} from '../../app/domain/report';
import { StudySummary } from '../../app/domain/study';
import { aiAfterAcceptance, aiAfterInsertion, aiAfterSave, draftInsertion, draftWouldReplaceClinicianText, hasAiText, sectionList, unreviewedAiSections } from '../../app/report/review';
import { AppError } from '../ipc/errors';
import { openDatabase, type Db } from './database';
import { guarded, transaction } from './guarded';
import { appendRevision, readRevisions, recordFromRow, writeReportRow, type ReportRow } from './report-rows';

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

/** A report (or addendum) with nothing in it cannot be signed. */
export class EmptyReportError extends AppError {
  readonly code = 'validation' as const;
  override name = 'EmptyReportError';
}

/** Text over the per-section limit, or an action the report's state does not allow (an addendum to a draft). */
export class ReportValidationError extends AppError {
  readonly code = 'validation' as const;
  override name = 'ReportValidationError';
}

/** Signing would pass AI text that no clinician accepted or edited. */
export class UnreviewedAiTextError extends AppError {
  readonly code = 'unreviewed' as const;
  override name = 'UnreviewedAiTextError';
  constructor(readonly sections: SectionName[]) {
    super(
      `${sectionList(sections)} still ${sections.length === 1 ? 'holds' : 'hold'} the AI draft as the model wrote it. Accept or edit ${sections.length === 1 ? 'it' : 'each of them'} before signing.`,
    );
  }
}

/** The stored report could not be read; it was set aside and the study starts a new report. */
export class DamagedReportError extends AppError {
  readonly code = 'damaged' as const;
  override name = 'DamagedReportError';
}

export interface SignRequest {
  signedBy: string;
  /** The text the clinician sees and signs; it must be the stored text. */
  sections: ReportSections;
  /** The revision that text was saved as. */
  baseRevision: number;
  /** Sections whose AI text the clinician accepted in the sign dialog. */
  accept: readonly SectionName[];
}

export interface SignAddendumRequest {
  signedBy: string;
  text: string;
  baseRevision: number;
}

/** The stored state of one study's report: its record, or why it could not be read. */
type Current = { record: ReportRecord | null; damaged: DamagedReportError | null };

export class ReportStore {
  private constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {}

  static open(filePath: string, now: () => Date = () => new Date(), busyTimeoutMs?: number): ReportStore {
    return new ReportStore(openDatabase(filePath, now, busyTimeoutMs), now);
  }

  /**
   * The stored report, or null. A row that cannot be read is set aside (table damaged_reports) and reported once
   * with a DamagedReportError; after that the study has no report and a new one can be written.
   */
  get(studyInstanceUid: string): ReportRecord | null {
    const current = transaction(this.db, 'The report could not be read', () => this.current(studyInstanceUid));
    if (current.damaged) throw current.damaged;
    return current.record;
  }

  /**
   * Writes the sections if `baseRevision` is the stored revision (0 for a report not yet saved). Synchronous and
   * committed (fsynced) before it returns, so an acknowledged save survives the app being killed. `accept` lists
   * sections whose AI text the clinician accepted as it stands.
   */
  save(studyInstanceUid: string, sections: ReportSections, baseRevision: number, accept: readonly SectionName[] = []): ReportRecord {
    checkLengths(sections);
    return transaction(this.db, 'The report could not be saved', () => {
      const { record: current, damaged } = this.current(studyInstanceUid);
      this.checkEditable(current);
      // A damaged stored row has no revision to conflict with: the text on screen is saved in its place.
      if (!damaged) this.checkRevision(current, baseRevision);
      const at = this.now().toISOString();
      const clean = ReportSections.parse(sections);
      const next: ReportRecord = {
        version: REPORT_RECORD_VERSION,
        studyInstanceUid,
        sections: clean,
        status: 'draft',
        signedBy: null,
        signedAt: null,
        createdAt: current?.createdAt ?? at,
        updatedAt: at,
        revision: (damaged ? baseRevision : (current?.revision ?? 0)) + 1,
        provenance: current?.provenance ?? null,
        ai: aiAfterSave(clean, aiAfterAcceptance(clean, current?.ai ?? {}, accept)),
        undo: current?.undo ?? null,
        addenda: [],
      };
      this.put(current, next);
      return next;
    });
  }

  /**
   * Puts the finished draft `draftId` into the report, as app/report/review.ts's draftInsertion says, and marks the
   * filled sections as unreviewed AI text. What they held before is kept so discardDraft can restore it.
   */
  insertDraft(studyInstanceUid: string, draftId: string, baseRevision: number): ReportRecord {
    return transaction(this.db, 'The AI draft could not be put into the report', () => {
      const { record: current } = this.current(studyInstanceUid);
      const provenance = current?.provenance;
      if (!current || !provenance || provenance.draftId !== draftId) {
        throw new ReportConflictError('This AI draft is no longer the latest one for the report; draft again.');
      }
      this.checkEditable(current);
      this.checkRevision(current, baseRevision);
      const patch = draftInsertion(current.sections, provenance.aiDraft);
      const filled = Object.keys(patch) as SectionName[];
      const undoAi: SectionsAi = {};
      for (const k of filled) if (current.ai[k]) undoAi[k] = current.ai[k];
      const next: ReportRecord = {
        ...current,
        sections: { ...current.sections, ...patch },
        ai: aiAfterInsertion(current.ai, patch, provenance.startedAt),
        undo: { sections: Object.fromEntries(filled.map((k) => [k, current.sections[k]])), ai: undoAi },
        updatedAt: this.now().toISOString(),
        revision: current.revision + 1,
      };
      this.put(current, next);
      return next;
    });
  }

  /** Takes the last inserted draft out again: the sections it filled get back the text (and AI marks) they had. */
  discardDraft(studyInstanceUid: string, baseRevision: number): ReportRecord {
    return transaction(this.db, 'The AI draft could not be discarded', () => {
      const { record: current } = this.current(studyInstanceUid);
      if (!current) throw new ReportNotFoundError('There is no report for this study yet.');
      this.checkEditable(current);
      this.checkRevision(current, baseRevision);
      const undo = current.undo;
      if (!undo) throw new ReportValidationError('There is no inserted AI draft to discard.');
      const ai: SectionsAi = { ...current.ai };
      for (const k of SECTION_NAMES) {
        if (undo.sections[k] === undefined) continue;
        if (undo.ai[k]) ai[k] = undo.ai[k];
        else delete ai[k];
      }
      const next: ReportRecord = {
        ...current,
        sections: { ...current.sections, ...undo.sections },
        ai,
        undo: null,
        updatedAt: this.now().toISOString(),
        revision: current.revision + 1,
      };
      this.put(current, next);
      return next;
    });
  }

  /**
   * Signs exactly the text the clinician sees: `sections` and `baseRevision` must be the stored ones. Refuses an
   * empty report and any AI text still unreviewed after the sign dialog's acceptances.
   */
  sign(studyInstanceUid: string, request: SignRequest): ReportRecord {
    return transaction(this.db, 'The report could not be signed', () => {
      const { record: current } = this.current(studyInstanceUid);
      if (!current) throw new ReportNotFoundError('There is no report to sign for this study yet; write and save it first.');
      if (current.status === 'final') throw new ReportSignedError(`This report is already signed by ${current.signedBy ?? 'a clinician'}.`);
      if (current.revision !== request.baseRevision || !sameSections(current.sections, request.sections)) {
        throw new ReportConflictError('The report changed after you asked to sign it, so the text on screen is not what is stored. Look at the report again and sign once more.');
      }
      if (isEmptyReport(current.sections)) throw new EmptyReportError('An empty report cannot be signed: write the findings or the impression first.');
      const ai = aiAfterAcceptance(current.sections, current.ai, request.accept);
      const unreviewed = unreviewedAiSections(current.sections, ai);
      if (unreviewed.length > 0) throw new UnreviewedAiTextError(unreviewed);
      const at = this.now().toISOString();
      const next: ReportRecord = {
        ...current,
        status: 'final',
        signedBy: request.signedBy.trim(),
        signedAt: at,
        updatedAt: at,
        revision: current.revision + 1,
        ai,
        undo: null,
      };
      this.put(current, next);
      return next;
    });
  }

  /** Writes the text of the signed report's addendum in progress (a new one when none is); '' removes it. */
  saveAddendum(studyInstanceUid: string, text: string, baseRevision: number): ReportRecord {
    if (text.length > SECTION_MAX_CHARS) throw new ReportValidationError(sectionTooLongMessage('The addendum', text.length));
    return transaction(this.db, 'The addendum could not be saved', () => {
      const current = this.signedReport(studyInstanceUid, 'An addendum is added to a signed report; this report is not signed yet, so edit it directly.');
      this.checkRevision(current, baseRevision);
      const at = this.now().toISOString();
      const addenda = [...current.addenda];
      const last = addenda[addenda.length - 1];
      if (last?.status === 'draft') {
        if (text.trim() === '') addenda.pop();
        else addenda[addenda.length - 1] = { ...last, text, updatedAt: at };
      } else if (text.trim() !== '') {
        addenda.push({ text, status: 'draft', createdAt: at, updatedAt: at, signedBy: null, signedAt: null });
      } else {
        return current;
      }
      const next: ReportRecord = { ...current, addenda, updatedAt: at, revision: current.revision + 1 };
      this.put(current, next);
      return next;
    });
  }

  /** Signs the addendum in progress, exactly as the clinician sees it, with its own time. */
  signAddendum(studyInstanceUid: string, request: SignAddendumRequest): ReportRecord {
    return transaction(this.db, 'The addendum could not be signed', () => {
      const current = this.signedReport(studyInstanceUid, 'This report is not signed yet: sign the report itself.');
      const addenda = [...current.addenda];
      const last: Addendum | undefined = addenda[addenda.length - 1];
      if (!last || last.status !== 'draft') throw new ReportNotFoundError('There is no unsigned addendum to sign.');
      if (current.revision !== request.baseRevision || last.text !== request.text) {
        throw new ReportConflictError('The addendum changed after you asked to sign it. Look at it again and sign once more.');
      }
      if (last.text.trim() === '') throw new EmptyReportError('An empty addendum cannot be signed: write it first.');
      const at = this.now().toISOString();
      addenda[addenda.length - 1] = { ...last, status: 'final', signedBy: request.signedBy.trim(), signedAt: at, updatedAt: at };
      const next: ReportRecord = { ...current, addenda, updatedAt: at, revision: current.revision + 1 };
      this.put(current, next);
      return next;
    });
  }

  /**
   * Records what the model wrote. Does not bump the revision: the sections the editor holds are unchanged, and the
   * editor's next save must not conflict with this bookkeeping. The text goes into the report with insertDraft.
   */
  recordProvenance(studyInstanceUid: string, provenance: DraftProvenance): ReportRecord {
    return transaction(this.db, 'The AI draft provenance could not be saved', () => {
      const { record: current } = this.current(studyInstanceUid);
      if (current?.status === 'final') throw new ReportSignedError('This report is signed; a new draft cannot be attached to it.');
      const at = this.now().toISOString();
      const parsed = DraftProvenance.parse(provenance);
      const next: ReportRecord = current
        ? { ...current, provenance: parsed, updatedAt: at }
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
            provenance: parsed,
            ai: {},
            undo: null,
            addenda: [],
          };
      this.put(current, next);
      this.db
        .prepare('INSERT INTO draft_history (study_instance_uid, recorded_at, provenance_json) VALUES (?, ?, ?)')
        .run(studyInstanceUid, at, JSON.stringify(parsed));
      return next;
    });
  }

  /**
   * A draft made in the background (pre-drafting) goes in exactly as an interactive one does: its provenance is
   * recorded, then it is inserted as unreviewed AI text (insertDraft), in one transaction. Only into a report nobody
   * has written in yet: one with the clinician's text, AI text or an earlier draft, or a signed one, is left as it is
   * (null is answered), so a background draft never replaces anything.
   */
  recordBackgroundDraft(studyInstanceUid: string, provenance: DraftProvenance): ReportRecord | null {
    return transaction(this.db, 'The AI draft could not be stored', () => {
      const { record: current } = this.current(studyInstanceUid);
      if (current && (current.status === 'final' || current.provenance !== null || draftWouldReplaceClinicianText(current.sections, current.ai) || hasAiText(current.sections, current.ai))) {
        return null;
      }
      const recorded = this.recordProvenance(studyInstanceUid, provenance);
      return this.insertDraft(studyInstanceUid, provenance.draftId, recorded.revision);
    });
  }

  /** Every AI draft recorded for the study, oldest first: a new draft replaces the report's provenance, not this. */
  draftHistory(studyInstanceUid: string): DraftProvenance[] {
    return guarded('The AI draft history could not be read', () => {
      const rows = this.db.prepare('SELECT provenance_json FROM draft_history WHERE study_instance_uid = ? ORDER BY id').all(studyInstanceUid) as { provenance_json: string }[];
      return rows.map((r) => DraftProvenance.parse(JSON.parse(r.provenance_json)));
    });
  }

  /** Every stored state of the report, oldest first (audit trail), rebuilt from the stored changes. */
  history(studyInstanceUid: string): ReportRecord[] {
    return guarded('The report history could not be read', () => readRevisions(this.db, studyInstanceUid));
  }

  /**
   * Every signed report, oldest signature first; `since` (ISO date or timestamp) keeps those signed on or after it,
   * `latest` only the most recently signed that many.
   */
  signedReports(since?: string, latest?: number): ReportRecord[] {
    return transaction(this.db, 'The signed reports could not be read', () => {
      const rows = this.db
        .prepare(
          "SELECT study_instance_uid FROM reports WHERE status = 'final' AND (@since IS NULL OR signed_at >= @since) ORDER BY signed_at DESC, study_instance_uid DESC LIMIT @limit",
        )
        .all({ since: since ?? null, limit: latest ?? -1 }) as { study_instance_uid: string }[];
      // A row that cannot be read is set aside as get() does; the others are still listed.
      return rows
        .reverse()
        .map((r) => this.current(r.study_instance_uid).record)
        .filter((r): r is ReportRecord => r !== null);
    });
  }

  /** Changes whenever a report is signed (signed reports are never edited: addenda are written beside them). */
  signedReportsStamp(): string {
    return guarded('The signed reports could not be read', () => {
      const row = this.db.prepare("SELECT count(*) AS n, max(signed_at) AS last FROM reports WHERE status = 'final'").get() as { n: number; last: string | null };
      return `${row.n}@${row.last ?? ''}`;
    });
  }

  /**
   * Keeps the study's identifiers and where its images are, so a report can be exported after a restart (and by
   * `radraft export`) without reopening the study: the DICOM SR references the images and reads their headers.
   */
  rememberStudy(summary: StudySummary): void {
    transaction(this.db, 'The study could not be remembered', () => {
      this.db
        .prepare('INSERT INTO studies (study_instance_uid, summary_json, updated_at) VALUES (?, ?, ?) ON CONFLICT(study_instance_uid) DO UPDATE SET summary_json = excluded.summary_json, updated_at = excluded.updated_at')
        .run(summary.studyInstanceUid, JSON.stringify(summary), this.now().toISOString());
    });
  }

  /** The remembered identifiers, or null when none are stored or the stored ones cannot be read. */
  rememberedStudy(studyInstanceUid: string): StudySummary | null {
    const row = guarded('The study could not be read', () =>
      this.db.prepare('SELECT summary_json FROM studies WHERE study_instance_uid = ?').get(studyInstanceUid) as { summary_json: string } | undefined,
    );
    if (!row) return null;
    try {
      return StudySummary.parse(JSON.parse(row.summary_json));
    } catch {
      // Only the export header's identifiers depend on it; they print as "not recorded", never as garbage.
      return null;
    }
  }

  /** Every remembered study whose files name this Patient ID (candidates for its priors: app/domain/priors.ts). */
  rememberedStudiesOf(patientId: string): StudySummary[] {
    if (patientId.trim() === '') return [];
    const rows = guarded('The remembered studies could not be read', () =>
      this.db.prepare("SELECT summary_json FROM studies WHERE json_extract(summary_json, '$.patientId') = ?").all(patientId) as { summary_json: string }[],
    );
    return rows.flatMap((row) => {
      const parsed = StudySummary.safeParse(safeJson(row.summary_json));
      return parsed.success ? [parsed.data] : [];
    });
  }

  /** The stored reports of these studies (a row that cannot be read counts as none), for the study list's status. */
  reportsOf(studyInstanceUids: readonly string[]): Map<string, ReportRecord> {
    const out = new Map<string, ReportRecord>();
    if (studyInstanceUids.length === 0) return out;
    const rows = guarded('The reports could not be read', () => {
      const select = this.db.prepare('SELECT * FROM reports WHERE study_instance_uid = ?');
      return studyInstanceUids.map((uid) => select.get(uid) as ReportRow | undefined);
    });
    for (const row of rows) {
      if (!row) continue;
      try {
        out.set(row.study_instance_uid, recordFromRow(row));
      } catch {
        // get() sets a damaged row aside and says so when the study is opened; the list shows it as unreported.
      }
    }
    return out;
  }

  /** The open database, for the stores that share its file (measurements, reporting aids). */
  get database(): Db {
    return this.db;
  }

  getSetting(key: string): unknown {
    const row = guarded('A setting could not be read', () =>
      this.db.prepare('SELECT value_json FROM settings WHERE key = ?').get(key) as { value_json: string } | undefined,
    );
    return row ? (JSON.parse(row.value_json) as unknown) : undefined;
  }

  setSetting(key: string, value: unknown): void {
    transaction(this.db, 'A setting could not be saved', () => {
      this.db
        .prepare('INSERT INTO settings (key, value_json) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value_json = excluded.value_json')
        .run(key, JSON.stringify(value));
    });
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Reads the study's row; one that cannot be read is moved to damaged_reports (call inside a write transaction). */
  private current(studyInstanceUid: string): Current {
    const row = this.db.prepare('SELECT * FROM reports WHERE study_instance_uid = ?').get(studyInstanceUid) as ReportRow | undefined;
    if (!row) return { record: null, damaged: null };
    try {
      return { record: recordFromRow(row), damaged: null };
    } catch (error) {
      const reason = error instanceof SyntaxError ? 'it is not valid JSON' : `it does not match the report format (${firstIssue(error)})`;
      this.db
        .prepare('INSERT INTO damaged_reports (study_instance_uid, found_at, reason, row_json) VALUES (?, ?, ?, ?)')
        .run(studyInstanceUid, this.now().toISOString(), reason, JSON.stringify(row));
      this.db.prepare('DELETE FROM reports WHERE study_instance_uid = ?').run(studyInstanceUid);
      return {
        record: null,
        damaged: new DamagedReportError(
          `The stored report for this study could not be read: ${reason} (record version ${row.record_version}, revision ${row.revision}). It was set aside in the database (table damaged_reports) for IT to recover, and an empty report was started; what you write now is saved as usual.`,
        ),
      };
    }
  }

  private signedReport(studyInstanceUid: string, notSigned: string): ReportRecord {
    const { record } = this.current(studyInstanceUid);
    if (!record) throw new ReportNotFoundError('There is no report for this study yet.');
    if (record.status !== 'final') throw new ReportValidationError(notSigned);
    return record;
  }

  private checkEditable(current: ReportRecord | null): void {
    if (current?.status === 'final') {
      throw new ReportSignedError(`This report was signed by ${current.signedBy ?? 'a clinician'} and is never edited in place; write an addendum instead.`);
    }
  }

  private checkRevision(current: ReportRecord | null, baseRevision: number): void {
    const currentRevision = current?.revision ?? 0;
    if (baseRevision !== currentRevision) {
      throw new ReportConflictError(
        `The report changed elsewhere (saved revision ${currentRevision}, this editor had ${baseRevision}). Reload the report before editing.`,
      );
    }
  }

  private put(previous: ReportRecord | null, record: ReportRecord): void {
    writeReportRow(this.db, record);
    appendRevision(this.db, previous, record);
  }
}

function checkLengths(sections: ReportSections): void {
  for (const k of SECTION_NAMES) {
    if (sections[k].length > SECTION_MAX_CHARS) throw new ReportValidationError(sectionTooLongMessage(SECTION_LABELS[k], sections[k].length));
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

function firstIssue(error: unknown): string {
  const issues = (error as { issues?: Array<{ path: PropertyKey[]; message: string }> }).issues;
  const issue = issues?.[0];
  if (issue) return `${issue.path.map(String).join('.') || 'record'}: ${issue.message}`;
  return error instanceof Error ? error.message : String(error);
}
