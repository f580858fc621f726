// A signed, partly AI-drafted report on a real chest radiograph, shared by the export tests.
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import type { ReportRecord } from '../../../app/domain/report';
import type { StudySummary } from '../../../app/domain/study';

export const ROOT = join(__dirname, '../../..');
export const SIIM = join(ROOT, 'test/fixtures/dicom/cxr/siim_1.2.276.0.7230010.3.1.4.8323329.4904.1517875185.355709.dcm');
export const SIIM_STUDY_UID = '1.2.276.0.7230010.3.1.2.8323329.4904.1517875185.355708';
export const SIIM_SOP_UID = '1.2.276.0.7230010.3.1.4.8323329.4904.1517875185.355709';

/** A study summary as the study list makes it, for one file. */
export function summaryOf(filePath: string, studyInstanceUid: string, sopInstanceUid: string, patientName = '', patientId = ''): StudySummary {
  return {
    studyInstanceUid,
    patientName,
    patientId,
    studyDate: '',
    studyDescription: '',
    accessionNumber: '',
    modalities: ['CR'],
    images: [{ imageId: `${filePath}#0`, filePath, sopInstanceUid, seriesInstanceUid: '', studyInstanceUid, modality: 'CR', viewPosition: 'PA', rows: 1024, columns: 1024, frames: 1 }],
  };
}

export const MANIFEST_SHA = 'ab12'.repeat(16);

/** Findings accepted unchanged, Impression edited, Indication and Technique the clinician's own; one signed addendum. */
export function signedRecord(studyInstanceUid: string, overrides: Partial<ReportRecord> = {}): ReportRecord {
  const findings = 'The lungs are clear.\nNo pleural effusion | no pneumothorax ^ ~ \\ & all fine.';
  return {
    version: 2,
    studyInstanceUid,
    sections: {
      indication: 'Cough for 3 weeks; ex-smoker.',
      technique: 'PA erect chest radiograph.',
      comparison: '',
      findings,
      impression: 'No acute cardiopulmonary abnormality (edited).',
    },
    status: 'final',
    signedBy: 'Dr Ada Lovelace',
    signedAt: '2026-11-27T10:05:00.000Z',
    createdAt: '2026-11-27T09:00:00.000Z',
    updatedAt: '2026-11-27T10:05:00.000Z',
    revision: 7,
    provenance: {
      draftId: 'd1',
      modelName: 'Radraft tiny demo (not for clinical use)',
      manifestSha256: MANIFEST_SHA,
      dtype: 'fp32',
      prompt: 'report en',
      sopInstanceUid: SIIM_SOP_UID,
      window: null,
      generation: { maxTokens: 100, greedy: true },
      startedAt: '2026-11-27T09:01:00.000Z',
      finishedAt: '2026-11-27T09:01:05.000Z',
      aiDraft: { findings, impression: 'No acute cardiopulmonary abnormality.' },
    },
    ai: {
      findings: { text: findings, draftedAt: '2026-11-27T09:01:00.000Z', accepted: true },
      impression: { text: 'No acute cardiopulmonary abnormality.', draftedAt: '2026-11-27T09:01:00.000Z', accepted: false },
    },
    undo: null,
    addenda: [],
    ...overrides,
  };
}

export function bytesOf(file: string): Uint8Array {
  return new Uint8Array(readFileSync(file));
}
