// The hospital integration's rows in the report database (migration 5): which cached file holds which instance, when
// each cached study was last used (the purge order), the pre-drafting queue, and the PACS nodes' secrets (encrypted by
// the operating system, or plain only when the clinician asked). Its own connection to the same SQLite file (WAL).
import { PredraftJob, PredraftSource, PredraftState } from '../../app/domain/pacs';
import { openDatabase, type Db } from '../storage/database';
import { guarded } from '../storage/guarded';

export interface CachedInstance {
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  filePath: string;
  bytes: number;
}

export interface CachedStudyUse {
  studyInstanceUid: string;
  lastUsedAt: string;
  bytes: number;
}

export type SecretScheme = 'os-encrypted' | 'plain';

interface JobRow {
  study_instance_uid: string;
  source_json: string;
  state: string;
  reason: string | null;
  patient_name: string;
  accession_number: string;
  priority: number;
  enqueued_at: string;
  updated_at: string;
}

export type StoredJob = PredraftJob & { priority: number };

export class PacsStore {
  private constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {}

  static open(filePath: string, now: () => Date = () => new Date()): PacsStore {
    return new PacsStore(openDatabase(filePath, now), now);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  // ---------------------------------------------------------------- cache index

  /** Records (or replaces) where an instance is; answers the file it replaced, if it was another one. */
  recordInstance(instance: CachedInstance): string | null {
    return guarded('The image cache could not be updated', () =>
      this.db.transaction(() => {
        const previous = this.db.prepare('SELECT file_path FROM pacs_instances WHERE sop_instance_uid = ?').get(instance.sopInstanceUid) as { file_path: string } | undefined;
        this.db
          .prepare(
            `INSERT INTO pacs_instances (sop_instance_uid, study_instance_uid, series_instance_uid, file_path, bytes, stored_at) VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT(sop_instance_uid) DO UPDATE SET study_instance_uid = excluded.study_instance_uid, series_instance_uid = excluded.series_instance_uid,
             file_path = excluded.file_path, bytes = excluded.bytes, stored_at = excluded.stored_at`,
          )
          .run(instance.sopInstanceUid, instance.studyInstanceUid, instance.seriesInstanceUid, instance.filePath, instance.bytes, this.now().toISOString());
        this.touchStudyInTx(instance.studyInstanceUid);
        return previous && previous.file_path !== instance.filePath ? previous.file_path : null;
      })(),
    );
  }

  instancesOfStudy(studyInstanceUid: string): CachedInstance[] {
    return guarded('The image cache could not be read', () =>
      (
        this.db.prepare('SELECT * FROM pacs_instances WHERE study_instance_uid = ? ORDER BY series_instance_uid, sop_instance_uid').all(studyInstanceUid) as {
          sop_instance_uid: string;
          study_instance_uid: string;
          series_instance_uid: string;
          file_path: string;
          bytes: number;
        }[]
      ).map((r) => ({ sopInstanceUid: r.sop_instance_uid, studyInstanceUid: r.study_instance_uid, seriesInstanceUid: r.series_instance_uid, filePath: r.file_path, bytes: r.bytes })),
    );
  }

  /** Studies with at least one cached instance. */
  cachedStudies(): Set<string> {
    return guarded('The image cache could not be read', () => new Set((this.db.prepare('SELECT DISTINCT study_instance_uid AS s FROM pacs_instances').all() as { s: string }[]).map((r) => r.s)));
  }

  /** The study was opened, retrieved or drafted now: it goes to the back of the purge order. */
  touchStudy(studyInstanceUid: string): void {
    guarded('The image cache could not be updated', () => this.touchStudyInTx(studyInstanceUid));
  }

  private touchStudyInTx(studyInstanceUid: string): void {
    this.db
      .prepare('INSERT INTO pacs_studies (study_instance_uid, last_used_at) VALUES (?, ?) ON CONFLICT(study_instance_uid) DO UPDATE SET last_used_at = excluded.last_used_at')
      .run(studyInstanceUid, this.now().toISOString());
  }

  usedBytes(): number {
    return guarded('The image cache could not be read', () => (this.db.prepare('SELECT COALESCE(SUM(bytes), 0) AS n FROM pacs_instances').get() as { n: number }).n);
  }

  /** Cached studies, least recently used first, with their size. */
  studiesByLastUse(): CachedStudyUse[] {
    return guarded('The image cache could not be read', () =>
      (
        this.db
          .prepare(
            `SELECT i.study_instance_uid AS study, COALESCE(s.last_used_at, MIN(i.stored_at)) AS used, SUM(i.bytes) AS bytes
             FROM pacs_instances i LEFT JOIN pacs_studies s ON s.study_instance_uid = i.study_instance_uid
             GROUP BY i.study_instance_uid ORDER BY used, study`,
          )
          .all() as { study: string; used: string; bytes: number }[]
      ).map((r) => ({ studyInstanceUid: r.study, lastUsedAt: r.used, bytes: r.bytes })),
    );
  }

  /** Forgets a study's cached instances; answers their files (the caller deletes them). */
  forgetStudy(studyInstanceUid: string): string[] {
    return guarded('The image cache could not be updated', () =>
      this.db.transaction(() => {
        const files = (this.db.prepare('SELECT file_path FROM pacs_instances WHERE study_instance_uid = ?').all(studyInstanceUid) as { file_path: string }[]).map((r) => r.file_path);
        this.db.prepare('DELETE FROM pacs_instances WHERE study_instance_uid = ?').run(studyInstanceUid);
        this.db.prepare('DELETE FROM pacs_studies WHERE study_instance_uid = ?').run(studyInstanceUid);
        return files;
      })(),
    );
  }

  /** Every file the index names (the cache folder's other files are leftovers). */
  allFiles(): Set<string> {
    return guarded('The image cache could not be read', () => new Set((this.db.prepare('SELECT file_path FROM pacs_instances').all() as { file_path: string }[]).map((r) => r.file_path)));
  }

  // ---------------------------------------------------------------- drafts already made

  /** A draft of this image with this model (by its manifest's sha256) is recorded: pre-drafting never repeats it. */
  hasDraft(sopInstanceUid: string, manifestSha256: string): boolean {
    return guarded('The AI draft history could not be read', () =>
      Boolean(
        this.db
          .prepare("SELECT 1 FROM draft_history WHERE json_extract(provenance_json, '$.sopInstanceUid') = ? AND json_extract(provenance_json, '$.manifestSha256') = ? LIMIT 1")
          .get(sopInstanceUid, manifestSha256),
      ),
    );
  }

  // ---------------------------------------------------------------- pre-drafting queue

  /** Adds a study to the queue (waiting, at the back); a study already queued keeps its place and state. */
  enqueue(job: { studyInstanceUid: string; source: PredraftSource; patientName: string; accessionNumber: string }): boolean {
    return guarded('The pre-drafting queue could not be updated', () => {
      const at = this.now().toISOString();
      const next = (this.db.prepare('SELECT COALESCE(MAX(priority), 0) + 1 AS p FROM predraft_jobs').get() as { p: number }).p;
      const result = this.db
        .prepare(
          `INSERT INTO predraft_jobs (study_instance_uid, source_json, state, reason, patient_name, accession_number, priority, enqueued_at, updated_at)
           VALUES (?, ?, 'waiting', NULL, ?, ?, ?, ?, ?) ON CONFLICT(study_instance_uid) DO NOTHING`,
        )
        .run(job.studyInstanceUid, JSON.stringify(job.source), job.patientName, job.accessionNumber, next, at, at);
      return result.changes > 0;
    });
  }

  jobs(): StoredJob[] {
    return guarded('The pre-drafting queue could not be read', () => {
      const rows = this.db.prepare('SELECT * FROM predraft_jobs ORDER BY priority, enqueued_at, study_instance_uid').all() as JobRow[];
      const jobs: StoredJob[] = [];
      for (const row of rows) {
        const source = PredraftSource.safeParse(safeJson(row.source_json));
        const state = PredraftState.safeParse(row.state);
        // A row this version cannot read is skipped rather than stopping the queue.
        if (!source.success || !state.success) continue;
        jobs.push({
          studyInstanceUid: row.study_instance_uid,
          source: source.data,
          state: state.data,
          reason: row.reason,
          patientName: row.patient_name,
          accessionNumber: row.accession_number,
          enqueuedAt: row.enqueued_at,
          updatedAt: row.updated_at,
          priority: row.priority,
        });
      }
      return jobs;
    });
  }

  job(studyInstanceUid: string): StoredJob | null {
    return this.jobs().find((j) => j.studyInstanceUid === studyInstanceUid) ?? null;
  }

  setJobState(studyInstanceUid: string, state: PredraftState, reason: string | null = null): void {
    guarded('The pre-drafting queue could not be updated', () =>
      this.db.prepare('UPDATE predraft_jobs SET state = ?, reason = ?, updated_at = ? WHERE study_instance_uid = ?').run(state, reason, this.now().toISOString(), studyInstanceUid),
    );
  }

  /** Puts a study at the front of the queue (the one the clinician opened). */
  moveToFront(studyInstanceUid: string): void {
    guarded('The pre-drafting queue could not be updated', () => {
      const first = (this.db.prepare('SELECT COALESCE(MIN(priority), 0) - 1 AS p FROM predraft_jobs').get() as { p: number }).p;
      this.db.prepare('UPDATE predraft_jobs SET priority = ? WHERE study_instance_uid = ?').run(first, studyInstanceUid);
    });
  }

  /** After a restart, work that was running goes back to waiting (it starts again from where the cache is). */
  requeueInterrupted(): void {
    guarded('The pre-drafting queue could not be updated', () =>
      this.db.prepare("UPDATE predraft_jobs SET state = 'waiting', updated_at = ? WHERE state IN ('retrieving', 'drafting')").run(this.now().toISOString()),
    );
  }

  /** Failed ones back to waiting (the clinician's Retry). */
  retryFailed(): void {
    guarded('The pre-drafting queue could not be updated', () =>
      this.db.prepare("UPDATE predraft_jobs SET state = 'waiting', reason = NULL, updated_at = ? WHERE state = 'failed'").run(this.now().toISOString()),
    );
  }

  /** Clears finished jobs (ready and failed) from the list. */
  clearFinished(): void {
    guarded('The pre-drafting queue could not be updated', () => this.db.prepare("DELETE FROM predraft_jobs WHERE state IN ('ready', 'failed')").run());
  }

  // ---------------------------------------------------------------- secrets

  putSecret(nodeId: string, scheme: SecretScheme, value: Buffer): void {
    guarded('The PACS password could not be saved', () =>
      this.db
        .prepare('INSERT INTO pacs_secrets (node_id, scheme, value) VALUES (?, ?, ?) ON CONFLICT(node_id) DO UPDATE SET scheme = excluded.scheme, value = excluded.value')
        .run(nodeId, scheme, value),
    );
  }

  secret(nodeId: string): { scheme: SecretScheme; value: Buffer } | null {
    const row = guarded('The PACS password could not be read', () => this.db.prepare('SELECT scheme, value FROM pacs_secrets WHERE node_id = ?').get(nodeId) as { scheme: SecretScheme; value: Buffer } | undefined);
    return row ? { scheme: row.scheme, value: Buffer.from(row.value) } : null;
  }

  deleteSecret(nodeId: string): void {
    guarded('The PACS password could not be removed', () => this.db.prepare('DELETE FROM pacs_secrets WHERE node_id = ?').run(nodeId));
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
