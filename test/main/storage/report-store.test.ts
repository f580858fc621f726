import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ReportConflictError, ReportNotFoundError, ReportSignedError, ReportStore } from '../../../main/storage/report-store';
import { MIGRATIONS, SCHEMA_VERSION, StorageError } from '../../../main/storage/database';
import { emptySections, type DraftProvenance } from '../../../app/domain/report';

const ROOT = join(__dirname, '../../..');
const UID = '1.2.3.4';
let dir: string;
let dbPath: string;
let clock: number;
const now = (): Date => new Date(Date.UTC(2026, 10, 27, 9, 0, 0) + clock++ * 1000);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'radraft-store-'));
  dbPath = join(dir, 'radraft.db');
  clock = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const sections = (findings: string) => ({ ...emptySections(), findings });

const provenance: DraftProvenance = {
  modelName: 'Tiny demo',
  manifestSha256: 'ab'.repeat(32),
  dtype: 'fp32',
  prompt: 'report en',
  sopInstanceUid: '9.8.7',
  window: { center: 127, width: 255 },
  generation: { maxTokens: 128, greedy: true },
  startedAt: '2026-11-27T09:00:00.000Z',
  finishedAt: '2026-11-27T09:00:02.000Z',
  aiDraft: { findings: 'Lungs are clear.', impression: 'Normal.' },
  reviewed: false,
};

describe('ReportStore', () => {
  it('uses WAL and records the applied migrations', () => {
    ReportStore.open(dbPath, now).close();
    const db = new Database(dbPath, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[];
    expect(versions.map((v) => v.version)).toEqual(MIGRATIONS.map((m) => m.version));
    db.close();
  });

  it('upgrades a database left at an older schema without losing its reports', () => {
    const store = ReportStore.open(dbPath, now);
    store.save(UID, sections('kept'), 0);
    store.close();
    const db = new Database(dbPath);
    db.exec('DROP TABLE studies; DROP TABLE settings; DROP TABLE draft_history; DELETE FROM schema_migrations WHERE version >= 2');
    db.close();
    const reopened = ReportStore.open(dbPath, now);
    expect(reopened.get(UID)?.sections.findings).toBe('kept');
    reopened.setSetting('x', 1);
    expect(reopened.getSetting('x')).toBe(1);
    reopened.close();
  });

  it('refuses a database written by a newer schema, leaving it untouched', () => {
    ReportStore.open(dbPath, now).close();
    const db = new Database(dbPath);
    db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(SCHEMA_VERSION + 1, 'future', 'x');
    db.close();
    expect(() => ReportStore.open(dbPath, now)).toThrow(/newer Radraft/);
  });

  it('saves revisions, restores them after reopening, and keeps a history', () => {
    const store = ReportStore.open(dbPath, now);
    expect(store.get(UID)).toBeNull();
    const r1 = store.save(UID, sections('a'), 0);
    expect(r1).toMatchObject({ version: 1, revision: 1, status: 'draft', signedBy: null });
    const r2 = store.save(UID, sections('ab'), 1);
    expect(r2.revision).toBe(2);
    expect(r2.createdAt).toBe(r1.createdAt);
    expect(r2.updatedAt > r1.updatedAt).toBe(true);
    store.close();
    const reopened = ReportStore.open(dbPath, now);
    expect(reopened.get(UID)).toEqual(r2);
    expect(reopened.history(UID).map((r) => r.sections.findings)).toEqual(['a', 'ab']);
    reopened.close();
  });

  it('rejects a save from a stale editor (optimistic revision check)', () => {
    const store = ReportStore.open(dbPath, now);
    store.save(UID, sections('first'), 0);
    expect(() => store.save(UID, sections('other window'), 0)).toThrow(ReportConflictError);
    expect(store.get(UID)?.sections.findings).toBe('first');
    store.close();
  });

  it('signs: status final, signer and time recorded, then read-only', () => {
    const store = ReportStore.open(dbPath, now);
    expect(() => store.sign(UID, 'Dr A')).toThrow(ReportNotFoundError);
    store.save(UID, sections(''), 0);
    expect(() => store.sign(UID, 'Dr A')).toThrow(/empty report/);
    store.save(UID, sections('Clear lungs.'), 1);
    const signed = store.sign(UID, '  Dr Ada Lovelace ');
    expect(signed).toMatchObject({ status: 'final', signedBy: 'Dr Ada Lovelace', revision: 3 });
    expect(signed.signedAt).toBe(signed.updatedAt);
    expect(() => store.save(UID, sections('changed'), 3)).toThrow(ReportSignedError);
    expect(() => store.sign(UID, 'Dr B')).toThrow(ReportSignedError);
    store.close();
  });

  it('keeps provenance, without bumping the revision, and marks it reviewed once AI text is edited', () => {
    const store = ReportStore.open(dbPath, now);
    const withDraft = store.recordProvenance(UID, provenance);
    expect(withDraft.revision).toBe(0);
    const same = store.save(UID, { ...emptySections(), findings: 'Lungs are clear.', impression: 'Normal.' }, 0);
    expect(same.provenance?.reviewed).toBe(false);
    const edited = store.save(UID, { ...emptySections(), findings: 'Lungs are clear. Small effusion.', impression: 'Normal.' }, 1);
    expect(edited.provenance).toMatchObject({ reviewed: true, aiDraft: provenance.aiDraft, manifestSha256: provenance.manifestSha256 });
    const redraft = store.recordProvenance(UID, { ...provenance, aiDraft: { findings: 'Second draft.' }, startedAt: '2026-11-27T09:05:00.000Z' });
    expect(redraft.revision).toBe(2);
    expect(redraft.sections.findings).toBe('Lungs are clear. Small effusion.');
    expect(store.draftHistory(UID).map((p) => p.aiDraft.findings)).toEqual(['Lungs are clear.', 'Second draft.']);
    const signed = store.sign(UID, 'Dr A');
    expect(signed.provenance?.modelName).toBe('Tiny demo');
    store.close();
  });

  it('marks AI text reviewed when the clinician accepts it unchanged', () => {
    const store = ReportStore.open(dbPath, now);
    store.recordProvenance(UID, provenance);
    const aiText = { ...emptySections(), findings: 'Lungs are clear.', impression: 'Normal.' };
    expect(store.save(UID, aiText, 0).provenance?.reviewed).toBe(false);
    const accepted = store.save(UID, aiText, 1, true);
    expect(accepted.provenance?.reviewed).toBe(true);
    expect(accepted.sections).toEqual(aiText);
    expect(store.get(UID)?.provenance?.reviewed).toBe(true);
    store.close();
  });

  it('turns a failed write into a StorageError (a save is never silently lost)', () => {
    const store = ReportStore.open(dbPath, now);
    store.save(UID, sections('a'), 0);
    // Another process holding the write lock is what a locked network drive or backup tool looks like.
    const other = new Database(dbPath);
    other.pragma('busy_timeout = 0');
    other.exec('BEGIN IMMEDIATE');
    const blocked = ReportStore.open(dbPath, now, 0);
    try {
      expect(() => blocked.save(UID, sections('ab'), 1)).toThrow(StorageError);
      expect(() => blocked.save(UID, sections('ab'), 1)).toThrow(/another program holds the database/);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect(blocked.save(UID, sections('ab'), 1).revision).toBe(2);
    blocked.close();
    store.close();
  });

  it('reports a damaged database file as a StorageError', () => {
    writeFileSync(dbPath, 'this is not a database'.repeat(100));
    expect(() => ReportStore.open(dbPath, now)).toThrow(StorageError);
    expect(() => ReportStore.open(dbPath, now)).toThrow(/damaged/);
  });

  it('loses no acknowledged save when the writing process is killed with SIGKILL', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'autosave-child.ts'), dbPath, UID], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let acked = 0;
    let ackedLength = 0;
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((resolve, reject) => {
      let buffer = '';
      child.stdout.on('data', (d: Buffer) => {
        buffer += d.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        for (const line of lines) {
          const [, rev, len] = line.split(' ');
          acked = Number(rev);
          ackedLength = Number(len);
        }
        if (acked >= 150) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', (code) => (acked >= 150 ? resolve() : reject(new Error(`child exited early (${code}): ${stderr}`))));
    });
    await new Promise((r) => child.once('close', r));
    expect(child.signalCode).toBe('SIGKILL');
    const store = ReportStore.open(dbPath, now);
    const record = store.get(UID);
    expect(record).not.toBeNull();
    // Everything the child acknowledged is there (it may have committed one more before the signal landed).
    expect(record!.revision).toBeGreaterThanOrEqual(acked);
    expect(record!.sections.findings.length).toBeGreaterThanOrEqual(ackedLength);
    store.close();
    const db = new Database(dbPath, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  }, 30_000);
});
