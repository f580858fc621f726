// Typed failures of a zip archive as a whole. Like a DicomError, each names the archive and says why in words a
// clinician or hospital IT person can act on; an entry that cannot be read fails as a DicomError of its own.
import { basename } from 'node:path';

export abstract class ZipArchiveError extends Error {
  /** Full path of the archive. */
  readonly filePath: string;
  /** The reason alone, without the archive's name. */
  readonly reason: string;

  constructor(filePath: string, reason: string, options?: { cause?: unknown }) {
    super(`${basename(filePath)}: ${reason}`, options);
    this.filePath = filePath;
    this.reason = reason;
  }
}

/** Not a zip archive, or one whose central directory cannot be read (truncated, damaged, split over disks). */
export class ZipUnreadableError extends ZipArchiveError {
  override name = 'ZipUnreadableError';
}

/** A zip archive refused before anything was inflated: it would expand past Radraft's limits (a zip bomb). */
export class ZipRefusedError extends ZipArchiveError {
  override name = 'ZipRefusedError';
}
