// Models → Validate through the real services (fakes only at the Electron boundary): the eval worker, the record kept
// beside the model, the model card's summary, "not validated here" in exports until then, stopping and continuing.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServices, DATABASE_FILE, type Services } from '../../../main/services';
import { ReportStore } from '../../../main/storage/report-store';
import { readHeader } from '../../../main/dicom/index';
import type { ModelSummary, ValidationProgress } from '../../../app/domain/model';
import { fakeDeps, type FakeBoundary } from '../services/fake-deps';
import { tempDir } from '../../models/engine/fixtures';
import { signReport } from './sign-reports';

const GOLDEN_DEV = join(__dirname, '../../fixtures/eval/golden-dev');
const DICOM = join(__dirname, '../../fixtures/dicom/cxr');
const BARRE = join(DICOM, 'barre_CR-MONO1-10-chest_nometa.dcm');

/** The first `n` golden dev cases in a dataset folder of their own (image paths made relative to it). */
function smallDataset(dir: string, n: number): string {
  const folder = join(dir, `dataset-${n}`);
  mkdirSync(folder, { recursive: true });
  const rows = readFileSync(join(GOLDEN_DEV, 'reports.jsonl'), 'utf8').trim().split('\n').slice(0, n);
  const moved = rows.map((line) => {
    const row = JSON.parse(line) as { file: string };
    return JSON.stringify({ ...row, file: relative(folder, join(GOLDEN_DEV, row.file)) });
  });
  writeFileSync(join(folder, 'reports.jsonl'), `${moved.join('\n')}\n`);
  return folder;
}

describe('Models → Validate', () => {
  let scratch: { dir: string; cleanup: () => void };
  let boundary: FakeBoundary;
  let services: Services;
  const demo = async (): Promise<ModelSummary> => {
    const m = (await services.handlers['models:list']({})).find((x) => x.id === 'demo');
    if (!m) throw new Error('no demo model');
    return m;
  };

  beforeEach(async () => {
    scratch = tempDir('validate');
    boundary = fakeDeps(join(scratch.dir, 'userData'));
    services = await createServices(boundary.deps);
  });
  afterEach(async () => {
    await services?.dispose();
    scratch?.cleanup();
  });

  /** A signed report whose AI draft came from the demo model, for the export text. */
  async function signedDemoReport(): Promise<string> {
    const h = await readHeader(BARRE);
    const model = await demo();
    const store = ReportStore.open(join(boundary.deps.userDataDir, DATABASE_FILE));
    signReport(store, h, { findings: 'Heart size and mediastinal contour are within normal limits.', impression: 'No acute cardiopulmonary findings.' }, {
      name: model.name,
      manifestSha256: model.manifestSha256,
      dtype: model.dtype,
    });
    store.close();
    return h.studyInstanceUid;
  }

  it('validates on a dataset folder in a worker, keeps the record beside the model and shows it on the card and in exports', async () => {
    const uid = await signedDemoReport();
    expect((await demo()).validation).toBeNull();
    expect((await services.handlers['report:copy']({ studyInstanceUid: uid })).text).toMatch(/Model validation: +not validated here/);

    boundary.next.folder = smallDataset(scratch.dir, 3);
    const r = await services.handlers['models:validate']({ modelId: 'demo', source: 'folder' });
    expect(r.cancelled).toBe(false);
    expect(r.model?.validation).toMatchObject({ caseCount: 3, source: 'folder', hasReport: true });
    expect(r.model?.validation?.summary).toMatch(/^validated on 3 local studies on \d{4}-\d{2}-\d{2}: CheXpert micro-F1 1\.00, ROUGE-L 1\.00, BLEU-4 1\.00, CIDEr-D 10\.00$/);
    const progress = boundary.events.filter((e) => e.event === 'models:validateProgress').map((e) => e.payload as ValidationProgress);
    expect(progress.at(-1)).toMatchObject({ modelId: 'demo', jobId: r.jobId, done: 3, total: 3 });

    const recordFile = join(boundary.deps.modelsDir, '.validation', 'demo', 'record.json');
    const record = JSON.parse(readFileSync(recordFile, 'utf8')) as { version: number; manifestSha256: string };
    expect(record.version).toBe(1);
    expect(record.manifestSha256).toBe((await demo()).manifestSha256);
    expect((await demo()).validation?.summary).toBe(r.model?.validation?.summary);
    expect((await services.handlers['report:copy']({ studyInstanceUid: uid })).text).toContain(`Model validation:   ${r.model?.validation?.summary}`);

    const opened = await services.handlers['models:openValidationReport']({ modelId: 'demo' });
    expect(opened.opened).toBe(false); // no shell in tests: the path is returned instead
    expect(readFileSync(opened.path, 'utf8')).toContain('<title>Radraft validation');

    // A record made on other files (re-imported model) or damaged no longer counts.
    writeFileSync(recordFile, JSON.stringify({ ...record, manifestSha256: '0'.repeat(64) }));
    expect((await demo()).validation).toBeNull();
    writeFileSync(recordFile, '{"version": 1, "modelName": ');
    expect((await demo()).validation).toBeNull();
    writeFileSync(recordFile, JSON.stringify({ ...record, version: 99 }));
    expect((await demo()).validation).toBeNull();
  });

  it('validates on the signed reports, their images found in the chosen folder', async () => {
    await signedDemoReport();
    boundary.next.folder = DICOM;
    const r = await services.handlers['models:validate']({ modelId: 'demo', source: 'signed' });
    expect(r.model?.validation).toMatchObject({ caseCount: 1, source: 'signed' });
    expect(r.model?.validation?.summary).toMatch(/^validated on 1 signed local reports on /);
  });

  it('does nothing when the folder dialog is cancelled, and refuses signed validation with nothing signed', async () => {
    boundary.next.folder = null;
    expect(await services.handlers['models:validate']({ modelId: 'demo', source: 'folder' })).toEqual({ cancelled: true, jobId: null, model: null });
    await expect(services.handlers['models:validate']({ modelId: 'demo', source: 'signed' })).rejects.toThrow('No report has been signed');
    await expect(services.handlers['models:validate']({ modelId: 'nope', source: 'folder' })).rejects.toThrow('There is no installed model "nope"');
    boundary.next.folder = scratch.dir;
    await expect(services.handlers['models:validate']({ modelId: 'demo', source: 'folder' })).rejects.toThrow('There is no reports.jsonl');
  });

  it('stops when asked, keeps the drafted cases, and continues from them next time', async () => {
    await services.dispose();
    let jobToStop: string | null = null;
    const progress: ValidationProgress[] = [];
    boundary = fakeDeps(join(scratch.dir, 'userData2'), {
      emit: (event, payload) => {
        if (event !== 'models:validateProgress') return;
        progress.push(payload as ValidationProgress);
        if ((payload as ValidationProgress).done === 1) jobToStop = (payload as ValidationProgress).jobId;
      },
    });
    services = await createServices(boundary.deps);
    boundary.next.folder = smallDataset(scratch.dir, 3);
    const running = services.handlers['models:validate']({ modelId: 'demo', source: 'folder' });
    await expect.poll(() => jobToStop, { timeout: 60_000, interval: 10 }).not.toBeNull();
    expect(await services.handlers['models:cancelValidation']({ jobId: jobToStop ?? '' })).toEqual({ cancelled: true });
    expect(await running).toMatchObject({ cancelled: true, model: null });
    expect((await demo()).validation).toBeNull();
    const runs = join(boundary.deps.modelsDir, '.validation', 'demo', 'runs');
    expect(existsSync(runs)).toBe(true);

    progress.length = 0;
    const again = await services.handlers['models:validate']({ modelId: 'demo', source: 'folder' });
    expect(again.model?.validation?.caseCount).toBe(3);
    // Continued: the run started with the stopped run's cases already done, it never stood at 0 of 3.
    expect(progress.some((p) => p.message === 'Drafted 0 of 3 cases')).toBe(false);
    expect(progress.at(-1)).toMatchObject({ done: 3, total: 3 });
    expect(await services.handlers['models:cancelValidation']({ jobId: 'not-running' })).toEqual({ cancelled: false });
  });
});
