// The plain-text form of a report: what export writes and copy puts on the clipboard. Pure: no I/O, no clock.
import { SECTION_NAMES, type ReportRecord, type SectionName } from '../domain/report';
import type { StudySummary } from '../domain/study';
import { describeOrigin, hasAiText, sectionOrigins } from './review';
import { formatDicomDate } from '../dicom/date';
import { formatPersonName } from '../dicom/person-name';
import { oneLine } from '../text/one-line';
import { identityNotes } from '../domain/identity';
import { NOT_VALIDATED_NOTE } from '../eval/validation-record';

export const HEADINGS: Record<SectionName, string> = {
  indication: 'INDICATION',
  technique: 'TECHNIQUE',
  comparison: 'COMPARISON',
  findings: 'FINDINGS',
  impression: 'IMPRESSION',
};

/** Identifiers printed in the header; null when the study's files are not known (shown as "not recorded"). */
export type StudyIdentity = Pick<
  StudySummary,
  'studyInstanceUid' | 'patientName' | 'patientId' | 'studyDate' | 'studyDescription' | 'accessionNumber' | 'modalities' | 'identityConflict' | 'splitFrom'
>;

export interface ExportTextInput {
  record: ReportRecord;
  study: StudyIdentity | null;
  /** ISO timestamp of the export, from the caller's clock. */
  exportedAt: string;
  appVersion: string;
  /** The drafting model's validation on this workstation (validationSummaryLine), or null: "not validated here". */
  modelValidation?: string | null;
}

/** True when any section holds text that came from the model (edited or not). */
export function isAiAssisted(record: ReportRecord): boolean {
  return hasAiText(record.sections, record.ai);
}

/**
 * One line of the header: the label padded to a column, then the value (or "not recorded"). The value is one line
 * whatever it holds (oneLine): a value from a file or a signer cannot write a line of the report.
 */
function fieldLine(label: string, value: string): string {
  return `${(label + ':').padEnd(20)}${value.trim() === '' ? 'not recorded' : oneLine(value.trim())}`;
}

export function formatReportText({ record, study, exportedAt, appVersion, modelValidation }: ExportTextInput): string {
  const lines: string[] = [];
  lines.push('RADIOLOGY REPORT', '================', '');
  const field = (label: string, value: string): void => void lines.push(fieldLine(label, value));
  field('Patient', formatPersonName(study?.patientName ?? ''));
  field('Patient ID', study?.patientId ?? '');
  field('Study date', formatDicomDate(study?.studyDate ?? ''));
  field('Accession number', study?.accessionNumber ?? '');
  field('Study', study?.studyDescription ?? '');
  field('Modality', study?.modalities.join(', ') ?? '');
  field('Study Instance UID', study?.splitFrom ?? record.studyInstanceUid);
  for (const [label, text] of study ? identityNotes(study) : []) field(label, text);
  lines.push('');
  if (record.status === 'final') {
    field('Status', 'FINAL');
    field('Signed by', record.signedBy ?? '');
    field('Signed at', formatTimestamp(record.signedAt ?? ''));
  } else {
    field('Status', 'DRAFT - not signed');
  }
  const signedAddenda = record.addenda.filter((a) => a.status === 'final').length;
  if (signedAddenda > 0) field('Addenda', `${signedAddenda} signed, printed after the report`);
  field('Report created', formatTimestamp(record.createdAt));
  field('Last changed', formatTimestamp(record.updatedAt));
  field('Revision', String(record.revision));

  lines.push(...sectionLines(record), ...aiStatementLines(record, modelValidation ?? null), ...addendumLines(record));

  lines.push('', `Exported ${formatTimestamp(exportedAt)} by Radraft ${appVersion}.`, '');
  return lines.join('\n');
}

/**
 * The sections. When the model wrote any of the report, each heading says where its text came from: written by the
 * clinician, AI-drafted and edited, AI-drafted and accepted unchanged, or AI-drafted and not reviewed.
 */
function sectionLines(record: ReportRecord): string[] {
  const lines: string[] = [];
  const origins = sectionOrigins(record.sections, record.ai);
  const perSection = isAiAssisted(record);
  for (const name of SECTION_NAMES) {
    const origin = perSection ? describeOrigin(origins[name], record.status === 'final') : '';
    const heading = origin === '' ? HEADINGS[name] : `${HEADINGS[name]} (${origin})`;
    lines.push('', heading, '-'.repeat(heading.length));
    const text = normaliseNewlines(record.sections[name]).trim();
    lines.push(text === '' ? '(none)' : text);
  }
  return lines;
}

/** Which model drafted parts of the report; the section headings say what the clinician did with each part. */
export function aiStatementLines(record: ReportRecord, modelValidation: string | null): string[] {
  const p = record.provenance;
  if (!isAiAssisted(record) || !p) return ['', 'All sections were written by the clinician; this report holds no AI-drafted text.'];
  return [
    '',
    'AI-ASSISTED DRAFT',
    '-----------------',
    `AI-assisted draft: parts of this report were drafted by the AI model "${oneLine(p.modelName)}". Each section's heading says whether a clinician edited it, accepted it unchanged, or has not reviewed it.`,
    fieldLine('Model', p.modelName),
    modelValidationLine(modelValidation),
    fieldLine('Manifest sha256', p.manifestSha256),
    fieldLine('Weights dtype', p.dtype),
    fieldLine('Drafted at', formatTimestamp(p.startedAt)),
    fieldLine('Image SOP UID', p.sopInstanceUid),
  ];
}

/** Signed addenda, oldest first, each with its own signer and time; one still being written is not printed. */
function addendumLines(record: ReportRecord): string[] {
  const lines: string[] = [];
  record.addenda
    .filter((a) => a.status === 'final')
    .forEach((a, i) => {
      const heading = `ADDENDUM ${i + 1}`;
      lines.push('', heading, '-'.repeat(heading.length));
      lines.push(fieldLine('Signed by', a.signedBy ?? ''), fieldLine('Signed at', formatTimestamp(a.signedAt ?? '')));
      lines.push(normaliseNewlines(a.text).trim());
    });
  return lines;
}

/** The model's local validation, printed under its name: a model never validated here says so. */
export function modelValidationLine(validation: string | null): string {
  return fieldLine('Model validation', validation ?? NOT_VALIDATED_NOTE);
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
