// Shapes the DICOM engine hands to the rest of the app. Pixel arrays hold stored values (before any LUT).
import type { SpacingSource, VoiWindow } from '../../app/domain/study';
import type { LutTable } from '../../app/domain/study';
import type { Palette } from '../../app/imaging/palette';

export type { LutTable };

export interface DicomHeader {
  filePath: string;
  hasFileMeta: boolean;
  /** From the File Meta (0002,0010), or inferred from the bytes when there is none. */
  transferSyntaxUid: string;
  transferSyntaxName: string;
  sopClassUid: string;
  /** Media Storage SOP Class UID (0002,0002) of the File Meta (PS3.10 7.1); '' without one. A DICOMDIR's is 1.2.840.10008.1.3.10. */
  mediaStorageSopClassUid: string;
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  /** Person Name as stored (PS3.5 6.2: components separated by '^'). */
  patientName: string;
  patientId: string;
  /** Issuer of Patient ID (0010,0021): who assigned the Patient ID; '' when the file does not say (PS3.3 C.7.1.1). */
  issuerOfPatientId: string;
  patientBirthDate: string;
  patientSex: string;
  patientAge: string;
  studyDate: string;
  studyTime: string;
  studyDescription: string;
  seriesDescription: string;
  accessionNumber: string;
  modality: string;
  bodyPartExamined: string;
  /** ViewPosition (0018,5101), or a clear view code found in PatientPosition (0018,5100); '' when unknown. */
  viewPosition: string;
  viewPositionSource: 'ViewPosition' | 'PatientPosition' | 'none';
  /** Patient Orientation (0020,0020): the patient directions of the rows and of the columns (PS3.3 C.7.6.1.1.1). */
  patientOrientation: string;
  /** Image Laterality (0020,0062): R, L, U or B; '' when absent. */
  imageLaterality: string;
  /** Patient Position (0018,5100) as stored (HFS, or on many radiography units ERECT, SUPINE, …). */
  patientPosition: string;
  /** Code Meaning of Patient Orientation Code Sequence (0054,0410), e.g. "erect" (PS3.3 C.8.11.5, CID 19); ''. */
  patientOrientationCode: string;
  seriesNumber: number | null;
  instanceNumber: number | null;
  // Image Pixel module, PS3.3 C.7.6.3
  rows: number;
  columns: number;
  frames: number;
  samplesPerPixel: number;
  planarConfiguration: number;
  photometricInterpretation: string;
  bitsAllocated: number;
  bitsStored: number;
  highBit: number;
  pixelRepresentation: number;
  hasPixelData: boolean;
  // Modality LUT module, PS3.3 C.11.1
  rescaleSlope: number;
  rescaleIntercept: number;
  rescaleType: string;
  modalityLut: LutTable | null;
  // VOI LUT module, PS3.3 C.11.2
  windows: VoiWindow[];
  voiLutFunction: string;
  voiLuts: LutTable[];
  /** mm per pixel, [row spacing, column spacing] (PS3.3 10.7.1.3). */
  pixelSpacing: [number, number] | null;
  spacingSource: SpacingSource;
}

export type StoredArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array;
export type StoredDtype = 'uint8' | 'int8' | 'uint16' | 'int16' | 'uint32' | 'int32';

export interface DecodedImage {
  header: DicomHeader;
  frame: number;
  rows: number;
  columns: number;
  samplesPerPixel: number;
  /** Photometric interpretation of `pixels` (a codec may have turned YBR into RGB). */
  photometricInterpretation: string;
  dtype: StoredDtype;
  /** Stored values of one frame, BitsStored-masked and sign-extended; colour samples interleaved (R,G,B,R,…). */
  pixels: StoredArray;
  minValue: number;
  maxValue: number;
  /**
   * Set when the frame's codestream is not the one the transfer syntax names (e.g. baseline JPEG in a JPEG Lossless
   * file): it was decoded as what it really is, and this says so in the clinician's words.
   */
  codestreamMismatch?: string;
  /** The Palette Color Lookup Tables of a PALETTE COLOR image (PS3.3 C.7.6.3.1.5), when the file has them. */
  palette?: Palette;
}
