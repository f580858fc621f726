// The embedded database: one SQLite file in the user-data folder, WAL journal, schema versioned by migrations.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppError } from '../ipc/errors';
import { upgradeToRecordV2 } from './upgrade-v2';
import { seedReportingAids } from './seed-reporting-aids';

export type Db = Database.Database;

export class StorageError extends AppError {
  readonly code = 'storage' as const;
  override name = 'StorageError';
}

interface Migration {
  version: number;
  description: string;
  sql: string;
  /** Row conversions SQL cannot express; runs after `sql`, in the same transaction. */
  run?: (db: Db, now: () => Date) => void;
}

/** Append only: a released migration is never edited, a new one is added. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'reports and their revision history',
    sql: `
      CREATE TABLE reports (
        study_instance_uid TEXT PRIMARY KEY,
        record_version INTEGER NOT NULL,
        sections_json TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('draft', 'final')),
        signed_by TEXT,
        signed_at TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        revision INTEGER NOT NULL,
        provenance_json TEXT
      );
      CREATE TABLE report_history (
        study_instance_uid TEXT NOT NULL,
        revision INTEGER NOT NULL,
        saved_at TEXT NOT NULL,
        record_json TEXT NOT NULL,
        PRIMARY KEY (study_instance_uid, revision)
      );`,
  },
  {
    version: 2,
    description: 'study identifiers for export after restart; app settings',
    sql: `
      CREATE TABLE studies (
        study_instance_uid TEXT PRIMARY KEY,
        summary_json TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value_json TEXT NOT NULL
      );`,
  },
  {
    version: 3,
    description: 'every AI draft made for a report, append-only',
    sql: `
      CREATE TABLE draft_history (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        study_instance_uid TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        provenance_json TEXT NOT NULL
      );
      CREATE INDEX draft_history_study ON draft_history (study_instance_uid);`,
  },
  {
    version: 4,
    description: 'report record v2 (per-section AI review, draft undo, addenda); revisions stored as changes; damaged rows set aside',
    sql: `
      ALTER TABLE reports ADD COLUMN ai_json TEXT;
      ALTER TABLE reports ADD COLUMN undo_json TEXT;
      ALTER TABLE reports ADD COLUMN addenda_json TEXT;
      CREATE TABLE report_revisions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        study_instance_uid TEXT NOT NULL,
        revision INTEGER NOT NULL,
        saved_at TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('full', 'delta')),
        data_json TEXT NOT NULL
      );
      CREATE INDEX report_revisions_study ON report_revisions (study_instance_uid, id);
      CREATE TABLE damaged_reports (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        study_instance_uid TEXT NOT NULL,
        found_at TEXT NOT NULL,
        reason TEXT NOT NULL,
        row_json TEXT NOT NULL
      );`,
    run: (db, now) => upgradeToRecordV2(db, now),
  },
  {
    version: 5,
    description: 'hospital integration: the PACS image cache, the background pre-drafting queue, PACS node secrets; drafts looked up by image and model',
    sql: `
      CREATE TABLE pacs_instances (
        sop_instance_uid TEXT PRIMARY KEY,
        study_instance_uid TEXT NOT NULL,
        series_instance_uid TEXT NOT NULL,
        file_path TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        stored_at TEXT NOT NULL
      );
      CREATE INDEX pacs_instances_study ON pacs_instances (study_instance_uid);
      CREATE TABLE pacs_studies (
        study_instance_uid TEXT PRIMARY KEY,
        last_used_at TEXT NOT NULL
      );
      CREATE TABLE predraft_jobs (
        study_instance_uid TEXT PRIMARY KEY,
        source_json TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('waiting', 'retrieving', 'drafting', 'ready', 'failed')),
        reason TEXT,
        patient_name TEXT NOT NULL,
        accession_number TEXT NOT NULL,
        priority INTEGER NOT NULL,
        enqueued_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE pacs_secrets (
        node_id TEXT PRIMARY KEY,
        scheme TEXT NOT NULL CHECK (scheme IN ('os-encrypted', 'plain')),
        value BLOB NOT NULL
      );
      CREATE INDEX draft_history_image_model ON draft_history (json_extract(provenance_json, '$.sopInstanceUid'), json_extract(provenance_json, '$.manifestSha256'));`,
  },
  // Reading room (issue 11).
  {
    version: 6,
    description: 'measurements per image (SOP Instance UID)',
    sql: `
      CREATE TABLE measurements (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        sop_instance_uid TEXT NOT NULL,
        format_version INTEGER NOT NULL,
        shape_json TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX measurements_image ON measurements (sop_instance_uid, id);`,
  },
  {
    version: 7,
    description: 'report templates and auto-text snippets, with the normal chest template and .norm',
    sql: `
      CREATE TABLE report_templates (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        format_version INTEGER NOT NULL,
        sections_json TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE report_snippets (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        trigger TEXT NOT NULL UNIQUE COLLATE NOCASE,
        text TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );`,
    run: (db, now) => seedReportingAids(db, now),
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/** `busyTimeoutMs`: how long a write waits for another holder of the file's lock before failing. */
export function openDatabase(filePath: string, now: () => Date = () => new Date(), busyTimeoutMs = 5000): Db {
  let db: Db | undefined;
  try {
    mkdirSync(dirname(filePath), { recursive: true });
    db = new Database(filePath, { timeout: busyTimeoutMs });
    // WAL + synchronous=FULL: every committed save is fsynced, so neither a killed process nor a power cut
    // loses a save that report:save already acknowledged.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
  } catch (error) {
    // The file may be open already (a damaged file fails at the first pragma): close it, or its descriptor leaks.
    if (db?.open) db.close();
    if (/NODE_MODULE_VERSION|was compiled against a different Node\.js version/.test(String((error as Error).message))) {
      // Development set-up only: packaged builds are rebuilt for Electron by electron-builder.
      throw new StorageError(
        'The SQLite add-on (better-sqlite3) was built for another Node.js/Electron version. Run `npx electron-builder install-app-deps` before `electron .`, and `npm rebuild better-sqlite3` before running the tests under Node.',
      );
    }
    throw storageError(`The report database at ${filePath} cannot be opened`, error);
  }
  try {
    migrate(db, now);
  } catch (error) {
    db.close();
    throw error instanceof StorageError ? error : storageError('The report database could not be upgraded', error);
  }
  return db;
}

function migrate(db: Db, now: () => Date): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    description TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
  const current = row.v ?? 0;
  if (current > SCHEMA_VERSION) {
    throw new StorageError(
      `The report database was written by a newer Radraft (schema ${current}, this version knows ${SCHEMA_VERSION}). Update Radraft to open it; the file was left untouched.`,
    );
  }
  const record = db.prepare('INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)');
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      m.run?.(db, now);
      record.run(m.version, m.description, now().toISOString());
    })();
  }
}

/** Wraps a SQLite failure with a message that says what to do about it. */
export function storageError(what: string, error: unknown): StorageError {
  const code = (error as { code?: string }).code ?? '';
  const hint =
    code === 'SQLITE_FULL' ? 'the disk is full; free some space'
    : code === 'SQLITE_READONLY' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_PERM' ? 'the file or folder is not writable; check its permissions'
    : code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' ? 'another program holds the database; close it and retry'
    : code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB' ? 'the file is damaged; restore it from a backup'
    : code === 'SQLITE_IOERR' || code.startsWith('SQLITE_IOERR') ? 'the disk reported an I/O error'
    : 'retry, and contact IT if it persists';
  const detail = error instanceof Error ? error.message : String(error);
  return new StorageError(`${what}: ${detail} (${hint}).`);
}
