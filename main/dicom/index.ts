// Public surface of the DICOM engine (Node side; no Electron).
export { readHeader, headerFromBytes } from './header';
export { readDicomDirectory, directoryFromBytes, MEDIA_STORAGE_DIRECTORY_UID, type DicomDirectory, type DirectoryFile } from './dicomdir';
export { openSource, type DicomSource, type SourceReader } from './source';
export { decodeFile, decodeBytes } from './decode';
export { toImagePixels } from './image-pixels';
export {
  DicomError,
  NotDicomError,
  TruncatedError,
  MalformedDicomError,
  NoPixelDataError,
  UnsupportedSyntaxError,
  CorruptCodestreamError,
  FrameOutOfRangeError,
  type DicomErrorKind,
} from './errors';
export type { DicomHeader, DecodedImage, StoredArray, StoredDtype } from './types';
export { findTransferSyntax, transferSyntaxName, type TransferSyntax } from './transfer-syntax';
export { renderModelView, type ModelView } from './model-view';
export {
  DecodePool,
  DecodeWorkerError,
  closeDecodePool,
  decodeInWorker,
  decodeWithModelViewInWorker,
  type DecodePoolOptions,
  type DecodedWithView,
} from './decode-pool';
export { DecodeTimeoutError } from './errors';
