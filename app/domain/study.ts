import { z } from 'zod';

/** Where the physical pixel size came from; PS3.3 C.7.6.2.1.1 (Pixel Spacing) vs C.8.11.4 (Imager Pixel Spacing). */
export const SpacingSource = z.enum(['PixelSpacing', 'ImagerPixelSpacing', 'none']);
export type SpacingSource = z.infer<typeof SpacingSource>;

export const VoiWindow = z.object({
  center: z.number(),
  width: z.number(),
  explanation: z.string().optional(),
});
export type VoiWindow = z.infer<typeof VoiWindow>;

/** A LUT from a Modality LUT Sequence or VOI LUT Sequence item (PS3.3 C.11.1.1 LUT Descriptor + LUT Data). */
export const LutTable = z.object({
  /** Input value mapped to the first entry; inputs outside the table clamp to its ends. */
  firstMapped: z.number(),
  bitsPerEntry: z.number().int(),
  data: z.array(z.number()),
  explanation: z.string().optional(),
  /** Modality LUT Type (0028,3004), e.g. 'HU' or 'OD'. */
  lutType: z.string().optional(),
});
export type LutTable = z.infer<typeof LutTable>;

/** One image as the study list and the viewer know it; no pixels. */
export const ImageSummary = z.object({
  imageId: z.string(),
  filePath: z.string(),
  sopInstanceUid: z.string(),
  seriesInstanceUid: z.string(),
  studyInstanceUid: z.string(),
  modality: z.string(),
  viewPosition: z.string(),
  rows: z.number().int(),
  columns: z.number().int(),
  frames: z.number().int(),
  // What the reading room hangs and describes images by (app/domain/views.ts, app/report/technique.ts). Optional:
  // studies remembered by older versions lack them.
  /** Patient Orientation (0020,0020), e.g. "L\\F" (PS3.3 C.7.6.1.1.1). */
  patientOrientation: z.string().optional(),
  /** Image Laterality (0020,0062). */
  imageLaterality: z.string().optional(),
  /** Patient Position (0018,5100) as stored. */
  patientPosition: z.string().optional(),
  /** Code Meaning of Patient Orientation Code Sequence (0054,0410), e.g. "erect". */
  patientOrientationCode: z.string().optional(),
  bodyPartExamined: z.string().optional(),
  seriesDescription: z.string().optional(),
  seriesNumber: z.number().nullable().optional(),
  instanceNumber: z.number().nullable().optional(),
});
export type ImageSummary = z.infer<typeof ImageSummary>;

/** One patient as a study's files name them (Patient's Name (0010,0010), Patient ID (0010,0020), PS3.3 C.7.1.1). */
export const PatientIdentity = z.object({
  patientName: z.string(),
  patientId: z.string(),
  /** The images that name this patient. */
  imageIds: z.array(z.string()),
});
export type PatientIdentity = z.infer<typeof PatientIdentity>;

/**
 * Files that share a Study Instance UID but name different patients. Until the clinician confirms they are one
 * patient (or opens them as separate studies), the study may not be drafted or signed.
 */
export const IdentityConflict = z.object({
  identities: z.array(PatientIdentity),
  /** The clinician confirmed that these identities are one patient. */
  confirmed: z.boolean(),
});
export type IdentityConflict = z.infer<typeof IdentityConflict>;

export const StudySummary = z.object({
  /** The key of this study in Radraft (reports are stored under it): the files' Study Instance UID, or for one
   * patient's part of a study the clinician opened as separate studies, a UID derived from it (see splitFrom). */
  studyInstanceUid: z.string(),
  patientName: z.string(),
  patientId: z.string(),
  /** Issuer of Patient ID (0010,0021): a Patient ID means one patient only with its issuer (app/domain/priors.ts). */
  issuerOfPatientId: z.string().optional(),
  /** Patient's Birth Date (0010,0030), a check when finding a patient's earlier studies. */
  patientBirthDate: z.string().optional(),
  studyDate: z.string(),
  studyDescription: z.string(),
  accessionNumber: z.string(),
  modalities: z.array(z.string()),
  images: z.array(ImageSummary),
  /** Present when the files disagree on the patient (absent in studies remembered by older versions). */
  identityConflict: IdentityConflict.optional(),
  /** The files' own Study Instance UID, when this is one patient's part of a study opened as separate studies. */
  splitFrom: z.string().optional(),
});
export type StudySummary = z.infer<typeof StudySummary>;

/**
 * A file that could not be opened, with a reason a person can act on; or, with `files`, that many files (of the
 * folder or archive `filePath`, or listed in the DICOMDIR `filePath`) that could not be opened for the same reason.
 */
export const FileProblem = z.object({ filePath: z.string(), reason: z.string(), files: z.number().int().positive().optional() });
export type FileProblem = z.infer<typeof FileProblem>;

export const OpenResult = z.object({
  studies: z.array(StudySummary),
  problems: z.array(FileProblem),
  cancelled: z.boolean(),
});
export type OpenResult = z.infer<typeof OpenResult>;

/**
 * Stored pixel values of one frame plus everything the viewer needs to apply the
 * Modality and VOI LUTs itself (PS3.3 C.11). `pixels` holds little-endian samples of `dtype`.
 */
export const ImagePixels = z.object({
  imageId: z.string(),
  rows: z.number().int(),
  columns: z.number().int(),
  dtype: z.enum(['uint8', 'int8', 'uint16', 'int16']),
  pixels: z.instanceof(Uint8Array),
  bitsStored: z.number().int(),
  photometricInterpretation: z.string(),
  rescaleSlope: z.number(),
  rescaleIntercept: z.number(),
  minPixelValue: z.number(),
  maxPixelValue: z.number(),
  windows: z.array(VoiWindow),
  /** mm per pixel, [row spacing, column spacing], when known. */
  pixelSpacing: z.tuple([z.number(), z.number()]).nullable(),
  spacingSource: SpacingSource,
  patientName: z.string(),
  patientId: z.string(),
  studyDate: z.string(),
  viewPosition: z.string(),
  modality: z.string(),
  /** VOI LUT Function (0028,1056): LINEAR (default), LINEAR_EXACT or SIGMOID (PS3.3 C.11.2.1.3). */
  voiLutFunction: z.string().optional(),
  /** Modality LUT Sequence (0028,3000) item, replacing slope/intercept when present. */
  modalityLut: LutTable.optional(),
  /** VOI LUT Sequence (0028,3010) items, used when there is no window. */
  voiLuts: z.array(LutTable).optional(),
  /** Number of frames in the image; `pixels` holds one of them. */
  frames: z.number().int().optional(),
  /** Patient Orientation (0020,0020), for the viewer's edge markers (app/domain/orientation.ts). */
  patientOrientation: z.string().optional(),
  /** Image Laterality (0020,0062). */
  imageLaterality: z.string().optional(),
});
export type ImagePixels = z.infer<typeof ImagePixels>;
