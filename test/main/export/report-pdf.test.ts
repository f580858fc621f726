import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderReportPdf } from '../../../main/export/pdf/report-pdf';
import { keyImageFrom } from '../../../main/export/pdf/key-image';
import { readSourceImages, subjectFromImages } from '../../../main/export/report-subject';
import { pdftotext } from '../../support/validators';
import { MANIFEST_SHA, SIIM, SIIM_SOP_UID, SIIM_STUDY_UID, bytesOf, signedRecord, summaryOf } from './fixtures';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'radraft-pdf-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** pdftotext wraps where the page wraps: compare with all white space as single spaces. */
const flat = (text: string): string => text.replace(/\s+/g, ' ').trim();

async function subject() {
  const summary = summaryOf(SIIM, SIIM_STUDY_UID, SIIM_SOP_UID);
  return subjectFromImages(summary, await readSourceImages(summary));
}

describe('PDF export', () => {
  it('gives back the report text, the header, the AI statement and the signature through pdftotext', async () => {
    const record = signedRecord(SIIM_STUDY_UID, {
      sections: { ...signedRecord(SIIM_STUDY_UID).sections, comparison: 'Chest radiograph 2025-01-05: Ñandú, Øresund, Ärzte — ok.' },
      addenda: [{ text: 'Nodule reviewed: benign.', status: 'final', createdAt: '2026-11-28T08:00:00.000Z', updatedAt: '2026-11-28T08:10:00.000Z', signedBy: 'Dr Grace Hopper', signedAt: '2026-11-28T08:10:00.000Z' }],
    });
    const key = await keyImageFrom(SIIM, bytesOf(SIIM), `Key image: SOP Instance UID ${SIIM_SOP_UID}`);
    const pdf = await renderReportPdf({ record, subject: await subject(), exportedAt: '2026-11-29T12:00:00.000Z', appVersion: '0.1.0', keyImage: key });
    expect(Buffer.from(pdf.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    const file = join(dir, 'report.pdf');
    writeFileSync(file, pdf);
    const text = flat(pdftotext(file));
    for (const section of Object.values(record.sections)) if (section.trim() !== '') expect(text).toContain(flat(section));
    for (const s of [
      'Radiology report',
      'FINAL — signed by Dr Ada Lovelace at 2026-11-27 10:05 UTC',
      'fef0ab32-8eb1-442e-93a3-2dd0162cc53a',
      '1901-01-01',
      SIIM_STUDY_UID,
      'FINDINGS AI-drafted, accepted unchanged by the clinician',
      'IMPRESSION AI-drafted, edited by the clinician',
      'INDICATION written by the clinician',
      'AI-ASSISTED DRAFT',
      'Radraft tiny demo (not for clinical use)',
      MANIFEST_SHA,
      'Addendum 1',
      'Nodule reviewed: benign.',
      'Signed by Dr Grace Hopper at 2026-11-28 08:10 UTC',
      'Electronically signed by Dr Ada Lovelace',
      'Key image',
      SIIM_SOP_UID,
      'exported 2026-11-29 12:00 UTC by Radraft 0.1.0',
    ]) {
      expect(text).toContain(s);
    }
  });

  it('marks a draft as not signed on the page', async () => {
    const record = signedRecord(SIIM_STUDY_UID, { status: 'draft', signedBy: null, signedAt: null, ai: {}, provenance: null });
    const file = join(dir, 'draft.pdf');
    writeFileSync(file, await renderReportPdf({ record, subject: await subject(), exportedAt: '2026-11-29T12:00:00.000Z', appVersion: '0.1.0' }));
    const text = flat(pdftotext(file));
    expect(text).toContain('DRAFT — not signed. This report is not final.');
    expect(text).toContain('this report holds no AI-drafted text');
    expect(text).not.toContain('Electronically signed');
  });
});
