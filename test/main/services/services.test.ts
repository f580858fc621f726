import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeIpcError } from '../../../app/ipc/errors';
import { SECTION_MAX_CHARS, emptySections } from '../../../app/domain/report';
import { SAMPLES_DIR } from './fake-deps';
import { servicesPerTest } from './services-per-test';
import { writeEdited } from '../dicom/edit-elements';

const PA = 'siim_1.2.276.0.7230010.3.1.4.8323329.4904.1517875185.355709.dcm';
const app = servicesPerTest('radraft-services-');

describe('createServices', () => {
  it('queues files the operating system hands over and tells the renderer to take them', async () => {
    expect(await app.call('studies:takePendingOpens', {})).toEqual([]);
    app.services.requestOpen([SAMPLES_DIR]);
    expect(app.boundary.events.filter((e) => e.event === 'studies:openRequested')).toHaveLength(1);
    const paths = (await app.call('studies:takePendingOpens', {})) as string[];
    expect(paths).toEqual([SAMPLES_DIR]);
    expect(await app.call('studies:takePendingOpens', {})).toEqual([]);
    const result = (await app.call('studies:openPaths', { paths })) as { studies: unknown[] };
    expect(result.studies).toHaveLength(4);
  });

  it('opens the bundled samples', async () => {
    const result = await app.services.handlers['studies:openSamples']({});
    expect(result.problems).toEqual([]);
    expect(result.studies).toHaveLength(4);
    expect(await app.services.handlers['studies:list']({})).toHaveLength(4);
  });

  it('loads the pixels of an opened image through the DICOM engine', async () => {
    const { studies } = await app.services.handlers['studies:openPaths']({ paths: [join(SAMPLES_DIR, 'pydicom966_dx_pa_mono1_12bit_j2k_lossless.dcm')] });
    const image = studies[0].images[0];
    const pixels = await app.services.handlers['image:load']({ imageId: image.imageId });
    expect(pixels).toMatchObject({ imageId: image.imageId, rows: 2128, columns: 2000, photometricInterpretation: 'MONOCHROME1', dtype: 'uint16' });
    expect(pixels.pixels.byteLength).toBe(2128 * 2000 * 2);
    expect(pixels.maxPixelValue).toBe(4095);
  });

  it('returns cancelled when a dialog is dismissed', async () => {
    expect(await app.services.handlers['studies:openDialog']({ kind: 'files' })).toEqual({ studies: [], problems: [], cancelled: true });
    expect(await app.services.handlers['studies:openDialog']({ kind: 'folder' })).toMatchObject({ cancelled: true });
    app.boundary.next.folder = SAMPLES_DIR;
    expect((await app.services.handlers['studies:openDialog']({ kind: 'folder' })).studies).toHaveLength(4);
  });

  it('autosaves, signs, exports and copies a report; the export survives a restart', async () => {
    app.boundary.next.files = [join(SAMPLES_DIR, PA)];
    const { studies } = await app.services.handlers['studies:openDialog']({ kind: 'files' });
    const uid = studies[0].studyInstanceUid;
    expect(await app.services.handlers['report:get']({ studyInstanceUid: uid })).toBeNull();
    const saved = await app.services.handlers['report:save']({ studyInstanceUid: uid, baseRevision: 0, sections: { ...emptySections(), findings: 'Right apical pneumothorax.' } });
    await app.services.handlers['report:sign']({ studyInstanceUid: uid, signedBy: 'Dr Ada', sections: saved.sections, baseRevision: saved.revision, accept: [] });
    expect(saved.revision).toBe(1);

    // A new process: the study identifiers come from the database, not from reopened files.
    await app.restart();
    app.boundary.next.save = join(app.dir, 'out.txt');
    const exported = await app.services.handlers['report:export']({ studyInstanceUid: uid });
    expect(exported).toEqual({ cancelled: false, filePath: join(app.dir, 'out.txt') });
    const text = readFileSync(join(app.dir, 'out.txt'), 'utf8');
    expect(text).toContain('Right apical pneumothorax.');
    expect(text).toContain('Signed by:          Dr Ada');
    expect(text).toContain(`Study Instance UID: ${uid}`);
    expect(text).toContain('Study date:         ');
    expect(app.boundary.saveRequests[0]).toMatch(/^report-.+\.txt$/);

    const copied = await app.services.handlers['report:copy']({ studyInstanceUid: uid });
    expect(app.boundary.clipboard).toEqual([copied.text]);
    expect(copied.text).toContain('Right apical pneumothorax.');
  });

  it('export cancelled in the dialog writes nothing', async () => {
    await app.services.handlers['report:save']({ studyInstanceUid: '1.2', baseRevision: 0, sections: emptySections() });
    expect(await app.services.handlers['report:export']({ studyInstanceUid: '1.2' })).toEqual({ cancelled: true, filePath: null });
  });

  it('surfaces typed errors through the transport: bad payload, stale save, missing report', async () => {
    await expect(app.call('report:save', { studyInstanceUid: '1.2' })).rejects.toSatisfy((e: unknown) => decodeIpcError(e).code === 'invalid-request');
    await expect(app.call('fs:read', {})).rejects.toSatisfy((e: unknown) => decodeIpcError(e).code === 'invalid-request');
    await app.call('report:save', { studyInstanceUid: '1.2', baseRevision: 0, sections: emptySections() });
    const stale = await app.call('report:save', { studyInstanceUid: '1.2', baseRevision: 0, sections: emptySections() }).catch((e: unknown) => decodeIpcError(e));
    expect(stale).toMatchObject({ code: 'conflict' });
    const missing = await app.call('report:export', { studyInstanceUid: '9.9' }).catch((e: unknown) => decodeIpcError(e));
    expect(missing).toMatchObject({ code: 'not-found' });
    const image = await app.call('image:load', { imageId: 'radraft:nope' }).catch((e: unknown) => decodeIpcError(e));
    expect(image).toMatchObject({ code: 'not-found' });
  });

  it('refuses to sign an empty report with a validation error, not a conflict', async () => {
    const saved = (await app.call('report:save', { studyInstanceUid: '1.2', baseRevision: 0, sections: { ...emptySections(), indication: 'Cough.' } })) as { revision: number; sections: unknown };
    const refused = await app.call('report:sign', { studyInstanceUid: '1.2', signedBy: 'Dr A', sections: saved.sections, baseRevision: saved.revision, accept: [] }).catch((e: unknown) => decodeIpcError(e));
    expect(refused).toMatchObject({ code: 'validation', message: expect.stringMatching(/empty report cannot be signed/) });
  });

  it('refuses a section over the size limit with a message that names it and the limit', async () => {
    const findings = 'x'.repeat(SECTION_MAX_CHARS + 1);
    const refused = await app.call('report:save', { studyInstanceUid: '1.2', baseRevision: 0, sections: { ...emptySections(), findings } }).catch((e: unknown) => decodeIpcError(e));
    expect(refused).toMatchObject({ code: 'invalid-request', message: expect.stringMatching(/Findings is too long: 20,001 characters, the limit is 20,000/) });
    expect(await app.call('report:get', { studyInstanceUid: '1.2' })).toBeNull();
    const fits = (await app.call('report:save', { studyInstanceUid: '1.2', baseRevision: 0, sections: { ...emptySections(), findings: findings.slice(1) } })) as { revision: number };
    expect(fits.revision).toBe(1);
  });

  it('refuses to sign or draft a study whose files name different patients until the clinician resolves it', async () => {
    const a = join(app.dir, 'doe.dcm');
    const b = join(app.dir, 'roe.dcm');
    writeEdited(join(SAMPLES_DIR, PA), a, { x00100010: 'Doe^John', x00100020: 'PID-1' });
    writeEdited(join(SAMPLES_DIR, PA), b, { x00100010: 'Roe^Jane', x00100020: 'PID-2', x00080018: '1.2.826.0.1.3680043.2.1143.42' });
    const { studies } = await app.services.handlers['studies:openPaths']({ paths: [a, b] });
    const uid = studies[0].studyInstanceUid;
    const saved = await app.services.handlers['report:save']({ studyInstanceUid: uid, sections: { ...emptySections(), findings: 'Clear.' }, baseRevision: 0 });
    const signing = { studyInstanceUid: uid, signedBy: 'Dr A', sections: saved.sections, baseRevision: saved.revision, accept: [] };
    const sign = await app.call('report:sign', signing).catch((e: unknown) => decodeIpcError(e));
    expect(sign).toMatchObject({ code: 'identity' });
    const draft = await app.call('draft:start', { studyInstanceUid: uid, imageId: studies[0].images[0].imageId, task: 'report' }).catch((e: unknown) => decodeIpcError(e));
    expect(draft).toMatchObject({ code: 'identity' });

    const confirmed = (await app.call('studies:resolveIdentity', { studyInstanceUid: uid, resolution: 'same-patient' })) as typeof studies;
    expect(confirmed[0].identityConflict?.confirmed).toBe(true);
    await app.services.handlers['report:sign'](signing);
    app.boundary.next.save = join(app.dir, 'report.txt');
    await app.services.handlers['report:export']({ studyInstanceUid: uid });
    expect(readFileSync(join(app.dir, 'report.txt'), 'utf8')).toContain(
      'Identity check:     the files name Doe, John (ID PID-1), Roe, Jane (ID PID-2); the clinician confirmed they are one patient',
    );
  });
});
