// The reading room's services on the real parts: the dcmodify-made fixtures (test/fixtures/reading), the real
// DICOM engine workers and the real SQLite file, through the same dispatch the renderer's calls take.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createServices, DATABASE_FILE, type Services } from '../../../main/services';
import { dispatch } from '../../../main/ipc/dispatch';
import { toTransportError } from '../../../main/ipc/errors';
import { decodeIpcError } from '../../../app/ipc/errors';
import { emptySections } from '../../../app/domain/report';
import type { StudySummary } from '../../../app/domain/study';
import type { PriorStudy } from '../../../app/ipc/contract';
import type { Measurement } from '../../../app/domain/measurement';
import type { ReportingAids } from '../../../app/report/reporting-aids';
import { fakeDeps, type FakeBoundary } from '../services/fake-deps';

const FIXTURES = join(__dirname, '../../fixtures/reading');
const file = (name: string) => join(FIXTURES, name);
const CURRENT_UID = '2.25.110000000000000000000000000000011';
const PRIOR_UID = '2.25.110000000000000000000000000000021';
const OLDER_UID = '2.25.110000000000000000000000000000031';

let dir: string;
let boundary: FakeBoundary;
let services: Services;
let aidsFile: string | null = null;
let aidsSave: string | null = null;

async function start(): Promise<void> {
  boundary = fakeDeps(dir);
  boundary.deps.dialogs.openAidsFile = async () => aidsFile;
  boundary.deps.dialogs.saveAidsFile = async () => aidsSave;
  services = await createServices(boundary.deps);
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'radraft-reading-'));
  await start();
});
afterEach(async () => {
  await services.dispose();
  rmSync(dir, { recursive: true, force: true });
});

async function call<T>(channel: string, payload: unknown): Promise<T> {
  try {
    return (await dispatch(services.handlers, channel, payload)) as T;
  } catch (error) {
    throw toTransportError(error);
  }
}

async function restart(): Promise<void> {
  await services.dispose();
  await start();
}

describe('reading room services', () => {
  it('reads what the reading room hangs and finds priors by: issuer, birth date, orientation, position', async () => {
    const { studies } = await services.handlers['studies:openPaths']({ paths: [file('rita-2025-06-10-pa.dcm'), file('rita-2025-06-10-lateral.dcm')] });
    expect(studies).toHaveLength(1);
    const study = studies[0];
    expect(study).toMatchObject({ studyInstanceUid: CURRENT_UID, issuerOfPatientId: 'RADRAFT-TEST', patientBirthDate: '19580314' });
    expect(study.images.map((i) => [i.viewPosition, i.patientOrientation, i.patientPosition, i.patientOrientationCode, i.seriesDescription])).toEqual([
      ['PA', 'L\\F', '', 'erect', 'PA'],
      ['LL', 'P\\F', 'ERECT', '', 'LAT'],
    ]);
    const pixels = await services.handlers['image:load']({ imageId: study.images[1].imageId });
    expect([pixels.patientOrientation, pixels.viewPosition]).toEqual(['P\\F', 'LL']);
  });

  it('offers the same patient’s earlier studies, open or remembered, never another issuer’s or another birth date’s', async () => {
    await services.handlers['studies:openPaths']({ paths: [FIXTURES] });
    const priors = await call<PriorStudy[]>('studies:priors', { studyInstanceUid: CURRENT_UID });
    expect(priors.map((p) => [p.study.studyInstanceUid, p.study.studyDate, p.open])).toEqual([
      [PRIOR_UID, '20240302', true],
      [OLDER_UID, '20230115', true],
    ]);
    // Sign the prior's report, restart: the database remembers the study and its report.
    await services.handlers['report:save']({ studyInstanceUid: PRIOR_UID, sections: { ...emptySections(), impression: 'No acute disease.' }, baseRevision: 0 });
    await services.handlers['report:sign']({ studyInstanceUid: PRIOR_UID, signedBy: 'Dr A', sections: { ...emptySections(), impression: 'No acute disease.' }, baseRevision: 1, accept: [] });
    await restart();
    await services.handlers['studies:openPaths']({ paths: [file('rita-2025-06-10-pa.dcm')] });
    const remembered = await call<PriorStudy[]>('studies:priors', { studyInstanceUid: CURRENT_UID });
    expect(remembered.map((p) => [p.study.studyInstanceUid, p.open, p.report?.status ?? null])).toEqual([
      [PRIOR_UID, false, 'final'],
      [OLDER_UID, false, null],
    ]);
    // Compare opens its files again.
    const reopened = await call<StudySummary>('studies:openPrior', { studyInstanceUid: PRIOR_UID });
    expect(reopened.images).toHaveLength(1);
    expect((await services.handlers['studies:list']({})).map((s) => s.studyInstanceUid).sort()).toEqual([CURRENT_UID, PRIOR_UID].sort());
  });

  it('says so when a remembered prior’s files have moved', async () => {
    const moved = join(dir, 'prior.dcm');
    writeFileSync(moved, readFileSync(file('rita-2024-03-02-pa.dcm')));
    await services.handlers['studies:openPaths']({ paths: [moved] });
    await restart();
    rmSync(moved);
    await services.handlers['studies:openPaths']({ paths: [file('rita-2025-06-10-pa.dcm')] });
    const error = await call('studies:openPrior', { studyInstanceUid: PRIOR_UID }).catch((e: unknown) => decodeIpcError(e));
    expect(error).toMatchObject({ code: 'not-found', message: expect.stringMatching(/no longer where they were opened from .*prior\.dcm/) });
  });

  it('closes a study and gives each open study its report status from the stored record', async () => {
    await services.handlers['studies:openPaths']({ paths: [FIXTURES] });
    await services.handlers['report:save']({ studyInstanceUid: PRIOR_UID, sections: { ...emptySections(), findings: 'Clear.' }, baseRevision: 0 });
    const progress = await call<Record<string, string>>('reports:progress', { studyInstanceUids: [CURRENT_UID, PRIOR_UID] });
    expect(progress).toEqual({ [CURRENT_UID]: 'none', [PRIOR_UID]: 'edited' });
    const before = (await services.handlers['studies:list']({})).length;
    const after = await call<StudySummary[]>('studies:close', { studyInstanceUid: PRIOR_UID });
    expect(after).toHaveLength(before - 1);
    expect(after.some((s) => s.studyInstanceUid === PRIOR_UID)).toBe(false);
    // The report stays.
    expect((await services.handlers['report:get']({ studyInstanceUid: PRIOR_UID }))?.sections.findings).toBe('Clear.');
  });

  it('makes thumbnails of the model view', async () => {
    const { studies } = await services.handlers['studies:openPaths']({ paths: [file('rita-2025-06-10-pa.dcm')] });
    const thumb = await call<{ width: number; height: number; pixels: Uint8Array }>('image:thumbnail', { imageId: studies[0].images[0].imageId });
    expect([thumb.width, thumb.height, thumb.pixels.length]).toEqual([128, 128, 128 * 128]);
    expect(Math.max(...thumb.pixels) - Math.min(...thumb.pixels)).toBeGreaterThan(100);
  });

  it('keeps measurements per image across a restart and deletes them one at a time', async () => {
    const sop = '2.25.110000000000000000000000000001111';
    const length = await call<Measurement>('measurements:add', { sopInstanceUid: sop, shape: { kind: 'length', points: [{ x: 1, y: 2 }, { x: 30, y: 40 }] } });
    const ctr = await call<Measurement>('measurements:add', {
      sopInstanceUid: sop,
      shape: { kind: 'ctr', points: [{ x: 300, y: 600 }, { x: 700, y: 600 }, { x: 150, y: 500 }, { x: 900, y: 500 }] },
    });
    await call('measurements:add', { sopInstanceUid: 'another', shape: { kind: 'angle', points: [{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 10, y: 10 }] } });
    await restart();
    expect((await call<Measurement[]>('measurements:list', { sopInstanceUid: sop })).map((m) => m.id)).toEqual([length.id, ctr.id]);
    await call('measurements:delete', { id: length.id });
    expect((await call<Measurement[]>('measurements:list', { sopInstanceUid: sop })).map((m) => m.shape.kind)).toEqual(['ctr']);
    expect(await call('measurements:delete', { id: length.id }).catch((e: unknown) => decodeIpcError(e).code)).toBe('not-found');
    // A shape with the wrong number of points never reaches the database.
    expect(await call('measurements:add', { sopInstanceUid: sop, shape: { kind: 'angle', points: [{ x: 0, y: 0 }] } }).catch((e: unknown) => decodeIpcError(e).code)).toBe('invalid-request');
  });

  it('starts with the normal chest template and .norm, manages them, exports and imports them as versioned JSON', async () => {
    const aids = await call<ReportingAids>('aids:list', {});
    expect(aids.templates.map((t) => t.name)).toEqual(['Normal chest']);
    expect(aids.snippets.map((s) => s.trigger)).toEqual(['.norm']);
    await call('aids:saveSnippet', { snippet: { trigger: '.cm', text: 'The heart is enlarged.' } });
    const dup = await call('aids:saveSnippet', { snippet: { trigger: '.CM', text: 'x' } }).catch((e: unknown) => decodeIpcError(e));
    expect(dup).toMatchObject({ code: 'validation', message: expect.stringMatching(/already used/) });
    await call('aids:saveTemplate', { template: { name: 'Lines and tubes', sections: { findings: 'ETT tip 5 cm above the carina.' } } });
    aidsSave = join(dir, 'aids.json');
    expect(await call('aids:export', {})).toEqual({ cancelled: false, filePath: aidsSave });
    const exported = JSON.parse(readFileSync(aidsSave, 'utf8')) as { format: string; version: number; templates: unknown[]; snippets: unknown[] };
    expect([exported.format, exported.version, exported.templates.length, exported.snippets.length]).toEqual(['radraft-reporting-aids', 1, 2, 2]);

    // Another workstation imports it: new ones added, same names replaced.
    await restart();
    rmSync(join(dir, DATABASE_FILE));
    await restart();
    aidsFile = aidsSave;
    const imported = await call<{ templates: { added: number; replaced: number }; snippets: { added: number; replaced: number } }>('aids:import', {});
    expect([imported.templates, imported.snippets]).toEqual([{ added: 1, replaced: 1 }, { added: 1, replaced: 1 }]);
    // A damaged file imports nothing and says why.
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...exported, snippets: [{ trigger: 'no-dot', text: 'x' }] }));
    aidsFile = bad;
    expect(await call('aids:import', {}).catch((e: unknown) => decodeIpcError(e))).toMatchObject({ code: 'validation', message: expect.stringMatching(/snippets\.0\.trigger.*Nothing was imported/) });
    writeFileSync(bad, 'not json');
    expect(await call('aids:import', {}).catch((e: unknown) => decodeIpcError(e).message)).toMatch(/not a JSON file/);
    expect((await call<ReportingAids>('aids:list', {})).snippets.map((s) => s.trigger)).toEqual(['.cm', '.norm']);
  });

  it('upgrades a schema-5 database (the last before the reading-room tables): measurements and aids tables appear, the reports stay', async () => {
    await services.handlers['report:save']({ studyInstanceUid: '1.2.3', sections: { ...emptySections(), impression: 'Kept.' }, baseRevision: 0 });
    await services.dispose();
    const db = new Database(join(dir, DATABASE_FILE));
    db.exec('DROP TABLE measurements; DROP TABLE report_templates; DROP TABLE report_snippets; DELETE FROM schema_migrations WHERE version > 5;');
    db.close();
    await start();
    expect((await services.handlers['report:get']({ studyInstanceUid: '1.2.3' }))?.sections.impression).toBe('Kept.');
    expect((await call<ReportingAids>('aids:list', {})).templates.map((t) => t.name)).toEqual(['Normal chest']);
    expect(await call('measurements:list', { sopInstanceUid: 'x' })).toEqual([]);
  });
});
