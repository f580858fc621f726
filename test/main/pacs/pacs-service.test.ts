// The hospital integration through the app's real services (createServices, the IPC dispatcher, the real workers,
// the demo model, the SQLite file) against a real Orthanc: PACS settings with an encrypted password, Test
// connection, the storage SCP receiving a push (and refusing what it must), the worklist, background pre-drafting
// that survives a restart and never drafts an image twice, and Send to PACS for the signed SR.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { ConnectionTestResult, PacsSettingsView, PredraftStatus, WorklistEntry } from '../../../app/domain/pacs';
import type { ReportRecord } from '../../../app/domain/report';
import type { OpenResult, StudySummary } from '../../../app/domain/study';
import { createServices, type Services } from '../../../main/services';
import { dispatch } from '../../../main/ipc/dispatch';
import { toTransportError } from '../../../main/ipc/errors';
import { decodeIpcError } from '../../../app/ipc/errors';
import { storeToPacs } from '../../../main/pacs/c-store';
import { adHocNode } from '../../../main/pacs/dimse';
import { writePart10 } from '../../../main/export/dicom-part10';
import { fakeDeps, fakeOsEncryption, type FakeBoundary } from '../services/fake-deps';
import { freePort, startOrthanc, type Orthanc } from '../../support/orthanc';

const ROOT = join(__dirname, '../../..');
const CXR = join(ROOT, 'test/fixtures/dicom/cxr');
const WORKLIST_FILES = ['siim_1.2.276.0.7230010.3.1.4.8323329.4904.1517875185.355709.dcm', 'nih_dx_pa_00000002_implLE_8bit.dcm', 'nema_wg04_RG1_J2KI_cr_pa_mono1_15bit.dcm'].map((f) => join(CXR, f));
const PUSHED = join(CXR, 'nih_dx_ap_effusion_implLE_8bit.dcm');
const PUSHED_STUDY = '1.3.6.1.4.1.11129.5.5.189886800072183603320722059194952488628637';
const PUSHED_TOO = join(CXR, 'nih_dx_ap_cardiomegaly_implLE_8bit.dcm');
/** A file a router drops into the watched folder. */
const WATCHED = join(CXR, 'siim_1.2.276.0.7230010.3.1.4.8323329.1000.1517875165.878027.dcm');
const PUSHED_TOO_STUDY = '1.3.6.1.4.1.11129.5.5.111396399361969898205364400549799252857604';
const PASSWORD = 'correct horse battery staple';

/** Today as DICOM writes a date (the worklist's default range). */
const TODAY = new Date().toISOString().slice(0, 10).replace(/-/g, '');
let orthanc: Orthanc;
/** The worklist's studies: copies of the fixtures with new UIDs, dated today. */
let worklistUids: string[];
let scpPort: number;
let dir: string;
let boundary: FakeBoundary;
let services: Services;
const logLines: string[] = [];

async function call<T>(channel: string, payload: unknown): Promise<T> {
  try {
    return (await dispatch(services.handlers, channel, payload)) as T;
  } catch (error) {
    throw toTransportError(error);
  }
}

async function start(): Promise<void> {
  boundary = fakeDeps(dir, { now: () => new Date(), log: (line) => logLines.push(line) });
  services = await createServices(boundary.deps);
}

function events<T>(name: string): T[] {
  return boundary.events.filter((e) => e.event === name).map((e) => e.payload as T);
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined> | T | null | undefined, timeoutMs = 120_000, describe?: () => Promise<unknown>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${describe ? `: ${JSON.stringify(await describe())}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const nodeForm = () => ({
  name: 'Radiology PACS',
  aeTitle: orthanc.aeTitle,
  host: '127.0.0.1',
  port: orthanc.dicomPort,
  dicomWebUrl: orthanc.dicomWebUrl,
  auth: { kind: 'basic' as const, username: 'radraft' },
  tls: { dimse: false, caPem: null },
  query: 'dimse' as const,
  retrieve: 'c-get' as const,
});

beforeAll(async () => {
  scpPort = await freePort();
  orthanc = await startOrthanc({ users: { radraft: PASSWORD }, modalities: { radraft: ['RADRAFT', '127.0.0.1', scpPort] } });
  worklistUids = await orthanc.loadCopies(WORKLIST_FILES, 3, (i) => ({ StudyDate: TODAY, StudyTime: `${String(8 + i).padStart(2, "0")}3000`, AccessionNumber: `ACC${1000 + i}` }));
  dir = mkdtempSync(join(tmpdir(), 'radraft-pacs-service-'));
  await start();
}, 180_000);

afterAll(async () => {
  await services?.dispose();
  await orthanc?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('PACS settings', () => {
  it('stores the password encrypted by the key store, tests the connection, and says what failed', async () => {
    const fresh = await call<PacsSettingsView>('pacs:settings', {});
    expect(fresh).toMatchObject({ nodes: [], listener: { enabled: false }, predraft: { enabled: false }, encryptionAvailable: true });
    const saved = await call<PacsSettingsView>('pacs:saveNode', { node: nodeForm(), secret: PASSWORD, allowPlainSecret: false });
    expect(saved.nodes).toHaveLength(1);
    expect(saved.nodes[0]).toMatchObject({ name: 'Radiology PACS', secret: 'encrypted' });
    // The database never holds the password as text.
    const raw = readFileSync(join(dir, 'radraft.db'));
    const walRaw = (() => {
      try {
        return readFileSync(join(dir, 'radraft.db-wal'));
      } catch {
        return Buffer.alloc(0);
      }
    })();
    expect(raw.includes(PASSWORD) || walRaw.includes(PASSWORD)).toBe(false);

    const ok = await call<ConnectionTestResult>('pacs:testNode', { node: saved.nodes[0], secret: null });
    expect(ok.ok, JSON.stringify(ok)).toBe(true);
    expect(ok.checks.map((c) => c.what)).toEqual(['c-echo', 'qido-rs']);

    const badPassword = await call<ConnectionTestResult>('pacs:testNode', { node: saved.nodes[0], secret: 'wrong' });
    expect(badPassword.checks.find((c) => c.what === 'qido-rs')).toMatchObject({ ok: false, failure: 'auth' });
    const badAe = await call<ConnectionTestResult>('pacs:testNode', { node: { ...saved.nodes[0], aeTitle: 'NOPE' }, secret: null });
    expect(badAe.checks.find((c) => c.what === 'c-echo')).toMatchObject({ ok: false, failure: 'ae-rejected' });
    const refused = await call<ConnectionTestResult>('pacs:testNode', { node: { ...saved.nodes[0], port: await freePort() }, secret: null });
    expect(refused.checks.find((c) => c.what === 'c-echo')).toMatchObject({ ok: false, failure: 'refused' });
  });

  it('without a key store, keeps a password only when asked, and then labelled plain', async () => {
    const other = mkdtempSync(join(tmpdir(), 'radraft-nokeystore-'));
    const plain = fakeDeps(other, { osEncryption: fakeOsEncryption(false) });
    const s = await createServices(plain.deps);
    try {
      const refused = await dispatch(s.handlers, 'pacs:saveNode', { node: nodeForm(), secret: 'pw', allowPlainSecret: false }).then(
        () => null,
        (e: unknown) => decodeIpcError(toTransportError(e)),
      );
      expect(refused?.message).toMatch(/no key store.*Store unencrypted/);
      expect(((await dispatch(s.handlers, 'pacs:settings', {})) as PacsSettingsView).nodes).toEqual([]);
      const saved = (await dispatch(s.handlers, 'pacs:saveNode', { node: nodeForm(), secret: 'pw', allowPlainSecret: true })) as PacsSettingsView;
      expect(saved.nodes[0].secret).toBe('plain');
      expect(saved.encryptionAvailable).toBe(false);
    } finally {
      await s.dispose();
      rmSync(other, { recursive: true, force: true });
    }
  });
});

describe('storage SCP', () => {
  it('is off by default, then receives a push into the study list without a restart', async () => {
    expect((await call<PacsSettingsView>('pacs:settings', {})).listenerStatus.listening).toBe(false);
    const view = await call<PacsSettingsView>('pacs:saveListener', { enabled: true, aeTitle: 'RADRAFT', port: scpPort, loopbackOnly: true, allowedCallingAes: ['MODALITY1'] });
    expect(view.listenerStatus).toEqual({ listening: true, problem: null });

    const [id] = await orthanc.upload([PUSHED]);
    await orthanc.post('/modalities/radraft/store', id);
    const study = await until('the pushed study in the list', async () => (await call<StudySummary[]>('studies:list', {})).find((s) => s.studyInstanceUid === PUSHED_STUDY));
    expect(study.images).toHaveLength(1);
    expect(study.images[0].filePath.startsWith(join(dir, 'pacs-cache'))).toBe(true);
    expect(events('studies:changed').length).toBeGreaterThan(0);
  });

  it('refuses an unknown calling AE, a non-image and a malformed file with a log line, and keeps running', async () => {
    const scp = adHocNode({ aeTitle: 'RADRAFT', host: '127.0.0.1', port: scpPort });
    const image = new Uint8Array(readFileSync(PUSHED));
    await expect(storeToPacs({ node: scp, callingAeTitle: 'INTRUDER' }, image)).rejects.toMatchObject({ failure: 'ae-rejected' });
    expect(logLines.join('\n')).toMatch(/refused a DICOM association from AE "INTRUDER"/);

    // An image SOP class without an image: accepted at association, refused once its header is read.
    const noPixels = writePart10({ SOPClassUID: '1.2.840.10008.5.1.4.1.1.7', SOPInstanceUID: '2.25.1234', StudyInstanceUID: '2.25.5678', SeriesInstanceUID: '2.25.9', Modality: 'OT', PatientName: 'Secret^Patient' });
    await expect(storeToPacs({ node: scp, callingAeTitle: 'MODALITY1' }, noPixels)).rejects.toThrow(/refused to store.*0xc000/);
    expect(logLines.join('\n')).toMatch(/refused an instance from AE "MODALITY1": it is not a readable DICOM image/);
    expect(logLines.join('\n')).not.toMatch(/Secret/);

    // Garbage on the wire, then a PDU that claims 2 GiB.
    for (const bytes of [Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), Buffer.from([0x04, 0x00, 0x7f, 0xff, 0xff, 0xff, 1, 2, 3])]) {
      await new Promise<void>((resolve) => {
        const socket = connect(scpPort, '127.0.0.1', () => socket.write(bytes));
        socket.on('close', () => resolve());
        socket.on('error', () => resolve());
        setTimeout(() => socket.destroy(), 5000);
      });
    }
    expect(logLines.join('\n')).toMatch(/closed a DICOM connection from 127\.0\.0\.1: (a PDU of 2147483647 bytes|the DICOM exchange broke off)/);
    // Still serving (and the study, received again, is opened again once the push settles).
    const changes = events('studies:changed').length;
    expect(await storeToPacs({ node: scp, callingAeTitle: 'MODALITY1' }, image)).toEqual({ status: 0 });
    await until('the re-received study opened', () => events('studies:changed').length > changes);
  });
});

describe('worklist and background pre-drafting', () => {
  it('lists the chest radiographs unreported first, pre-drafts each one into an unreviewed AI draft, and survives a restart', async () => {
    await call('predraft:setPaused', { paused: false });
    await call('pacs:savePredraft', { enabled: true, threads: 1 });
    const nodeId = (await call<PacsSettingsView>('pacs:settings', {})).nodes[0].id;
    const list = await call<WorklistEntry[]>('worklist:query', { nodeId, from: TODAY, to: TODAY });
    // Today's studies only (the originals are dated years ago), oldest first, each a CR or DX, with its views.
    expect(list.map((e) => e.studyInstanceUid)).toEqual(worklistUids);
    expect(list.map((e) => e.accessionNumber)).toEqual(['ACC1000', 'ACC1001', 'ACC1002']);
    for (const e of list) expect(e.modalities.some((m) => m === 'CR' || m === 'DX')).toBe(true);
    expect(list.map((e) => e.views)).toEqual([['PA'], [], ['PA']]);

    const ready = await until('every study pre-drafted', async () => {
      const status = await call<PredraftStatus>('predraft:status', {});
      return status.jobs.length === 3 && status.jobs.every((j) => j.state === 'ready' || j.state === 'failed') ? status : null;
    }, 120_000, () => call('predraft:status', {}));
    expect(ready.jobs.filter((j) => j.state === 'failed')).toEqual([]);

    // A study pushed to the storage SCP while pre-drafting is on is drafted too.
    const [pushed] = await orthanc.upload([PUSHED_TOO]);
    await orthanc.post('/modalities/radraft/store', pushed);
    const withPushed = await until('the pushed study pre-drafted', async () => {
      const status = await call<PredraftStatus>('predraft:status', {});
      return status.jobs.find((j) => j.studyInstanceUid === PUSHED_TOO_STUDY && j.state === 'ready') ? status : null;
    }, 120_000, () => call('predraft:status', {}));
    expect(withPushed.jobs.find((j) => j.studyInstanceUid === PUSHED_TOO_STUDY)?.source).toEqual({ kind: 'received', callingAe: orthanc.aeTitle });
    expect(withPushed.jobs).toHaveLength(4);
    for (const job of withPushed.jobs) {
      const record = await call<ReportRecord | null>('report:get', { studyInstanceUid: job.studyInstanceUid });
      expect(record?.provenance, job.studyInstanceUid).toMatchObject({ modelName: expect.stringMatching(/demo/), prompt: expect.any(String), sopInstanceUid: expect.any(String) });
      expect(record?.sections.findings).not.toBe('');
      // Exactly as an interactive draft: the inserted sections are unreviewed AI text.
      expect(record?.ai.findings).toMatchObject({ accepted: false, text: record?.sections.findings });
    }

    // A restart: the queue is still there, and nothing is drafted again.
    const history = (): number => {
      const db = new Database(join(dir, 'radraft.db'), { readonly: true });
      try {
        return (db.prepare('SELECT COUNT(*) AS n FROM draft_history').get() as { n: number }).n;
      } finally {
        db.close();
      }
    };
    const before = history();
    await services.dispose();
    await start();
    expect((await call<PredraftStatus>('predraft:status', {})).jobs.map((j) => j.state)).toEqual(['ready', 'ready', 'ready', 'ready']);
    await call('predraft:clearFinished', {});
    // One report is gone (as when a damaged row is set aside): its image was still drafted with this model already.
    const rw = new Database(join(dir, 'radraft.db'));
    rw.prepare('DELETE FROM reports WHERE study_instance_uid = ?').run(worklistUids[0]);
    rw.close();
    await call<WorklistEntry[]>('worklist:query', { nodeId, from: TODAY, to: TODAY });
    const again = await until('the re-queued studies', async () => {
      const status = await call<PredraftStatus>('predraft:status', {});
      return status.jobs.length === 3 && status.jobs.every((j) => j.state === 'ready') ? status : null;
    });
    for (const job of again.jobs) expect(job.reason).toMatch(/^Not drafted: /);
    expect(again.jobs.find((j) => j.studyInstanceUid === worklistUids[0])?.reason).toBe('Not drafted: this image was already drafted with this model');
    expect(history()).toBe(before);
  }, 300_000);

  it('can be paused, and the study the clinician opens goes first', async () => {
    await call('predraft:setPaused', { paused: true });
    await call('predraft:clearFinished', {});
    const more = await orthanc.loadCopies(WORKLIST_FILES, 3, (i) => ({ StudyDate: TODAY, StudyTime: `12${String(i).padStart(2, '0')}00`, AccessionNumber: `ACC${2000 + i}` }));
    const nodeId = (await call<PacsSettingsView>('pacs:settings', {})).nodes[0].id;
    await call<WorklistEntry[]>('worklist:query', { nodeId, from: TODAY, to: TODAY });
    await new Promise((r) => setTimeout(r, 1500));
    const paused = await call<PredraftStatus>('predraft:status', {});
    expect(paused.paused).toBe(true);
    // The new studies wait (with the earlier ones, queued again by the query, which will be skipped: drafted already).
    expect(paused.jobs.filter((j) => more.includes(j.studyInstanceUid)).map((j) => [j.studyInstanceUid, j.state])).toEqual(more.map((uid) => [uid, 'waiting']));
    expect(paused.jobs.every((j) => j.state === 'waiting')).toBe(true);

    const last = more[2];
    const prioritised = await call<PredraftStatus>('predraft:prioritise', { studyInstanceUid: last });
    expect(prioritised.jobs[0].studyInstanceUid).toBe(last);
    await call('predraft:setPaused', { paused: false });
    await until('the new studies pre-drafted', async () => {
      const status = await call<PredraftStatus>('predraft:status', {});
      return status.jobs.every((j) => j.state === 'ready') ? status : null;
    }, 120_000, () => call('predraft:status', {}));
    const db = new Database(join(dir, 'radraft.db'), { readonly: true });
    const order = (db.prepare('SELECT study_instance_uid AS s FROM draft_history ORDER BY id DESC LIMIT 3').all() as { s: string }[]).map((r) => r.s).reverse();
    db.close();
    expect(order[0]).toBe(last);
    expect(new Set(order)).toEqual(new Set(more));
  }, 180_000);

  it('opening a worklist study retrieves it and shows its draft; the signed report goes to the PACS as SR', async () => {
    const nodeId = (await call<PacsSettingsView>('pacs:settings', {})).nodes[0].id;
    const list = await call<WorklistEntry[]>('worklist:query', { nodeId, from: TODAY, to: TODAY });
    const entry = list.find((e) => e.modalities.includes('CR') && e.studyInstanceUid !== worklistUids[0])!;
    const opened = await call<OpenResult>('worklist:open', { nodeId, studyInstanceUid: entry.studyInstanceUid });
    expect(opened.studies.map((s) => s.studyInstanceUid)).toContain(entry.studyInstanceUid);
    const record = (await call<ReportRecord>('report:get', { studyInstanceUid: entry.studyInstanceUid }))!;
    const signed = await call<ReportRecord>('report:sign', { studyInstanceUid: entry.studyInstanceUid, signedBy: 'Dr Rosalind Franklin', sections: record.sections, baseRevision: record.revision, accept: ['findings', 'impression', 'technique', 'comparison'] });
    expect(signed.status).toBe('final');
    const sent = await call<{ node: string }>('report:sendToPacs', { studyInstanceUid: entry.studyInstanceUid, nodeId });
    expect(sent.node).toMatch(/Radiology PACS/);
    const series = await orthanc.get<{ MainDicomTags: { Modality: string } }[]>('/series?expand');
    expect(series.some((s) => s.MainDicomTags.Modality === 'SR')).toBe(true);
    // Reported studies go to the end of the worklist.
    const after = await call<WorklistEntry[]>('worklist:query', { nodeId, from: TODAY, to: TODAY });
    expect(after.at(-1)).toMatchObject({ studyInstanceUid: entry.studyInstanceUid, report: 'signed' });
  }, 120_000);

  it('opens and pre-drafts a file dropped into the watched folder', async () => {
    const watched = mkdtempSync(join(tmpdir(), 'radraft-watched-'));
    try {
      boundary.next.folder = watched;
      expect((await call<PacsSettingsView>('pacs:chooseWatchedFolder', { clear: false })).predraft.watchedFolder).toBe(watched);
      copyFileSync(WATCHED, join(watched, 'from-the-router.dcm'));
      const status = await until('the watched file pre-drafted', async () => {
        const s = await call<PredraftStatus>('predraft:status', {});
        return s.jobs.find((j) => j.source.kind === 'folder' && j.state === 'ready') ? s : null;
      }, 120_000, () => call('predraft:status', {}));
      const job = status.jobs.find((j) => j.source.kind === 'folder')!;
      expect(job.reason).toBeNull();
      const record = await call<ReportRecord | null>('report:get', { studyInstanceUid: job.studyInstanceUid });
      expect(record?.provenance?.modelName).toMatch(/demo/);
      expect(record?.ai.findings).toMatchObject({ accepted: false, text: record?.sections.findings });
    } finally {
      await call('pacs:chooseWatchedFolder', { clear: true });
      rmSync(watched, { recursive: true, force: true });
    }
  }, 180_000);
});
