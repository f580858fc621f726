// A de-identified copy of a study and its report for teaching or research (PS3.15 Annex E, Basic Application Level
// Confidentiality Profile, with the Modified Dates and Clean Descriptors options when chosen): every image through
// deidentify-image.ts with one UID mapping, one date shift and one pseudonym for the whole study; the report as text
// and as DICOM SR, its text scrubbed of the patient's names, identifiers and dates (app/report/deidentify.ts), the
// clinicians' names replaced, all its times shifted or replaced like the images' dates; and a README saying how.
import { createHmac, randomBytes } from 'node:crypto';
import type { DeidentifyOptions } from '../../../app/domain/export';
import type { ReportRecord } from '../../../app/domain/report';
import type { StudySummary } from '../../../app/domain/study';
import { scrubText } from '../../../app/report/deidentify';
import { formatReportText } from '../../../app/report/export-text';
import type { ReportSubject } from '../../../app/report/subject';
import type { SourceImage } from '../report-subject';
import { buildReportSr } from '../sr/report-sr';
import { deidentifyImage, DeidentifyError, type DeidContext, type DeidentifiedImage } from './deidentify-image';

export interface ExportFile {
  /** Path inside the export (a file name, or folder/file for a folder export). */
  name: string;
  bytes: Uint8Array;
}

export interface DeidentifyStudyInput {
  record: ReportRecord;
  summary: StudySummary;
  subject: ReportSubject;
  sources: readonly SourceImage[];
  options: DeidentifyOptions;
  exportedAt: string;
  appVersion: string;
  /** The drafting model's validation line for the report text, or null ("not validated here"). */
  modelValidation?: string | null;
  /** Secret of this export (UID mapping, date shift, pseudonym); random unless a test fixes it. */
  key?: Uint8Array;
}

export interface DeidentifiedStudy {
  files: ExportFile[];
  images: DeidentifiedImage[];
  /** Days every date moved (0 when dates were removed); never written to the export. */
  shiftDays: number;
}

const PSEUDONYM_NAME = 'ANONYMOUS';
const REMOVED_TIME = '1900-01-01T00:00:00.000Z';

export function deidentifyStudy(input: DeidentifyStudyInput): DeidentifiedStudy {
  const { record, subject, options } = input;
  if (input.sources.length === 0) {
    throw new DeidentifyError('None of the study’s images could be read, so there is nothing to de-identify. Open the study again from where its files are now (File → Open), then export.');
  }
  const key = input.key ?? randomBytes(32);
  const hmac = (text: string): Buffer => createHmac('sha256', key).update(text, 'utf8').digest();
  const uids = new Map<string, string>();
  const mapUid = (uid: string): string => {
    if (uid === '') return '';
    let mapped = uids.get(uid);
    if (!mapped) {
      const bytes = hmac(`uid|${uid}`).subarray(0, 16);
      bytes[6] = (bytes[6] & 0x0f) | 0x40;
      bytes[8] = (bytes[8] & 0x3f) | 0x80;
      mapped = `2.25.${BigInt(`0x${bytes.toString('hex')}`).toString(10)}`;
      uids.set(uid, mapped);
    }
    return mapped;
  };
  // 1 to 10 years back, whole days: intervals between dates stay exact (PS3.15 E.3.6).
  const shiftDays = options.retainModifiedDates ? -(365 + (hmac('shift').readUInt32BE(0) % 3286)) : 0;
  const patientId = `ANON-${hmac('patient').toString('hex').slice(0, 10).toUpperCase()}`;

  const names = [subject.patientName, input.summary.patientName, subject.referringPhysicianName, record.signedBy ?? '', ...record.addenda.map((a) => a.signedBy ?? '')];
  const ids = [subject.patientId, input.summary.patientId, subject.accessionNumber, input.summary.accessionNumber, subject.studyId, subject.issuerOfPatientId, subject.institutionName];
  for (const source of input.sources) {
    names.push(source.header.text('x00100010'), source.header.text('x00080090'), source.header.text('x00081050'), source.header.text('x00081070'));
    ids.push(source.header.text('x00100020'), source.header.text('x00080050'), source.header.text('x00101000'), source.header.text('x00200010'));
  }
  const clean = (text: string): string => scrubText(text, { names: names.filter((n) => n.trim() !== ''), ids: ids.filter((i) => i.trim() !== '') });

  const methodDescription = [
    'PS3.15 E.1 Basic Application Confidentiality Profile',
    ...(options.retainModifiedDates ? ['Retain Longitudinal Temporal Info Modified Dates'] : []),
    ...(options.cleanDescriptors ? ['Clean Descriptors Option'] : []),
    `Radraft ${input.appVersion}`,
  ];
  const ctx: DeidContext = { options, mapUid, shiftDays, clean, patientName: PSEUDONYM_NAME, patientId, methodDescription };

  const images = input.sources.map((source) => deidentifyImage(source.filePath, source.bytes, ctx));
  const files: ExportFile[] = images.map((image, i) => ({ name: `IMG${String(i + 1).padStart(4, '0')}.dcm`, bytes: image.bytes }));

  const time = (iso: string | null): string => (iso === null ? REMOVED_TIME : shiftIso(iso, shiftDays, options.retainModifiedDates));
  const deidRecord: ReportRecord = {
    ...record,
    studyInstanceUid: mapUid(record.studyInstanceUid),
    sections: Object.fromEntries(Object.entries(record.sections).map(([k, v]) => [k, clean(v)])) as ReportRecord['sections'],
    signedBy: record.signedBy === null ? null : 'Reporting clinician',
    signedAt: record.signedAt === null ? null : time(record.signedAt),
    createdAt: time(record.createdAt),
    updatedAt: time(record.updatedAt),
    provenance: record.provenance
      ? { ...record.provenance, sopInstanceUid: mapUid(record.provenance.sopInstanceUid), startedAt: time(record.provenance.startedAt), finishedAt: null, prompt: clean(record.provenance.prompt), aiDraft: {} }
      : null,
    ai: Object.fromEntries(Object.entries(record.ai).map(([k, v]) => [k, v && { ...v, text: clean(v.text), draftedAt: time(v.draftedAt) }])),
    undo: null,
    addenda: record.addenda.map((a, i) => ({
      ...a,
      text: clean(a.text),
      signedBy: a.signedBy === null ? null : `Clinician (addendum ${i + 1})`,
      signedAt: a.signedAt === null ? null : time(a.signedAt),
      createdAt: time(a.createdAt),
      updatedAt: time(a.updatedAt),
    })),
  };
  const first = images[0];
  const deidSubject: ReportSubject = {
    patientName: PSEUDONYM_NAME,
    patientId,
    issuerOfPatientId: '',
    patientBirthDate: '',
    patientSex: '',
    studyInstanceUid: first.studyInstanceUid,
    studyDate: options.retainModifiedDates ? (shiftDa(subject.studyDate, shiftDays) ?? '') : '',
    studyTime: options.retainModifiedDates ? subject.studyTime : '',
    studyId: '',
    accessionNumber: '',
    studyDescription: options.cleanDescriptors ? clean(subject.studyDescription) : '',
    referringPhysicianName: '',
    institutionName: '',
    modalities: subject.modalities,
    images: images.map((image, i) => ({ sopClassUid: image.sopClassUid, sopInstanceUid: image.sopInstanceUid, seriesInstanceUid: image.seriesInstanceUid, modality: subject.images[i]?.modality ?? '', filePath: files[i].name })),
    fromHeaders: true,
  };

  // The text export with every identity field of the header replaced; the sections were scrubbed above.
  const text = formatReportText({
    record: deidRecord,
    study: { studyInstanceUid: deidSubject.studyInstanceUid, patientName: PSEUDONYM_NAME, patientId, studyDate: deidSubject.studyDate, studyDescription: deidSubject.studyDescription, accessionNumber: '', modalities: subject.modalities },
    exportedAt: time(input.exportedAt),
    appVersion: input.appVersion,
    modelValidation: input.modelValidation ?? null,
  });
  files.push({ name: 'report.txt', bytes: new TextEncoder().encode(text) });
  if (deidRecord.status === 'final') files.push({ name: 'report-sr.dcm', bytes: buildReportSr({ record: deidRecord, subject: deidSubject, appVersion: input.appVersion }).bytes });
  files.push({ name: 'README.txt', bytes: new TextEncoder().encode(readme(options, images.length, input.appVersion)) });
  return { files, images, shiftDays };
}

function readme(options: DeidentifyOptions, count: number, appVersion: string): string {
  return [
    'De-identified export from Radraft',
    '=================================',
    '',
    `${count} image${count === 1 ? '' : 's'} (IMG*.dcm), the report as text (report.txt) and as DICOM SR (report-sr.dcm).`,
    '',
    'Method: DICOM PS3.15 Annex E, Basic Application Level Confidentiality Profile (every attribute of Table E.1-1',
    'removed, emptied, replaced by a dummy value or, for UIDs, replaced consistently across the study; private',
    'attributes removed; pixel data copied unchanged).',
    options.retainModifiedDates
      ? 'Option: Retain Longitudinal Temporal Information with Modified Dates: every date moved by the same number of days; times kept.'
      : 'Dates and times removed (Longitudinal Temporal Information Modified = REMOVED).',
    options.cleanDescriptors ? 'Option: Clean Descriptors: descriptions kept with names, identifiers and dates taken out.' : 'Descriptions removed.',
    'Report text: the patient’s names and identifiers and every date replaced by XXXX; clinicians’ names replaced.',
    options.confirmBurnedInAnnotation
      ? 'Images flagged Burned In Annotation YES were included because the exporting clinician confirmed their pixels show no identity.'
      : 'Images flagged Burned In Annotation YES are never included without the clinician’s confirmation.',
    'Text burned into the pixels of an image not flagged as such is not detected: look at the images before sharing them.',
    '',
    `Made by Radraft ${appVersion}. The mapping to the original study is not kept anywhere.`,
    '',
  ].join('\n');
}

function shiftDa(da: string, days: number): string | null {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(da.trim());
  if (!m) return null;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + days));
  return `${String(d.getUTCFullYear()).padStart(4, '0')}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
}

/** An ISO timestamp moved by whole days (Modified Dates), or the fixed dummy time when dates are removed. */
function shiftIso(iso: string, days: number, keep: boolean): string {
  if (!keep) return REMOVED_TIME;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? REMOVED_TIME : new Date(t + days * 86_400_000).toISOString();
}
