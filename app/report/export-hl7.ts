// A signed report as an HL7 v2.5.1 ORU^R01 message (HL7 v2.5.1 ch. 7): MSH, PID, OBR for the imaging study, one
// OBX (TX) per line of the text export, so the RIS shows exactly what the text export says. Every value is escaped
// (HL7 v2.5.1 2.7: \F\ \S\ \T\ \R\ \E\) so text holding | ^ ~ \ & cannot break the message. Pure.
import type { ReportRecord } from '../domain/report';
import type { ReportSubject } from './subject';

export interface Hl7ExportInput {
  record: ReportRecord;
  subject: ReportSubject;
  /** The report as the text export writes it. */
  text: string;
  /** MSH-10, at most 20 characters, unique per message. */
  controlId: string;
  /** MSH-7: when the message is made (ISO timestamp). */
  createdAt: string;
  /** The DICOM SR's SOP Instance UID, the same report in the PACS. */
  srInstanceUid: string;
}

/** HL7 v2.5.1 2.7.1 escape sequences for the delimiters of MSH-1/MSH-2 = |^~\&. */
export function escapeHl7(value: string): string {
  return value.replace(/[\\|^~&]/g, (c) => ({ '\\': '\\E\\', '|': '\\F\\', '^': '\\S\\', '~': '\\R\\', '&': '\\T\\' })[c] ?? c).replace(/[\r\n]/g, ' ');
}

/** HL7 TS from an ISO timestamp: YYYYMMDDHHMMSS+0000 (UTC, as Radraft records times). */
function hl7Time(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})/.exec(iso);
  return m ? `${m[1]}${m[2]}${m[3]}${m[4]}${m[5]}${m[6]}+0000` : '';
}

/** DICOM DA + TM (local time of the study, no zone) → HL7 TS. */
function studyTime(da: string, tm: string): string {
  if (!/^\d{8}$/.test(da.trim())) return '';
  const t = /^(\d{2})(\d{2})(\d{2})?/.exec(tm.trim());
  return t ? `${da.trim()}${t[1]}${t[2]}${t[3] ?? ''}` : da.trim();
}

/** PS3.5 Person Name (Family^Given^Middle^Prefix^Suffix) → HL7 XPN components (Family^Given^Middle^Suffix^Prefix). */
function xpn(pn: string): string {
  const [family = '', given = '', middle = '', prefix = '', suffix = ''] = pn.split('=')[0].split('^');
  return trimComponents([family, given, middle, suffix, prefix].map((c) => escapeHl7(c.trim())), '^');
}

function trimComponents(parts: string[], sep: string): string {
  while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  return parts.join(sep);
}

const SEX = new Set(['M', 'F', 'O', 'U']);

export function buildHl7Message(input: Hl7ExportInput): string {
  const { record, subject } = input;
  const signedAddenda = record.addenda.filter((a) => a.status === 'final');
  const lastSigned = signedAddenda.length > 0 ? (signedAddenda[signedAddenda.length - 1].signedAt ?? record.signedAt ?? '') : (record.signedAt ?? '');
  // F: final; C: a signed addendum changed the final result after it was first sent.
  const status = signedAddenda.length > 0 ? 'C' : 'F';
  const facility = escapeHl7(subject.institutionName);
  const field = (...values: string[]): string => values.join('|');

  const segments: string[] = [
    field('MSH', '^~\\&', 'RADRAFT', facility, 'RIS', facility, hl7Time(input.createdAt), '', 'ORU^R01^ORU_R01', escapeHl7(input.controlId), 'P', '2.5.1', '', '', 'AL', 'NE', '', 'UNICODE UTF-8'),
    field(
      'PID',
      '1',
      '',
      subject.patientId ? `${escapeHl7(subject.patientId)}^^^${escapeHl7(subject.issuerOfPatientId)}`.replace(/\^+$/, '') : '',
      '',
      xpn(subject.patientName),
      '',
      /^\d{8}$/.test(subject.patientBirthDate) ? subject.patientBirthDate : '',
      SEX.has(subject.patientSex.trim().toUpperCase()) ? subject.patientSex.trim().toUpperCase() : 'U',
    ),
    field(
      'OBR',
      '1',
      '',
      // OBR-3 filler order number: the accession number when the study has one, else the SR's UID.
      `${escapeHl7(subject.accessionNumber || input.srInstanceUid)}^RADRAFT`,
      '18748-4^Diagnostic Imaging Report^LN',
      '',
      '',
      studyTime(subject.studyDate, subject.studyTime),
      ...Array<string>(10).fill(''),
      escapeHl7(subject.accessionNumber),
      '',
      escapeHl7(subject.studyInstanceUid),
      '',
      hl7Time(lastSigned),
      '',
      escapeHl7(subject.modalities[0] ?? ''),
      status,
      ...Array<string>(6).fill(''),
      // OBR-32 principal result interpreter (NDL; its name is a CNN of & subcomponents).
      `&${escapeHl7(record.signedBy ?? '')}`,
    ),
  ];
  const lines = input.text.replace(/\r\n?/g, '\n').replace(/\n+$/, '').split('\n');
  lines.forEach((line, i) => {
    segments.push(field('OBX', String(i + 1), 'TX', '18782-3^Radiology Study observation (narrative)^LN', '1', escapeHl7(line), '', '', '', '', '', status, '', '', hl7Time(lastSigned)));
  });
  segments.push(field('OBX', String(lines.length + 1), 'ST', '113014^Study Instance UID^DCM', '', escapeHl7(subject.studyInstanceUid), '', '', '', '', '', status));
  return `${segments.join('\r')}\r`;
}
