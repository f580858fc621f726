// The main side of wire-error.ts: the typed error a worker threw, rebuilt by class name with the message the worker
// already wrote in a clinician's words. The one place that knows which errors can cross a worker boundary.
import { UnsupportedArchitectureError } from '../../models/config/paligemma';
import { InvalidInputError, ModelFileCorruptError, ModelFileMissingError, ModelFolderError, ModelLoadError, OrtTelemetryError, PromptTooLongError } from '../../models/engine/errors';
import { ImportError } from '../../models/import/errors';
import { MissingWeightError } from '../../models/import/weights';
import { ManifestError } from '../../models/manifest';
import { PixelValuesError } from '../../models/preprocess/pixel-values';
import { PromptError } from '../../models/tokenizer/prompt';
import { TokenizerLoadError } from '../../models/tokenizer/tokenizer';
import {
  CorruptCodestreamError,
  DecodeTimeoutError,
  FrameOutOfRangeError,
  MalformedDicomError,
  NoPixelDataError,
  NotDicomError,
  TruncatedError,
  UnsupportedSyntaxError,
} from '../dicom/errors';
import { ZipRefusedError, ZipUnreadableError } from '../archives/errors';

import { ExportError } from '../export/atomic-write';
import { BurnedInAnnotationError, DeidentifyError } from '../export/deid/deidentify-image';
import { WorkerError, type WireError } from './wire-error';

type Revive = (wire: WireError) => Error | null;

const withMessage = (C: new (message: string) => Error): Revive => (w) => new C(w.message);
/** DicomErrors, FrameOutOfRangeError and ZipArchiveErrors: built from the file and the reason, which the message is made of. */
const dicom = (C: new (filePath: string, reason: string) => Error): Revive => (w) =>
  w.fields.filePath !== undefined && w.fields.reason !== undefined ? new C(w.fields.filePath, w.fields.reason) : null;

/** Every typed error a worker of this app can throw, by class name. */
const TYPED: Record<string, Revive> = {
  NotDicomError: dicom(NotDicomError),
  TruncatedError: dicom(TruncatedError),
  MalformedDicomError: dicom(MalformedDicomError),
  NoPixelDataError: dicom(NoPixelDataError),
  UnsupportedSyntaxError: dicom(UnsupportedSyntaxError),
  CorruptCodestreamError: dicom(CorruptCodestreamError),
  DecodeTimeoutError: dicom(DecodeTimeoutError),
  // A frame number outside the image: the caller's mistake (main/dicom/decode.ts).
  FrameOutOfRangeError: dicom(FrameOutOfRangeError),
  // A zip archive that cannot be listed, or is refused as a zip bomb (main/archives).
  ZipUnreadableError: dicom(ZipUnreadableError),
  ZipRefusedError: dicom(ZipRefusedError),
  InvalidInputError: withMessage(InvalidInputError),
  ModelLoadError: withMessage(ModelLoadError),
  ModelFileMissingError: withMessage(ModelFileMissingError),
  ModelFileCorruptError: withMessage(ModelFileCorruptError),
  ModelFolderError: withMessage(ModelFolderError),
  PromptTooLongError: withMessage(PromptTooLongError),
  UnsupportedArchitectureError: withMessage(UnsupportedArchitectureError),
  ManifestError: withMessage(ManifestError),
  ImportError: withMessage(ImportError),
  MissingWeightError: withMessage(MissingWeightError),
  PixelValuesError: withMessage(PixelValuesError),
  PromptError: withMessage(PromptError),
  TokenizerLoadError: withMessage(TokenizerLoadError),
  OrtTelemetryError: withMessage(OrtTelemetryError),
  // The export worker (main/export/export.worker.ts): messages written for the clinician.
  ExportError: withMessage(ExportError),
  DeidentifyError: withMessage(DeidentifyError),
  BurnedInAnnotationError: withMessage(BurnedInAnnotationError),
};

/** Main side: the typed error the worker threw, or a WorkerError keeping its name and message. */
export function reviveError(wire: WireError): Error {
  return TYPED[wire.name]?.(wire) ?? new WorkerError(wire.name, wire.message);
}
