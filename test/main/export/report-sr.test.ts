import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildReportSr, reportSrUids } from '../../../main/export/sr/report-sr';
import { readSourceImages, subjectFromImages } from '../../../main/export/report-subject';
import { dciodvfy, dsrdump } from '../../support/validators';
import { MANIFEST_SHA, SIIM, SIIM_SOP_UID, SIIM_STUDY_UID, signedRecord, summaryOf } from './fixtures';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'radraft-sr-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function subject() {
  const summary = summaryOf(SIIM, SIIM_STUDY_UID, SIIM_SOP_UID);
  return subjectFromImages(summary, await readSourceImages(summary));
}

/** dsrdump escapes CR LF inside a value; the report text has plain newlines. */
const unescape = (dump: string): string => dump.replace(/\\r\\n/g, '\n');

describe('DICOM SR export (TID 2000)', () => {
  it('is a valid Basic Text SR by dciodvfy, and dsrdump shows the report text, the signer and the model', async () => {
    const record = signedRecord(SIIM_STUDY_UID);
    const sr = buildReportSr({ record, subject: await subject(), appVersion: '0.1.0' });
    const file = join(dir, 'report.dcm');
    writeFileSync(file, sr.bytes);

    const verdict = dciodvfy(file);
    expect(verdict.errors, verdict.output).toEqual([]);
    expect(verdict.output).toMatch(/BasicTextSR/);

    const dump = unescape(dsrdump(file));
    expect(dump).toContain('(18748-4,LN,"Diagnostic Imaging Report")');
    expect(dump).toMatch(/TID 2000 \(DCMR\)|2000/);
    for (const [heading, text] of [
      ['(121109,DCM,"Indications for Procedure")', record.sections.indication],
      ['(121070,DCM,"Findings")', record.sections.findings],
      ['(121072,DCM,"Impressions")', record.sections.impression],
      ['(121064,DCM,"Current Procedure Descriptions")', record.sections.technique],
    ]) {
      expect(dump).toContain(heading);
      expect(dump).toContain(`="${text}"`);
    }
    expect(dump).not.toContain('Prior Procedure Descriptions'); // Comparison is empty: no section.
    // The signer is the Person Observer and the Verifying Observer; the model is the Device Observer.
    expect(dump).toContain('(121008,DCM,"Person Observer Name")="Lovelace^Ada^^Dr"');
    expect(dump).toContain('(121013,DCM,"Device Observer Name")="Radraft tiny demo (not for clinical use)"');
    expect(dump).toContain(MANIFEST_SHA);
    expect(dump).toContain('Verifying Observers');
    expect(dump).toContain('Lovelace^Ada^^Dr');
    // Per-section provenance, in the text export's words.
    expect(dump).toContain('="This section was AI-drafted, accepted unchanged by the clinician."');
    expect(dump).toContain('="This section was AI-drafted, edited by the clinician."');
    expect(dump).toContain('="This section was written by the clinician."');
  });

  it('takes the patient and study identifiers from the image header and references the image', async () => {
    const sr = buildReportSr({ record: signedRecord(SIIM_STUDY_UID), subject: await subject(), appVersion: '0.1.0' });
    const text = Buffer.from(sr.bytes).toString('latin1');
    for (const value of [SIIM_STUDY_UID, SIIM_SOP_UID, 'fef0ab32-8eb1-442e-93a3-2dd0162cc53a', '19010101', '1.2.840.10008.5.1.4.1.1.7']) expect(text).toContain(value);
  });

  it('exports an addendum as a new SR that repeats the report, adds the addendum and names its predecessor', async () => {
    const s = await subject();
    const original = signedRecord(SIIM_STUDY_UID);
    const first = buildReportSr({ record: original, subject: s, appVersion: '0.1.0' });
    const withAddendum = signedRecord(SIIM_STUDY_UID, {
      addenda: [
        { text: 'Addendum: a 4 mm nodule in the right upper zone on review.', status: 'final', createdAt: '2026-11-28T08:00:00.000Z', updatedAt: '2026-11-28T08:10:00.000Z', signedBy: 'Dr Grace Hopper', signedAt: '2026-11-28T08:10:00.000Z' },
        { text: 'being written', status: 'draft', createdAt: '2026-11-28T09:00:00.000Z', updatedAt: '2026-11-28T09:00:00.000Z', signedBy: null, signedAt: null },
      ],
    });
    const second = buildReportSr({ record: withAddendum, subject: s, appVersion: '0.1.0' });
    expect(second.sopInstanceUid).not.toBe(first.sopInstanceUid);
    expect(second.predecessorUid).toBe(first.sopInstanceUid);
    expect(second.seriesInstanceUid).toBe(first.seriesInstanceUid);
    // The same signatures give the same UIDs: sending twice does not make two reports.
    expect(buildReportSr({ record: original, subject: s, appVersion: '0.1.0' }).sopInstanceUid).toBe(first.sopInstanceUid);
    expect(reportSrUids(withAddendum, s).versions).toEqual([first.sopInstanceUid, second.sopInstanceUid]);

    const file = join(dir, 'addendum.dcm');
    writeFileSync(file, second.bytes);
    const verdict = dciodvfy(file);
    expect(verdict.errors, verdict.output).toEqual([]);
    const dump = unescape(dsrdump(file));
    expect(dump).toContain('(121078,DCM,"Addendum")="Addendum: a 4 mm nodule in the right upper zone on review."');
    expect(dump).not.toContain('being written');
    expect(dump).toContain(original.sections.impression);
    expect(dump).toContain('Hopper^Grace^^Dr');
    expect(dump).toMatch(/Predecessor Docs/);
    expect(Buffer.from(second.bytes).toString('latin1')).toContain(first.sopInstanceUid);
  });

  it('says no model observed a report the clinician wrote alone', async () => {
    const record = signedRecord(SIIM_STUDY_UID, { ai: {}, provenance: null });
    const file = join(dir, 'clinician.dcm');
    writeFileSync(file, buildReportSr({ record, subject: await subject(), appVersion: '0.1.0' }).bytes);
    expect(dciodvfy(file).errors).toEqual([]);
    const dump = dsrdump(file);
    expect(dump).not.toContain('Device');
    expect(dump).not.toContain('AI-drafted');
  });

  it('refuses an unsigned report and a study whose images cannot be read, saying what to do', async () => {
    const s = await subject();
    expect(() => buildReportSr({ record: signedRecord(SIIM_STUDY_UID, { status: 'draft', signedAt: null, signedBy: null }), subject: s, appVersion: '0' })).toThrow(/sign the report first/);
    expect(() => buildReportSr({ record: signedRecord(SIIM_STUDY_UID), subject: { ...s, images: [] }, appVersion: '0' })).toThrow(/Open the study again/);
  });
});
