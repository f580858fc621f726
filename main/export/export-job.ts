// One export, in any format: the files it writes, made from the stored report and the study's images. The app runs
// it in the export worker (it reads and parses the images); `radraft export` runs it directly. Writing the files
// (atomically) is the caller's.
import { EXPORT_FORMAT_INFO, notSignedMessage, type ExportFormat, type ExportOptions } from '../../app/domain/export';
import type { ReportRecord } from '../../app/domain/report';
import type { StudySummary } from '../../app/domain/study';
import { buildFhirBundle } from '../../app/report/export-fhir';
import { buildHl7Message } from '../../app/report/export-hl7';
import { formatReportText } from '../../app/report/export-text';
import { ExportError } from './atomic-write';
import { deidentifyStudy, type ExportFile } from './deid/deidentify-study';
import { keyImageFrom } from './pdf/key-image';
import { renderReportPdf, type KeyImage } from './pdf/report-pdf';
import { readSourceImages, subjectFromImages, type SourceImage } from './report-subject';
import { buildReportSr } from './sr/report-sr';
import { uuidFromName } from './uid';

export type { ExportFile };

export interface ExportJobInput {
  format: ExportFormat;
  options: ExportOptions;
  record: ReportRecord;
  /** The study as the study list knows it, with its images' file paths. */
  study: StudySummary;
  exportedAt: string;
  appVersion: string;
  /** The drafting model's validation on this workstation (validationSummaryLine), or null: "not validated here". */
  modelValidation: string | null;
}

export interface ExportJobResult {
  /** One file, or (de-identified) the files of a folder. */
  files: ExportFile[];
  folder: boolean;
}

export async function runExportJob(input: ExportJobInput): Promise<ExportJobResult> {
  const { format, record, study } = input;
  if (EXPORT_FORMAT_INFO[format].signedOnly && record.status !== 'final') throw new ExportError(notSignedMessage(format));
  const { modelValidation } = input;
  const text = (): string => formatReportText({ record, study, exportedAt: input.exportedAt, appVersion: input.appVersion, modelValidation });
  if (format === 'text') return single('report.txt', new TextEncoder().encode(text()));

  const sources = await readSourceImages(study);
  const subject = subjectFromImages(study, sources);
  const pdf = async (keyImage: KeyImage | null): Promise<Uint8Array> => renderReportPdf({ record, subject, exportedAt: input.exportedAt, appVersion: input.appVersion, modelValidation, keyImage });

  switch (format) {
    case 'pdf':
      return single('report.pdf', await pdf(input.options.keyImage ? await keyImage(record, sources) : null));
    case 'sr':
      return single('report.dcm', buildReportSr({ record, subject, appVersion: input.appVersion }).bytes);
    case 'fhir': {
      const sr = buildReportSr({ record, subject, appVersion: input.appVersion });
      const bundle = buildFhirBundle({ record, subject, text: text(), pdf: await pdf(null), srInstanceUid: sr.sopInstanceUid, uuid: uuidFromName });
      return single('report.json', new TextEncoder().encode(`${JSON.stringify(bundle, null, 2)}\n`));
    }
    case 'hl7': {
      const sr = buildReportSr({ record, subject, appVersion: input.appVersion });
      // MSH-10: unique per message (the report's version and the moment), at most 20 characters.
      const controlId = `RD${uuidFromName(`hl7|${sr.sopInstanceUid}|${input.exportedAt}`).replace(/-/g, '').slice(0, 18).toUpperCase()}`;
      const message = buildHl7Message({ record, subject, text: text(), controlId, createdAt: input.exportedAt, srInstanceUid: sr.sopInstanceUid });
      return single('report.hl7', new TextEncoder().encode(message));
    }
    case 'deidentified': {
      const options = input.options.deidentify;
      if (!options) throw new ExportError('Choose how to de-identify (the dates and descriptions options) before exporting a de-identified copy.');
      const result = deidentifyStudy({ record, summary: study, subject, sources, options, exportedAt: input.exportedAt, appVersion: input.appVersion, modelValidation });
      return { files: result.files, folder: true };
    }
  }
}

function single(name: string, bytes: Uint8Array): ExportJobResult {
  return { files: [{ name, bytes }], folder: false };
}

/** The image the draft was made from when it is in the study, else the study's first image. */
async function keyImage(record: ReportRecord, sources: readonly SourceImage[]): Promise<KeyImage | null> {
  const drafted = record.provenance?.sopInstanceUid;
  const source = sources.find((s) => drafted && s.header.text('x00080018') === drafted) ?? sources[0];
  if (!source) return null;
  const uid = source.header.text('x00080018');
  return keyImageFrom(source.filePath, source.bytes, `Key image: SOP Instance UID ${uid}. 8-bit view (modality and VOI LUT applied), for orientation only; diagnose from the DICOM images.`);
}

/**
 * The name the save dialog proposes: the text export's report-<patient id>-<study date> with the format's extension;
 * a de-identified folder's name says nothing of the patient.
 */
export function defaultExportName(format: ExportFormat, textName: string): string {
  if (format === 'deidentified') return 'radraft-deidentified';
  return `${textName.replace(/\.txt$/, '')}.${EXPORT_FORMAT_INFO[format].extension}`;
}
