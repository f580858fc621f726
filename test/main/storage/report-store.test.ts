import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  DamagedReportError,
  EmptyReportError,
  ReportConflictError,
  ReportNotFoundError,
  ReportSignedError,
  ReportStore,
  ReportValidationError,
  UnreviewedAiTextError,
  type SignRequest,
} from '../../../main/storage/report-store';
import { MIGRATIONS, SCHEMA_VERSION, StorageError } from '../../../main/storage/database';
import { SECTION_MAX_CHARS, emptySections, type DraftProvenance } from '../../../app/domain/report';
import { sectionOrigin, sectionOrigins, unreviewedAiSections } from '../../../app/report/review';

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
  draftId: 'd1',
};

const signing = (signedBy: string, s: ReturnType<typeof emptySections>, baseRevision: number): SignRequest => ({ signedBy, sections: s, baseRevision, accept: [] });

describe('ReportStore', () => {
  it('uses WAL and records the applied migrations', () => {
    ReportStore.open(dbPath, now).close();
    const db = new Database(dbPath, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[];
    expect(versions.map((v) => v.version)).toEqual(MIGRATIONS.map((m) => m.version));
    db.close();
  });

  it('upgrades a database left at the first schema without losing its reports', () => {
    const raw = new Database(dbPath);
    raw.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)');
    raw.exec(MIGRATIONS[0].sql);
    raw.prepare('INSERT INTO schema_migrations VALUES (1, ?, ?)').run(MIGRATIONS[0].description, 'x');
    raw.prepare("INSERT INTO reports VALUES (?, 1, ?, 'draft', NULL, NULL, 'a', 'a', 1, NULL)").run(UID, JSON.stringify(sections('kept')));
    raw.close();
    const reopened = ReportStore.open(dbPath, now);
    expect(reopened.get(UID)?.sections.findings).toBe('kept');
    expect(reopened.save(UID, sections('kept, then typed'), 1).revision).toBe(2);
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
    expect(r1).toMatchObject({ version: 2, revision: 1, status: 'draft', signedBy: null });
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

  it('signs exactly the stored text: status final, signer and time recorded, then never edited in place', () => {
    const store = ReportStore.open(dbPath, now);
    expect(() => store.sign(UID, signing('Dr A', sections(''), 0))).toThrow(ReportNotFoundError);
    store.save(UID, sections(''), 0);
    expect(() => store.sign(UID, signing('Dr A', sections(''), 1))).toThrow(EmptyReportError);
    store.save(UID, sections('Clear lungs.'), 1);
    // What the sign dialog saw is not what is stored: an older revision, or other text at the same revision.
    expect(() => store.sign(UID, signing('Dr A', sections('Clear lungs.'), 1))).toThrow(ReportConflictError);
    expect(() => store.sign(UID, signing('Dr A', sections('Clear lungs. Half a sen'), 2))).toThrow(/not what is stored/);
    const signed = store.sign(UID, signing('  Dr Ada Lovelace ', sections('Clear lungs.'), 2));
    expect(signed).toMatchObject({ status: 'final', signedBy: 'Dr Ada Lovelace', revision: 3 });
    expect(signed.signedAt).toBe(signed.updatedAt);
    expect(() => store.save(UID, sections('changed'), 3)).toThrow(ReportSignedError);
    expect(() => store.save(UID, sections('changed'), 3)).toThrow(/write an addendum/);
    expect(() => store.sign(UID, signing('Dr B', sections('Clear lungs.'), 3))).toThrow(ReportSignedError);
    store.close();
  });

  it('calls an empty report to sign a validation error (its own class and code), not a conflict', () => {
    const store = ReportStore.open(dbPath, now);
    store.save(UID, { ...emptySections(), indication: 'Cough.' }, 0);
    let error: unknown;
    try {
      store.sign(UID, signing('Dr A', { ...emptySections(), indication: 'Cough.' }, 1));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EmptyReportError);
    expect(error).not.toBeInstanceOf(ReportConflictError);
    expect((error as EmptyReportError).code).toBe('validation');
    store.close();
  });

  it('records a draft without touching the report, then inserts it as unreviewed AI text', () => {
    const store = ReportStore.open(dbPath, now);
    const withDraft = store.recordProvenance(UID, provenance);
    expect(withDraft).toMatchObject({ revision: 0, sections: emptySections(), ai: {} });
    expect(() => store.insertDraft(UID, 'another draft', 0)).toThrow(ReportConflictError);
    const inserted = store.insertDraft(UID, 'd1', 0);
    expect(inserted.sections).toMatchObject({ findings: 'Lungs are clear.', impression: 'Normal.' });
    expect(inserted.revision).toBe(1);
    expect(unreviewedAiSections(inserted.sections, inserted.ai)).toEqual(['findings', 'impression']);
    expect(store.draftHistory(UID).map((p) => p.aiDraft.findings)).toEqual(['Lungs are clear.']);
    store.close();
  });

  it('keeps what each section went through: edited, accepted unchanged, or written by the clinician', () => {
    const store = ReportStore.open(dbPath, now);
    store.save(UID, { ...emptySections(), indication: 'Cough.', technique: 'PA erect.' }, 0);
    store.recordProvenance(UID, { ...provenance, aiDraft: { ...provenance.aiDraft, technique: 'AP supine.' } });
    const inserted = store.insertDraft(UID, 'd1', 1);
    // The clinician's Technique stays theirs: a draft fills Technique only when it is empty.
    expect(inserted.sections.technique).toBe('PA erect.');
    const edited = store.save(UID, { ...inserted.sections, findings: 'Lungs are clear. Small effusion.' }, 2);
    expect(sectionOrigins(edited.sections, edited.ai)).toMatchObject({ indication: 'clinician', technique: 'clinician', findings: 'ai-edited', impression: 'ai-unreviewed' });
    // Accepting a section that is not the model's exact text changes nothing.
    const accepted = store.save(UID, edited.sections, 3, ['impression', 'findings']);
    expect(sectionOrigins(accepted.sections, accepted.ai)).toMatchObject({ findings: 'ai-edited', impression: 'ai-accepted' });
    // A section emptied and rewritten is the clinician's.
    store.save(UID, { ...accepted.sections, impression: '' }, 4);
    const rewritten = store.save(UID, { ...accepted.sections, impression: 'Effusion.' }, 5);
    expect(sectionOrigin(rewritten.sections.impression, rewritten.ai.impression)).toBe('clinician');
    store.close();
  });

  it('refuses to sign AI text nobody reviewed, and signs once each such section is accepted in the dialog', () => {
    const store = ReportStore.open(dbPath, now);
    store.recordProvenance(UID, provenance);
    const inserted = store.insertDraft(UID, 'd1', 0);
    expect(() => store.sign(UID, signing('Dr A', inserted.sections, 1))).toThrow(UnreviewedAiTextError);
    expect(() => store.sign(UID, { ...signing('Dr A', inserted.sections, 1), accept: ['findings'] })).toThrow(/Impression still holds the AI draft/);
    expect(store.get(UID)?.status).toBe('draft');
    const signed = store.sign(UID, { ...signing('Dr A', inserted.sections, 1), accept: ['findings', 'impression'] });
    expect(sectionOrigins(signed.sections, signed.ai)).toMatchObject({ findings: 'ai-accepted', impression: 'ai-accepted' });
    store.close();
  });

  it('discards an inserted draft: the sections it filled get back their text and AI marks', () => {
    const store = ReportStore.open(dbPath, now);
    const mine = store.save(UID, { ...emptySections(), indication: 'Cough.', findings: 'My own findings.' }, 0);
    store.recordProvenance(UID, provenance);
    const inserted = store.insertDraft(UID, 'd1', mine.revision);
    expect(inserted.sections.findings).toBe('Lungs are clear.');
    const discarded = store.discardDraft(UID, inserted.revision);
    expect(discarded.sections).toEqual({ ...emptySections(), indication: 'Cough.', findings: 'My own findings.' });
    expect(discarded.ai).toEqual({});
    expect(discarded.undo).toBeNull();
    expect(() => store.discardDraft(UID, discarded.revision)).toThrow(/no inserted AI draft/);
    store.close();
  });

  it('adds addenda to a signed report, each signed with its own time, never editing the original', () => {
    const store = ReportStore.open(dbPath, now);
    const saved = store.save(UID, sections('Clear lungs.'), 0);
    expect(() => store.saveAddendum(UID, 'Later note.', 1)).toThrow(ReportValidationError);
    const signed = store.sign(UID, signing('Dr A', saved.sections, 1));
    const draft = store.saveAddendum(UID, 'Compared with the prior film: unchanged.', signed.revision);
    expect(draft.addenda).toEqual([expect.objectContaining({ status: 'draft', signedBy: null })]);
    expect(() => store.signAddendum(UID, { signedBy: 'Dr B', text: 'Something else.', baseRevision: draft.revision })).toThrow(ReportConflictError);
    const first = store.signAddendum(UID, { signedBy: 'Dr B', text: 'Compared with the prior film: unchanged.', baseRevision: draft.revision });
    expect(first.addenda[0]).toMatchObject({ status: 'final', signedBy: 'Dr B' });
    expect(first.addenda[0].signedAt! > signed.signedAt!).toBe(true);
    expect(first).toMatchObject({ sections: saved.sections, signedBy: 'Dr A', signedAt: signed.signedAt });
    const second = store.saveAddendum(UID, 'x', first.revision);
    expect(second.addenda).toHaveLength(2);
    const removed = store.saveAddendum(UID, '', second.revision);
    expect(removed.addenda).toHaveLength(1);
    expect(() => store.signAddendum(UID, { signedBy: 'Dr B', text: '', baseRevision: removed.revision })).toThrow(/no unsigned addendum/);
    store.close();
  });

  it('limits each section, with a message that names the section and the limit, and saves again once it fits', () => {
    const store = ReportStore.open(dbPath, now);
    const long = 'x'.repeat(SECTION_MAX_CHARS + 1);
    expect(() => store.save(UID, sections(long), 0)).toThrow(ReportValidationError);
    expect(() => store.save(UID, sections(long), 0)).toThrow(/Findings is too long: 20,001 characters, the limit is 20,000/);
    expect(store.save(UID, sections(long.slice(1)), 0).revision).toBe(1);
    store.close();
  });

  it('stores each revision as its changes, not a whole copy, and rebuilds every one exactly', () => {
    const store = ReportStore.open(dbPath, now);
    // A long report typed into, one autosave per keystroke.
    let text = 'Lungs are clear. '.repeat(1000).slice(0, 15_000);
    let revision = store.save(UID, sections(text), 0).revision;
    const expected = [text];
    for (let i = 0; i < 200; i++) {
      const at = (i * 7919) % text.length;
      text = text.slice(0, at) + String.fromCharCode(97 + (i % 26)) + text.slice(at);
      revision = store.save(UID, sections(text), revision).revision;
      expected.push(text);
    }
    expect(store.history(UID).map((r) => r.sections.findings)).toEqual(expected);
    store.close();
    const db = new Database(dbPath, { readonly: true });
    const { bytes, rows } = db.prepare('SELECT SUM(LENGTH(data_json)) AS bytes, COUNT(*) AS rows FROM report_revisions').get() as { bytes: number; rows: number };
    db.close();
    expect(rows).toBe(201);
    // One whole copy (about 15 kB) plus a few hundred bytes per change; 201 whole copies would be over 3 MB.
    expect(bytes).toBeLessThan(15_500 + 200 * 250);
  });

  it('sets a stored row that is not JSON aside with a clear error, and saving new text for that study works', () => {
    const store = ReportStore.open(dbPath, now);
    store.save(UID, sections('before damage'), 0);
    const raw = new Database(dbPath);
    raw.prepare('UPDATE reports SET sections_json = ? WHERE study_instance_uid = ?').run('{"findings": "trunc', UID);
    raw.close();
    // An editor still open on the report saves over it: the damaged row never blocks new text.
    expect(store.save(UID, sections('typed after'), 1).sections.findings).toBe('typed after');
    const damaged = new Database(dbPath, { readonly: true });
    expect(damaged.prepare('SELECT reason FROM damaged_reports').all()).toEqual([{ reason: 'it is not valid JSON' }]);
    damaged.close();
    store.close();
  });

  it('sets a row that fails the schema aside: reading says so once, then the study starts a new report', () => {
    const store = ReportStore.open(dbPath, now);
    store.save(UID, sections('before damage'), 0);
    const raw = new Database(dbPath);
    raw.prepare(`UPDATE reports SET status = 'draft', sections_json = '{"findings": 5}' WHERE study_instance_uid = ?`).run(UID);
    raw.close();
    expect(() => store.get(UID)).toThrow(DamagedReportError);
    expect(() => store.get(UID)).not.toThrow();
    expect(store.get(UID)).toBeNull();
    expect(store.save(UID, sections('new text'), 0).sections.findings).toBe('new text');
    expect(store.get(UID)?.sections.findings).toBe('new text');
    store.close();
  });

  it('closes the file when opening the database fails (no descriptor leaks)', () => {
    writeFileSync(dbPath, 'this is not a database'.repeat(100));
    const openFiles = () => readdirSync('/proc/self/fd').length;
    expect(() => ReportStore.open(dbPath, now)).toThrow(StorageError);
    const before = openFiles();
    for (let i = 0; i < 20; i++) expect(() => ReportStore.open(dbPath, now)).toThrow(/damaged/);
    expect(openFiles()).toBe(before);
  });

  it('migrates version-1 records and whole-copy history, without claiming reviews version 1 did not record', () => {
    const raw = new Database(dbPath);
    raw.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)');
    for (const m of MIGRATIONS.filter((m) => m.version <= 3)) {
      raw.exec(m.sql);
      raw.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(m.version, m.description, 'x');
    }
    const { draftId: _draftId, ...v1Provenance } = { ...provenance, reviewed: true };
    const v1 = (uid: string, status: 'draft' | 'final', findings: string, revision: number) => ({
      version: 1,
      studyInstanceUid: uid,
      sections: { ...emptySections(), findings, impression: 'Normal.' },
      status,
      signedBy: status === 'final' ? 'Dr Old' : null,
      signedAt: status === 'final' ? '2026-01-01T00:00:00.000Z' : null,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: `2026-01-01T00:00:0${revision}.000Z`,
      revision,
      provenance: v1Provenance,
    });
    const put = (r: ReturnType<typeof v1>) => {
      raw
        .prepare('INSERT OR REPLACE INTO reports VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(r.studyInstanceUid, JSON.stringify(r.sections), r.status, r.signedBy, r.signedAt, r.createdAt, r.updatedAt, r.revision, JSON.stringify(r.provenance));
      raw.prepare('INSERT INTO report_history VALUES (?, ?, ?, ?)').run(r.studyInstanceUid, r.revision, r.updatedAt, JSON.stringify(r));
    };
    // Accepted unchanged in version 1 (reviewed, every AI section untouched, not signed).
    put(v1('1.1', 'draft', 'Lungs are clear.', 1));
    // Signed unchanged: version 1 set `reviewed` on signing, so no review is known.
    put(v1('1.2', 'draft', 'Lungs are clear.', 1));
    put(v1('1.2', 'final', 'Lungs are clear.', 2));
    // Findings edited.
    put(v1('1.3', 'draft', 'Lungs are clear. Small effusion.', 1));
    raw.close();

    const store = ReportStore.open(dbPath, now);
    const origins = (uid: string) => {
      const r = store.get(uid)!;
      expect(r.version).toBe(2);
      return sectionOrigins(r.sections, r.ai);
    };
    expect(origins('1.1')).toMatchObject({ findings: 'ai-accepted', impression: 'ai-accepted' });
    expect(origins('1.2')).toMatchObject({ findings: 'ai-unreviewed', impression: 'ai-unreviewed' });
    expect(origins('1.3')).toMatchObject({ findings: 'ai-edited', impression: 'ai-unreviewed' });
    expect(store.history('1.2').map((r) => [r.revision, r.status])).toEqual([
      [1, 'draft'],
      [2, 'final'],
    ]);
    store.close();
    const check = new Database(dbPath, { readonly: true });
    expect(check.prepare('SELECT DISTINCT record_version AS v FROM reports').all()).toEqual([{ v: 2 }]);
    expect(check.prepare("SELECT name FROM sqlite_master WHERE name = 'report_history'").all()).toEqual([]);
    check.close();
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
