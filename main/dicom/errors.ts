// Typed failures of the DICOM engine. Every error names the file and says, in words a clinician or
// hospital IT person can act on, why the file cannot be shown. Messages never contain patient data.
import { basename } from 'node:path';

export type DicomErrorKind =
  | 'not-dicom'
  | 'truncated'
  | 'malformed'
  | 'no-pixel-data'
  | 'unsupported-syntax'
  | 'corrupt-codestream'
  | 'timeout';

export abstract class DicomError extends Error {
  abstract readonly kind: DicomErrorKind;
  /** Full path of the file that failed. */
  readonly filePath: string;
  /** The reason alone, without the file name. */
  readonly reason: string;

  constructor(filePath: string, reason: string, options?: { cause?: unknown }) {
    super(`${basename(filePath)}: ${reason}`, options);
    this.filePath = filePath;
    this.reason = reason;
  }
}

/** Neither a DICOM Part 10 file (PS3.10 7.1: preamble + "DICM") nor a recognisable raw data set. */
export class NotDicomError extends DicomError {
  override name = 'NotDicomError';
  readonly kind = 'not-dicom' as const;
}

/** The file ends before the data set or the pixel data it announces. */
export class TruncatedError extends DicomError {
  override name = 'TruncatedError';
  readonly kind = 'truncated' as const;
}

/** The data set violates PS3.5 encoding rules badly enough that it cannot be read. */
export class MalformedDicomError extends DicomError {
  override name = 'MalformedDicomError';
  readonly kind = 'malformed' as const;
}

/** A valid DICOM object without an image (structured report, RT plan, waveform, …). */
export class NoPixelDataError extends DicomError {
  override name = 'NoPixelDataError';
  readonly kind = 'no-pixel-data' as const;
}

/** A transfer syntax or pixel layout this engine does not decode. */
export class UnsupportedSyntaxError extends DicomError {
  override name = 'UnsupportedSyntaxError';
  readonly kind = 'unsupported-syntax' as const;
}

/** The compressed frame is damaged: the codec failed or produced a result inconsistent with the header. */
export class CorruptCodestreamError extends DicomError {
  override name = 'CorruptCodestreamError';
  readonly kind = 'corrupt-codestream' as const;
}

/** Decoding took longer than the engine allows (10 s by default: never a hang); the worker was stopped. */
export class DecodeTimeoutError extends DicomError {
  override name = 'DecodeTimeoutError';
  readonly kind = 'timeout' as const;
}

/**
 * A frame number outside the image's Number of Frames (PS3.3 C.7.6.6): the caller asked for something the file
 * does not claim to have, so this is not a problem with the file. A RangeError, and its own class so guardDicom can
 * let it through without matching message text.
 */
export class FrameOutOfRangeError extends RangeError {
  override name = 'FrameOutOfRangeError';
  readonly filePath: string;
  /** The reason alone, without the file name (the same shape as DicomError's, so it crosses workers the same way). */
  readonly reason: string;

  constructor(filePath: string, reason: string) {
    super(`${basename(filePath)}: ${reason}`);
    this.filePath = filePath;
    this.reason = reason;
  }

  static of(filePath: string, frame: number, frames: number): FrameOutOfRangeError {
    return new FrameOutOfRangeError(filePath, `frame ${frame} requested, the image has ${frames} frame(s)`);
  }
}

/** A failure to read `filePath` from disk, as the NotDicomError the user sees: the errno code, else the message. */
export function unreadableFile(filePath: string, e: unknown): NotDicomError {
  const code = (e as NodeJS.ErrnoException).code;
  return new NotDicomError(filePath, `cannot read the file (${code ?? (e instanceof Error ? e.message : 'I/O error')})`, { cause: e });
}

/**
 * Last line of defence for hostile input: anything but a DicomError (a library throwing a bare string, a typed
 * array refusing an absurd length…) becomes a MalformedDicomError naming the file, with the original as `cause`.
 * A FrameOutOfRangeError is the caller's mistake and passes through.
 */
export async function guardDicom<T>(filePath: string, work: () => Promise<T> | T): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof DicomError || e instanceof FrameOutOfRangeError) throw e;
    throw new MalformedDicomError(filePath, `the file cannot be read (${describeThrown(e)})`, { cause: e });
  }
}

/** Turns whatever a third-party library threw (often a bare string) into text for a `cause`. */
export function describeThrown(thrown: unknown): string {
  if (thrown instanceof Error) return thrown.message;
  if (typeof thrown === 'string') return thrown;
  if (thrown && typeof thrown === 'object' && 'exception' in thrown) return describeThrown((thrown as { exception: unknown }).exception);
  return String(thrown);
}
