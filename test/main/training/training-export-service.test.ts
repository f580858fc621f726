// Models → Export training data through the real services and the export worker (fakes only at the Electron boundary).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../../main/services';
import { readHeader } from '../../../main/dicom/index';
import { fakeDeps, type FakeBoundary } from '../services/fake-deps';
import { tempDir } from '../../models/engine/fixtures';

const DICOM = join(__dirname, '../../fixtures/dicom/cxr');

describe('Models → Export training data', () => {
  let scratch: { dir: string; cleanup: () => void };
  let boundary: FakeBoundary;
  let services: Services;
  const folders: (string | null)[] = [];

  beforeEach(async () => {
    scratch = tempDir('training-export');
    boundary = fakeDeps(join(scratch.dir, 'userData'), {});
    boundary.deps.dialogs.openValidationFolder = async () => folders.shift() ?? null;
    services = await createServices(boundary.deps);
  });
  afterEach(async () => {
    await services?.dispose();
    scratch?.cleanup();
  });

  it('writes the signed reports for the active model into the chosen empty folder, in a worker', async () => {
    await expect(services.handlers['models:exportTrainingSet']({})).rejects.toThrow('No report has been signed');
    const h = await readHeader(join(DICOM, 'nih_dx_ap_effusion_implLE_8bit.dcm'));
    const sections = { indication: 'Dyspnoea since 2026-11-01.', technique: '', comparison: '', findings: 'Moderate left pleural effusion.', impression: 'Left pleural effusion.' };
    const saved = await services.handlers['report:save']({ studyInstanceUid: h.studyInstanceUid, sections, baseRevision: 0 });
    await services.handlers['report:sign']({ studyInstanceUid: h.studyInstanceUid, signedBy: 'Dr Test', sections: saved.sections, baseRevision: saved.revision, accept: [] });

    folders.push(DICOM, null);
    expect((await services.handlers['models:exportTrainingSet']({})).cancelled).toBe(true);

    const out = join(scratch.dir, 'training-set');
    folders.push(DICOM, out);
    const r = await services.handlers['models:exportTrainingSet']({});
    expect(r).toEqual({ cancelled: false, outDir: out, train: 1, validation: 0, patients: 1, skipped: 0 });
    const line = JSON.parse(readFileSync(join(out, 'train', 'metadata.jsonl'), 'utf8').trim()) as { prefix: string; suffix: string };
    // The demo model's templates: the indication goes into the prompt, its date scrubbed.
    expect(existsSync(join(out, 'validation'))).toBe(false); // one patient: no validation split, no empty folder
    expect(line).toMatchObject({ prefix: 'report en INDICATION: Dyspnoea since XXXX.', suffix: 'FINDINGS: Moderate left pleural effusion.\nIMPRESSION: Left pleural effusion.' });

    folders.push(DICOM, out);
    await expect(services.handlers['models:exportTrainingSet']({})).rejects.toThrow('is not empty');
  });
});
