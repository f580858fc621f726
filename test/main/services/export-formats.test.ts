// Every export format through the services (the export worker included), after a restart: the study comes from the
// report database, its images from where they were opened. Each file is checked by its independent validator.
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { HL7Message } from 'hl7v2';
import { decodeIpcError } from '../../../app/ipc/errors';
import { emptySections } from '../../../app/domain/report';
import { dciodvfy, dsrdump, pdftotext } from '../../support/validators';
import { SAMPLES_DIR } from './fake-deps';
import { servicesPerTest } from './services-per-test';

const PA = 'siim_1.2.276.0.7230010.3.1.4.8323329.4904.1517875185.355709.dcm';
const require = createRequire(import.meta.url);
const JSONSchemaValidator = require('@asymmetrik/fhir-json-schema-validator') as new () => { validate(r: unknown, verbose?: boolean): unknown[] };

const app = servicesPerTest('radraft-export-formats-');

async function signedStudy(): Promise<string> {
  const { studies } = await app.services.handlers['studies:openPaths']({ paths: [join(SAMPLES_DIR, PA)] });
  const uid = studies[0].studyInstanceUid;
  const saved = await app.services.handlers['report:save']({ studyInstanceUid: uid, baseRevision: 0, sections: { ...emptySections(), indication: 'Cough.', findings: 'Right apical pneumothorax | 2 cm ^ rim.', impression: 'Pneumothorax.' } });
  await app.services.handlers['report:sign']({ studyInstanceUid: uid, signedBy: 'Dr Ada Lovelace', sections: saved.sections, baseRevision: saved.revision, accept: [] });
  return uid;
}

describe('report:export in every format', () => {
  it('writes SR, PDF, FHIR, HL7 and a de-identified folder that pass their validators, after a restart', async () => {
    const uid = await signedStudy();
    await app.restart();

    const exportTo = async (format: string, name: string, options: unknown = {}) => {
      app.boundary.next.save = join(app.dir, name);
      const result = (await app.call('report:export', { studyInstanceUid: uid, format, options })) as { filePath: string };
      expect(result.filePath).toBe(join(app.dir, name));
      return result.filePath;
    };

    const sr = await exportTo('sr', 'report.dcm');
    expect(dciodvfy(sr).errors).toEqual([]);
    expect(dsrdump(sr)).toContain('Right apical pneumothorax | 2 cm ^ rim.');

    const pdf = await exportTo('pdf', 'report.pdf', { keyImage: true });
    expect(pdftotext(pdf).replace(/\s+/g, ' ')).toContain('Right apical pneumothorax | 2 cm ^ rim.');

    const fhir = await exportTo('fhir', 'report.json');
    expect(new JSONSchemaValidator().validate(JSON.parse(readFileSync(fhir, 'utf8')), true)).toEqual([]);

    const hl7 = await exportTo('hl7', 'report.hl7');
    const message = HL7Message.parse(readFileSync(hl7, 'utf8'));
    const lines = message.segments.filter((s) => s.segmentType === 'OBX').map((s) => String(s.field(5).getValue() ?? ''));
    expect(lines).toContain('Right apical pneumothorax | 2 cm ^ rim.');

    const folder = await exportTo('deidentified', 'deid', { deidentify: { retainModifiedDates: true, cleanDescriptors: true, confirmBurnedInAnnotation: false } });
    expect(readdirSync(folder).sort()).toEqual(['IMG0001.dcm', 'README.txt', 'report-sr.dcm', 'report.txt']);
    expect(dciodvfy(join(folder, 'report-sr.dcm')).errors).toEqual([]);
    // No temp file or folder is left beside the exports.
    expect(readdirSync(app.dir).filter((n) => n.startsWith('.'))).toEqual([]);
    expect(app.boundary.saveRequests.slice(-1)[0]).toBe('radraft-deidentified');
  });

  it('refuses SR, FHIR, HL7 and de-identified exports of an unsigned report before asking where to save', async () => {
    const { studies } = await app.services.handlers['studies:openPaths']({ paths: [join(SAMPLES_DIR, PA)] });
    const uid = studies[0].studyInstanceUid;
    await app.services.handlers['report:save']({ studyInstanceUid: uid, baseRevision: 0, sections: { ...emptySections(), findings: 'Draft.' } });
    for (const format of ['sr', 'fhir', 'hl7', 'deidentified']) {
      const refused = await app.call('report:export', { studyInstanceUid: uid, format }).catch((e: unknown) => decodeIpcError(e));
      expect(refused).toMatchObject({ code: 'export', message: expect.stringMatching(/Only a signed report can be exported/) });
    }
    expect(app.boundary.saveRequests).toEqual([]);
    app.boundary.next.save = join(app.dir, 'draft.pdf');
    await app.call('report:export', { studyInstanceUid: uid, format: 'pdf' });
    expect(pdftotext(join(app.dir, 'draft.pdf'))).toContain('DRAFT');
  });

  it('does not replace an existing folder with a de-identified copy', async () => {
    const uid = await signedStudy();
    app.boundary.next.save = SAMPLES_DIR;
    const refused = await app.call('report:export', { studyInstanceUid: uid, format: 'deidentified', options: { deidentify: { retainModifiedDates: false, cleanDescriptors: false, confirmBurnedInAnnotation: false } } }).catch((e: unknown) => decodeIpcError(e));
    expect(refused).toMatchObject({ code: 'export', message: expect.stringMatching(/already exists/) });
    expect(existsSync(join(SAMPLES_DIR, 'IMG0001.dcm'))).toBe(false);
  });
});
