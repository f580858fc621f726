// The table of contents of a zip archive (APPNOTE.TXT 4.3.12 central directory), read in a decode worker: which
// entries may be DICOM, where each one's data lie, and whether the archive as a whole may be opened at all. Nothing
// is inflated here; the limits (zip-limits.ts) are checked on what the archive declares, before any entry is read.
import { stat } from 'node:fs/promises';
import { getFileNameLowLevel, type Entry } from 'yauzl';
import { formatBytes } from '../../app/text/bytes';
import { isCandidateEntry } from '../studies/file-names';
import { ZipRefusedError, ZipUnreadableError } from './errors';
import { nextEntry, openZip } from './zip-file';
import { DEFLATE_MAX_RATIO, MAX_ENTRY_BYTES, MAX_EXPANSION_RATIO, MAX_ZIP_RECORDS, RATIO_FLOOR_BYTES } from './zip-limits';

/** The archive as it was when listed: an entry is read only from the same file (zip-entry.ts checks). */
export interface ZipArchiveStamp {
  path: string;
  size: number;
  mtimeMs: number;
}

/** One entry that may be DICOM, as its central directory record describes it. */
export interface ZipEntryInfo {
  /** The entry's path inside the archive, '/'-separated (backslashes some Windows tools write become '/'). */
  name: string;
  localHeaderOffset: number;
  compressedSize: number;
  uncompressedSize: number;
  /** 0 stored, 8 deflated (APPNOTE.TXT 4.4.5); others are refused. */
  method: 0 | 8;
  crc32: number;
}

export interface ZipListing {
  archive: ZipArchiveStamp;
  /** Entries that may be DICOM images or a DICOMDIR, in central directory order. */
  entries: ZipEntryInfo[];
  /** Entries that may be DICOM but cannot be read, with the reason. */
  refused: Array<{ name: string; reason: string }>;
  /** More entries than `maxEntries` (or MAX_ZIP_RECORDS records): the rest were not listed. */
  truncated: boolean;
}

/** Bytes a local file header takes at least (APPNOTE.TXT 4.3.7): the fixed part and the name. */
const LOCAL_HEADER_FIXED_BYTES = 30;

/** Slack on deflate's ratio for tiny streams (block headers); a bomb needs far more. */
const DEFLATE_SLACK_BYTES = 1024;

/**
 * Lists the DICOM candidates of a zip archive (up to `maxEntries`). Refuses the whole archive (ZipRefusedError)
 * when its entries overlap, the signature of a zip bomb that makes one compressed stream count many times, or when
 * its candidates declare more than MAX_EXPANSION_RATIO times the archive's size.
 */
export async function listZipArchive(archivePath: string, maxEntries: number): Promise<ZipListing> {
  let info;
  try {
    info = await stat(archivePath);
  } catch (e) {
    throw new ZipUnreadableError(archivePath, `the archive cannot be read (${(e as NodeJS.ErrnoException).code ?? 'I/O error'})`, { cause: e });
  }
  const archive: ZipArchiveStamp = { path: archivePath, size: info.size, mtimeMs: info.mtimeMs };
  const zip = await openZip(archivePath, { validateEntrySizes: false });
  const listing: ZipListing = { archive, entries: [], refused: [], truncated: false };
  // Where every record's local header and data lie, at least: [start, end) pairs.
  const spans: Array<[number, number]> = [];
  let declared = 0;
  try {
    for (let records = 0; ; records++) {
      const entry = await nextEntry(archivePath, zip);
      if (entry === null) break;
      if (records >= MAX_ZIP_RECORDS) {
        listing.truncated = true;
        break;
      }
      spans.push([entry.relativeOffsetOfLocalHeader, entry.relativeOffsetOfLocalHeader + LOCAL_HEADER_FIXED_BYTES + entry.fileNameLength + entry.compressedSize]);
      const name = getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileName as Buffer, entry.extraFields, false);
      if (!isCandidateEntry(name)) continue;
      if (listing.entries.length >= maxEntries) {
        listing.truncated = true;
        break;
      }
      const refusal = refusalOf(entry, archive.size);
      if (refusal) {
        listing.refused.push({ name, reason: refusal });
        continue;
      }
      declared += entry.uncompressedSize;
      listing.entries.push({
        name,
        localHeaderOffset: entry.relativeOffsetOfLocalHeader,
        compressedSize: entry.compressedSize,
        uncompressedSize: entry.uncompressedSize,
        method: entry.compressionMethod === 0 ? 0 : 8,
        crc32: entry.crc32,
      });
    }
  } finally {
    zip.close();
  }
  if (overlapping(spans)) {
    throw new ZipRefusedError(archivePath, 'entries of this archive overlap, so one piece of compressed data would be inflated many times over (a zip bomb); it was not opened');
  }
  const allowed = Math.max(RATIO_FLOOR_BYTES, MAX_EXPANSION_RATIO * archive.size);
  if (declared > allowed) {
    throw new ZipRefusedError(
      archivePath,
      `its files would expand to ${formatBytes(declared)}, more than ${MAX_EXPANSION_RATIO} times the archive's ${formatBytes(archive.size)} (a zip bomb, or a damaged archive); it was not opened`,
    );
  }
  return listing;
}

/** Why one entry cannot be read, from what its record declares; null when it may be. */
function refusalOf(entry: Entry, archiveSize: number): string | null {
  if (entry.isEncrypted()) return 'the file is encrypted (password-protected) in the archive; Radraft cannot read it';
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
    return `the file is compressed with method ${entry.compressionMethod}, which Radraft does not read (only stored and deflated files); re-create the archive with standard compression`;
  }
  if (entry.uncompressedSize > MAX_ENTRY_BYTES) {
    return `the file declares ${formatBytes(entry.uncompressedSize)}, more than the ${formatBytes(MAX_ENTRY_BYTES)} Radraft reads from an archive (a damaged or hostile archive)`;
  }
  if (entry.compressionMethod === 0 && entry.compressedSize !== entry.uncompressedSize) {
    return 'the file is stored uncompressed but declares two different sizes (a damaged or hostile archive)';
  }
  if (entry.compressionMethod === 8 && entry.uncompressedSize > DEFLATE_MAX_RATIO * entry.compressedSize + DEFLATE_SLACK_BYTES) {
    return 'the file declares more data than its compressed size can hold (a zip bomb, or a damaged archive)';
  }
  if (entry.relativeOffsetOfLocalHeader + LOCAL_HEADER_FIXED_BYTES + entry.fileNameLength + entry.compressedSize > archiveSize) {
    return 'the file runs past the end of the archive (an incomplete download or copy)';
  }
  return null;
}

/** True when two records claim the same bytes of the archive. */
function overlapping(spans: Array<[number, number]>): boolean {
  const sorted = [...spans].sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < sorted.length; i++) if (sorted[i][0] < sorted[i - 1][1]) return true;
  return false;
}
