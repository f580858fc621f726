// Header-only reading for the study list, on top of the DICOM engine's readHeader: the attributes that group
// files into studies (PS3.3 C.7.2.1 General Study, C.7.3.1 General Series, C.12.1 SOP Common, C.7.6.3 Image Pixel).
import { oneLine } from '../../app/text/one-line';
import { readHeader, type DicomHeader, type DicomSource } from '../dicom';
import { AppError } from '../ipc/errors';

export interface ImageHeader {
  sopInstanceUid: string;
  seriesInstanceUid: string;
  studyInstanceUid: string;
  patientName: string;
  patientId: string;
  issuerOfPatientId: string;
  patientBirthDate: string;
  studyDate: string;
  studyDescription: string;
  accessionNumber: string;
  modality: string;
  viewPosition: string;
  patientOrientation: string;
  imageLaterality: string;
  patientPosition: string;
  patientOrientationCode: string;
  bodyPartExamined: string;
  seriesDescription: string;
  seriesNumber: number | null;
  instanceNumber: number | null;
  rows: number;
  columns: number;
  frames: number;
}

/** A DICOM file the study list cannot use; its message is shown to the user next to the file name. */
export class DicomFileError extends AppError {
  readonly code = 'dicom' as const;
  override name = 'DicomFileError';
}

/**
 * Parsed as DICOM but names no Study or SOP Instance: not an image object (or not DICOM at all: a raw data set is
 * guessed from a file's first bytes, and some binaries pass).
 */
export class NoInstanceUidError extends DicomFileError {
  override name = 'NoInstanceUidError';
}

/** The study list's header of a file or zip entry, read on this thread: for tests and tools, never the app's main. */
export async function readImageHeader(source: DicomSource | string): Promise<ImageHeader> {
  return toImageHeader(await readHeader(source));
}

export function toImageHeader(h: DicomHeader): ImageHeader {
  if (!h.studyInstanceUid || !h.sopInstanceUid) {
    throw new NoInstanceUidError('A DICOM file without Study or SOP Instance UID (not an image object).');
  }
  if (!h.hasPixelData || h.rows === 0 || h.columns === 0) {
    throw new DicomFileError(`A DICOM file without an image (Modality ${h.modality || 'unknown'}).`);
  }
  // Strings from the file enter the app as one line each (a Patient Name cannot carry a line into a report); the
  // Person Name keeps its '^' components for app/dicom/person-name.ts to format.
  return {
    sopInstanceUid: oneLine(h.sopInstanceUid),
    seriesInstanceUid: oneLine(h.seriesInstanceUid),
    studyInstanceUid: oneLine(h.studyInstanceUid),
    patientName: oneLine(h.patientName),
    patientId: oneLine(h.patientId),
    issuerOfPatientId: oneLine(h.issuerOfPatientId),
    patientBirthDate: oneLine(h.patientBirthDate),
    studyDate: oneLine(h.studyDate),
    studyDescription: oneLine(h.studyDescription),
    accessionNumber: oneLine(h.accessionNumber),
    modality: oneLine(h.modality),
    viewPosition: oneLine(h.viewPosition.toUpperCase()),
    patientOrientation: oneLine(h.patientOrientation),
    imageLaterality: oneLine(h.imageLaterality),
    patientPosition: oneLine(h.patientPosition),
    patientOrientationCode: oneLine(h.patientOrientationCode),
    bodyPartExamined: oneLine(h.bodyPartExamined),
    seriesDescription: oneLine(h.seriesDescription),
    seriesNumber: h.seriesNumber,
    instanceNumber: h.instanceNumber,
    rows: h.rows,
    columns: h.columns,
    frames: h.frames > 0 ? h.frames : 1,
  };
}
