// Reads a DICOM file for decoding. A JPEG 2000 file (PS3.5 A.4.4) goes straight into the JPEG 2000 decoder's
// memory: OpenJPEG then reads the codestream where it lies, and frees it once ingested, so the compressed data
// never exist as a JS copy beside the decoder's own.
import { readIntoDecoderMemory } from './codecs/openjpeg';
import { CodecFailure } from './codecs/failures';
import { DicomError, UnsupportedSyntaxError, unreadableFile } from './errors';
import { openSource, sourceOf, type DicomSource, type SourceReader } from './source';

/** Enough for the File Meta Information group (PS3.10 7.1), where the transfer syntax is named. */
const PREFIX_BYTES = 4096;

/**
 * Largest file read into the decoder's memory. That memory never shrinks, and decodeFile decodes one frame, so a
 * big multi-frame file would inflate it for nothing; a single radiograph's codestream is well below this.
 */
const MAX_IN_DECODER_BYTES = 64 * 1024 * 1024;

/** JPEG 2000 Image Compression (Lossless Only) and JPEG 2000 Image Compression, PS3.5 Table A-1. */
const JPEG2000_UIDS = ['1.2.840.10008.1.2.4.90', '1.2.840.10008.1.2.4.91'];

export interface FileBytes {
  bytes: Uint8Array;
  /** Frees memory held outside the JS heap; the bytes must not be used afterwards. */
  release(): void;
}

/** True when the File Meta names a JPEG 2000 transfer syntax (the UID, then padding or the next element). */
export function namesJpeg2000(prefix: Uint8Array): boolean {
  const text = String.fromCharCode(...prefix.subarray(0, PREFIX_BYTES));
  return JPEG2000_UIDS.some((uid) => {
    const at = text.indexOf(uid);
    return at >= 0 && !/[0-9.]/.test(text.charAt(at + uid.length));
  });
}

async function readWhole(reader: SourceReader): Promise<FileBytes> {
  const { size } = reader;
  const prefix = new Uint8Array(Math.min(size, PREFIX_BYTES));
  await readFully(reader, prefix, 0);
  const fill = async (into: Uint8Array) => {
    into.set(prefix);
    await readFully(reader, into.subarray(prefix.length), prefix.length);
    await reader.verifyEnd();
  };
  if (size > prefix.length && size <= MAX_IN_DECODER_BYTES && namesJpeg2000(prefix)) return await readIntoDecoderMemory(size, fill);
  // Every byte is read over, so the zero-filling of a new Uint8Array would be wasted.
  const bytes = Buffer.allocUnsafe(size);
  await fill(bytes);
  return { bytes, release: () => undefined };
}

async function readFully(reader: SourceReader, into: Uint8Array, position: number): Promise<void> {
  const done = await reader.read(into);
  if (done < into.length) throw new Error(`the file became shorter while being read (${position + done} bytes)`);
}

/** Reads a file (or a zip entry, source.ts), mapping file-system failures to a NotDicomError that names it. */
export async function readDicomFile(source: DicomSource | string): Promise<FileBytes> {
  const { filePath } = sourceOf(source);
  let reader: SourceReader | null = null;
  try {
    reader = await openSource(sourceOf(source));
    return await readWhole(reader);
  } catch (e) {
    if (e instanceof DicomError) throw e;
    if (e instanceof CodecFailure) throw new UnsupportedSyntaxError(filePath, `JPEG 2000 cannot be decoded here: ${e.message}`, { cause: e });
    throw unreadableFile(filePath, e);
  } finally {
    await reader?.close();
  }
}
