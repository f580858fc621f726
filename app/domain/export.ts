// The report export formats and their options: one list for the export dialog, the IPC contract, the services and
// the `radraft export` command.
import { z } from 'zod';

export const EXPORT_FORMATS = ['text', 'pdf', 'sr', 'fhir', 'hl7', 'deidentified'] as const;
export const ExportFormat = z.enum(EXPORT_FORMATS);
export type ExportFormat = z.infer<typeof ExportFormat>;

export interface ExportFormatInfo {
  label: string;
  /** One line for the export dialog: what the file is and where it goes. */
  description: string;
  /** File name extension ('' for a folder). */
  extension: string;
  /** Only a signed report may leave in this format (it is read as a final report by the receiving system). */
  signedOnly: boolean;
}

export const EXPORT_FORMAT_INFO: Record<ExportFormat, ExportFormatInfo> = {
  text: { label: 'Text', description: 'Plain text, as the report reads on screen.', extension: 'txt', signedOnly: false },
  pdf: { label: 'PDF', description: 'A printable page with the patient and study header, the AI statement and the signature.', extension: 'pdf', signedOnly: false },
  sr: { label: 'DICOM SR', description: 'A DICOM Structured Report (TID 2000) for the PACS, in the same study as the images.', extension: 'dcm', signedOnly: true },
  fhir: { label: 'FHIR', description: 'A FHIR R4 Bundle: DiagnosticReport with the text and the PDF, and its Provenance.', extension: 'json', signedOnly: true },
  hl7: { label: 'HL7', description: 'An HL7 v2.5.1 ORU^R01 result message for the RIS.', extension: 'hl7', signedOnly: true },
  deidentified: {
    label: 'De-identified',
    description: 'A folder with the images and the report stripped of the patient’s identity, for teaching or research.',
    extension: '',
    signedOnly: true,
  },
};

/** PS3.15 Annex E options the clinician may choose for a de-identified export (the Basic Profile always applies). */
export const DeidentifyOptions = z.object({
  /** Retain Longitudinal Temporal Information with Modified Dates Option (PS3.15 E.3.6): dates shifted, not removed. */
  retainModifiedDates: z.boolean(),
  /** Clean Descriptors Option (PS3.15 E.3.5): descriptions kept with identifying words removed, not deleted. */
  cleanDescriptors: z.boolean(),
  /** The clinician confirmed exporting images flagged Burned In Annotation YES (their pixels may show identity). */
  confirmBurnedInAnnotation: z.boolean(),
});
export type DeidentifyOptions = z.infer<typeof DeidentifyOptions>;

export const DEFAULT_DEIDENTIFY_OPTIONS: DeidentifyOptions = { retainModifiedDates: false, cleanDescriptors: false, confirmBurnedInAnnotation: false };

export const ExportOptions = z.object({
  /** PDF: add the image the report was drafted from (or the study's first image) below the report. */
  keyImage: z.boolean().optional(),
  deidentify: DeidentifyOptions.optional(),
});
export type ExportOptions = z.infer<typeof ExportOptions>;

/** The signed reports that leave as a final report (SR, FHIR, HL7, de-identified) are refused before signing. */
export function notSignedMessage(format: ExportFormat): string {
  return `Only a signed report can be exported as ${EXPORT_FORMAT_INFO[format].label}: the receiving system reads it as the final report. Sign the report first (a draft can be exported as text or PDF).`;
}
