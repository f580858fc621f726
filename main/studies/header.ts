// Header-only reading for the study list: enough attributes to group files into studies (PS3.3 C.7.2.1 General
// Study, C.7.3.1 General Series, C.12.1 SOP Common, C.7.6.3 Image Pixel), never the pixel data.
import { open } from 'node:fs/promises';
import { constants, inflateRawSync } from 'node:zlib';
import dicomParser from 'dicom-parser';
import { AppError } from '../ipc/errors';

export interface ImageHeader {
  sopInstanceUid: string;
  seriesInstanceUid: string;
  studyInstanceUid: string;
  patientName: string;
  patientId: string;
  studyDate: string;
  studyDescription: string;
  accessionNumber: string;
  modality: string;
  viewPosition: string;
  rows: number;
  columns: number;
  frames: number;
}

/** A file the study list cannot use; its message is shown to the user next to the file name. */
export class DicomFileError extends AppError {
  readonly code = 'dicom' as const;
  override name = 'DicomFileError';
}

const HEAD_BYTES = 256 * 1024;
const PIXEL_DATA = 'x7fe00010';
/** PS3.5 A.1: the transfer syntax of a data set without File Meta Information. */
const IMPLICIT_LE = '1.2.840.10008.1.2';

export async function readImageHeader(filePath: string): Promise<ImageHeader> {
  const { bytes, complete } = await readHead(filePath);
  let dataSet: dicomParser.DataSet;
  try {
    dataSet = parse(bytes);
  } catch (first) {
    if (complete) throw describeParseFailure(first, bytes);
    // The header did not fit in the first chunk (large private tags): read the whole file once.
    const all = await readAll(filePath);
    try {
      dataSet = parse(all);
    } catch (second) {
      throw describeParseFailure(second, all);
    }
  }
  return toHeader(dataSet);
}

function parse(bytes: Uint8Array): dicomParser.DataSet {
  if (hasPart10Preamble(bytes)) return dicomParser.parseDicom(bytes, { untilTag: PIXEL_DATA, inflater: inflate as unknown as dicomParser.ParseDicomOptions['inflater'] });
  // PS3.10 7.1 requires the preamble, but raw data sets (no File Meta) are common in old archives.
  if (!looksLikeRawDataSet(bytes)) throw new DicomFileError('Not a DICOM file (no "DICM" marker and no DICOM data set at the start).');
  return dicomParser.parseDicom(bytes, { untilTag: PIXEL_DATA, TransferSyntaxUID: IMPLICIT_LE });
}

/** Deflated Explicit VR Little Endian (PS3.5 A.5): the data set after the File Meta is raw deflate. */
function inflate(bytes: Uint8Array, position: number): Uint8Array {
  // SYNC_FLUSH tolerates the cut-off stream of a header-only read.
  const inflated = inflateRawSync(bytes.subarray(position), { finishFlush: constants.Z_SYNC_FLUSH });
  const full = new Uint8Array(position + inflated.length);
  full.set(bytes.subarray(0, position), 0);
  full.set(inflated, position);
  return full;
}

function hasPart10Preamble(bytes: Uint8Array): boolean {
  return bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
}

/** A raw little-endian data set starts with a group 0008 element (PS3.5 7.1: elements in ascending tag order). */
function looksLikeRawDataSet(bytes: Uint8Array): boolean {
  if (bytes.length < 8) return false;
  const group = bytes[0] | (bytes[1] << 8);
  return group === 0x0008 || group === 0x0002;
}

function describeParseFailure(error: unknown, bytes: Uint8Array): DicomFileError {
  if (error instanceof DicomFileError) return error;
  const detail = parserMessage(error);
  if (/past end of buffer|buffer overread|overrun|beyond|maxPosition|greater than or equal to 'byteArray' length/i.test(detail)) {
    return new DicomFileError(`The file is truncated or damaged (its DICOM header ends early after ${bytes.length} bytes).`);
  }
  if (/DICM/.test(detail)) return new DicomFileError('Not a DICOM file (no "DICM" marker).');
  return new DicomFileError(`The DICOM header could not be read: ${detail}`);
}

/** dicom-parser throws strings, Errors, or {exception} objects. */
function parserMessage(error: unknown): string {
  if (typeof error === 'string') return error;
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'exception' in error) return parserMessage((error as { exception: unknown }).exception);
  return String(error);
}

function toHeader(ds: dicomParser.DataSet): ImageHeader {
  const text = (tag: string): string => (ds.string(tag) ?? '').trim();
  const studyInstanceUid = text('x0020000d');
  const sopInstanceUid = text('x00080018');
  const modality = text('x00080060');
  if (!studyInstanceUid || !sopInstanceUid) {
    throw new DicomFileError('A DICOM file without Study or SOP Instance UID (not an image object, e.g. a DICOMDIR).');
  }
  const rows = ds.uint16('x00280010') ?? 0;
  const columns = ds.uint16('x00280011') ?? 0;
  if (rows === 0 || columns === 0) {
    throw new DicomFileError(`A DICOM file without an image (Modality ${modality || 'unknown'}).`);
  }
  const frames = Number.parseInt(text('x00280008') || '1', 10);
  return {
    sopInstanceUid,
    seriesInstanceUid: text('x0020000e'),
    studyInstanceUid,
    patientName: text('x00100010').replace(/\^+/g, ' ').trim(),
    patientId: text('x00100020'),
    studyDate: text('x00080020'),
    studyDescription: text('x00081030'),
    accessionNumber: text('x00080050'),
    modality,
    viewPosition: viewPositionOf(text('x00185101'), text('x00185100')),
    rows,
    columns,
    frames: Number.isFinite(frames) && frames > 0 ? frames : 1,
  };
}

/**
 * View Position (0018,5101), PS3.3 C.8.11.5. Some archives put PA/AP in Patient Position (0018,5100) instead;
 * we accept exactly those two codes from there so frontal images are still recognised.
 */
function viewPositionOf(viewPosition: string, patientPosition: string): string {
  if (viewPosition) return viewPosition.toUpperCase();
  const p = patientPosition.toUpperCase();
  return p === 'PA' || p === 'AP' ? p : '';
}

async function readHead(filePath: string): Promise<{ bytes: Uint8Array; complete: boolean }> {
  const handle = await openForRead(filePath);
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, HEAD_BYTES);
    const bytes = new Uint8Array(length);
    let offset = 0;
    while (offset < length) {
      const { bytesRead } = await handle.read(bytes, offset, length - offset, offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
    }
    return { bytes: bytes.subarray(0, offset), complete: offset >= size };
  } finally {
    await handle.close();
  }
}

async function readAll(filePath: string): Promise<Uint8Array> {
  const handle = await openForRead(filePath);
  try {
    return new Uint8Array(await handle.readFile());
  } finally {
    await handle.close();
  }
}

async function openForRead(filePath: string) {
  try {
    return await open(filePath, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') throw new DicomFileError('The file cannot be read (permission denied).');
    if (code === 'ENOENT') throw new DicomFileError('The file no longer exists.');
    throw new DicomFileError(`The file cannot be read (${code ?? 'I/O error'}).`);
  }
}
