// The plain-text form of a report: what export writes and copy puts on the clipboard. Pure: no I/O, no clock.
import { SECTION_NAMES, type ReportRecord, type SectionName } from '../domain/report';
import type { StudySummary } from '../domain/study';

const HEADINGS: Record<SectionName, string> = {
  indication: 'INDICATION',
  technique: 'TECHNIQUE',
  comparison: 'COMPARISON',
  findings: 'FINDINGS',
  impression: 'IMPRESSION',
};

/** Identifiers printed in the header; null when the study's files are not known (shown as "not recorded"). */
export type StudyIdentity = Pick<StudySummary, 'studyInstanceUid' | 'patientName' | 'patientId' | 'studyDate' | 'studyDescription' | 'accessionNumber' | 'modalities'>;

export interface ExportTextInput {
  record: ReportRecord;
  study: StudyIdentity | null;
  /** ISO timestamp of the export, from the caller's clock. */
  exportedAt: string;
  appVersion: string;
}

/** True when any section text came from the model. */
export function isAiAssisted(record: ReportRecord): boolean {
  const draft = record.provenance?.aiDraft;
  return draft !== undefined && Object.values(draft).some((text) => (text ?? '').trim() !== '');
}

export function formatReportText({ record, study, exportedAt, appVersion }: ExportTextInput): string {
  const lines: string[] = [];
  lines.push('RADIOLOGY REPORT', '================', '');
  const field = (label: string, value: string): void => {
    lines.push(`${(label + ':').padEnd(20)}${value.trim() === '' ? 'not recorded' : value.trim()}`);
  };
  field('Patient', study?.patientName ?? '');
  field('Patient ID', study?.patientId ?? '');
  field('Study date', formatDicomDate(study?.studyDate ?? ''));
  field('Accession number', study?.accessionNumber ?? '');
  field('Study', study?.studyDescription ?? '');
  field('Modality', study?.modalities.join(', ') ?? '');
  field('Study Instance UID', record.studyInstanceUid);
  lines.push('');
  if (record.status === 'final') {
    field('Status', 'FINAL');
    field('Signed by', record.signedBy ?? '');
    field('Signed at', formatTimestamp(record.signedAt ?? ''));
  } else {
    field('Status', 'DRAFT - not signed');
  }
  field('Report created', formatTimestamp(record.createdAt));
  field('Last changed', formatTimestamp(record.updatedAt));
  field('Revision', String(record.revision));

  for (const name of SECTION_NAMES) {
    const heading = HEADINGS[name];
    lines.push('', heading, '-'.repeat(heading.length));
    const text = normaliseNewlines(record.sections[name]).trim();
    lines.push(text === '' ? '(none)' : text);
  }

  if (isAiAssisted(record) && record.provenance) {
    const p = record.provenance;
    lines.push('', 'AI-ASSISTED DRAFT', '-----------------');
    const review =
      record.status === 'final' ? `It was reviewed, edited as needed and signed by ${record.signedBy ?? 'the clinician'}.`
      : p.reviewed ? 'It has been edited by a clinician but the report is not signed.'
      : 'It has NOT been reviewed by a clinician.';
    lines.push(`AI-assisted draft: parts of this report were drafted by the AI model "${p.modelName}". ${review}`);
    field('Model', p.modelName);
    field('Manifest sha256', p.manifestSha256);
    field('Weights dtype', p.dtype);
    field('Drafted at', formatTimestamp(p.startedAt));
    field('Image SOP UID', p.sopInstanceUid);
  }

  lines.push('', `Exported ${formatTimestamp(exportedAt)} by Radraft ${appVersion}.`, '');
  return lines.join('\n');
}

/** DICOM DA (PS3.5 6.2) YYYYMMDD → YYYY-MM-DD; anything else is printed as stored. */
export function formatDicomDate(da: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(da.trim());
  return m ? `${m[1]}-${m[2]}-${m[3]}` : da.trim();
}

/** ISO timestamp → "YYYY-MM-DD HH:MM UTC", unambiguous across time zones. */
export function formatTimestamp(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}

function normaliseNewlines(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

/** A file name that is safe on Windows, macOS and Linux: report-<patient id>-<study date>.txt */
export function defaultExportFileName(study: StudyIdentity | null, studyInstanceUid: string): string {
  const parts = ['report', study?.patientId || studyInstanceUid.slice(-12), study?.studyDate || ''].filter((p) => p !== '');
  const safe = parts.join('-').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(0, 120);
  return `${safe || 'report'}.txt`;
}
