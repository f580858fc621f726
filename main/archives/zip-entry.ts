// Reads one entry of a zip archive in place: yauzl finds its data from the local header and inflates them as a
// stream, which this reader hands out in order and stops wherever the caller stops (a header read inflates only
// the header). Nothing beyond what the entry's central directory record declares is ever inflated: yauzl fails the
// stream at the first byte past the declared size, and the CRC-32 is checked when the whole entry has been read.
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import type { ZipFile } from 'yauzl';
import { MalformedDicomError, NotDicomError, TruncatedError, describeThrown, unreadableFile } from '../dicom/errors';
import type { SourceReader } from '../dicom/source';
import { ZipArchiveError } from './errors';
import { openZip } from './zip-file';
import { MAX_ENTRY_BYTES } from './zip-limits';
import type { ZipArchiveStamp, ZipEntryInfo } from './zip-listing';

/** One entry of one archive, as listed (zip-listing.ts): everything a worker needs to read it later. */
export interface ZipEntryRef extends ZipEntryInfo {
  archive: ZipArchiveStamp;
}

/** Opens the entry for reading from its first byte. `filePath` names it in errors (archive path + entry name). */
export async function openZipEntry(filePath: string, ref: ZipEntryRef): Promise<SourceReader> {
  const now = await stat(ref.archive.path).catch((e: unknown) => {
    throw unreadableFile(filePath, e);
  });
  if (now.size !== ref.archive.size || now.mtimeMs !== ref.archive.mtimeMs) {
    throw new NotDicomError(filePath, 'cannot read the file: its zip archive changed on disk after it was opened; open the archive again');
  }
  if (ref.uncompressedSize > MAX_ENTRY_BYTES) throw new MalformedDicomError(filePath, 'the file is larger than Radraft reads from an archive');
  let zip: ZipFile;
  try {
    zip = await openZip(ref.archive.path, { validateEntrySizes: true });
  } catch (e) {
    if (e instanceof ZipArchiveError) throw new NotDicomError(filePath, `cannot read the file: ${e.reason}`, { cause: e });
    throw e;
  }
  try {
    const fileDataStart = await new Promise<number>((resolve, reject) => {
      zip.readLocalFileHeader({ relativeOffsetOfLocalHeader: ref.localHeaderOffset, compressedSize: ref.compressedSize }, { minimal: true }, (err, header) =>
        err ? reject(err) : resolve(header.fileDataStart),
      );
    });
    const stream = await new Promise<Readable>((resolve, reject) => {
      zip.openReadStreamLowLevel(fileDataStart, ref.compressedSize, 0, ref.compressedSize, ref.method === 8, ref.uncompressedSize, (err, s) => (err ? reject(err) : resolve(s)));
    });
    return new ZipEntryReader(filePath, ref, zip, stream);
  } catch (e) {
    zip.close();
    throw entryError(filePath, e);
  }
}

class ZipEntryReader implements SourceReader {
  readonly size: number;
  private readonly chunks: AsyncIterator<Buffer>;
  private pending: Buffer = Buffer.alloc(0);
  private ended = false;
  private crc = 0;

  constructor(
    private readonly filePath: string,
    private readonly ref: ZipEntryRef,
    private readonly zip: ZipFile,
    private readonly stream: Readable,
  ) {
    this.size = ref.uncompressedSize;
    this.chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  async read(into: Uint8Array): Promise<number> {
    let filled = 0;
    while (filled < into.length) {
      if (this.pending.length === 0) {
        if (this.ended || !(await this.pull())) break;
        continue;
      }
      const n = Math.min(this.pending.length, into.length - filled);
      into.set(this.pending.subarray(0, n), filled);
      this.pending = this.pending.subarray(n);
      filled += n;
    }
    return filled;
  }

  async verifyEnd(): Promise<void> {
    if (this.pending.length > 0 || (!this.ended && (await this.pull()))) {
      throw new MalformedDicomError(this.filePath, 'the file holds more data than its archive declares (a damaged or hostile archive)');
    }
  }

  async close(): Promise<void> {
    // Stops the inflation where the caller stopped; yauzl closes the archive once its last stream has ended. A
    // failure the stopped stream reports now concerns bytes no one reads: it must not end the worker.
    this.stream.on('error', () => undefined);
    this.stream.destroy();
    this.zip.close();
  }

  /** The next inflated chunk into `pending`; false at the end, where the CRC-32 is checked. */
  private async pull(): Promise<boolean> {
    let next: IteratorResult<Buffer>;
    try {
      next = await this.chunks.next();
    } catch (e) {
      throw entryError(this.filePath, e);
    }
    if (next.done) {
      this.ended = true;
      if (this.crc >>> 0 !== this.ref.crc32 >>> 0) {
        throw new MalformedDicomError(this.filePath, 'the file is damaged in its archive (its CRC-32 checksum does not match)');
      }
      return false;
    }
    this.pending = next.value;
    this.crc = crc32(next.value, this.crc);
    return true;
  }
}

/** What went wrong reading an entry, as the DicomError the study list shows next to it. */
function entryError(filePath: string, e: unknown): Error {
  if (e instanceof MalformedDicomError || e instanceof TruncatedError || e instanceof NotDicomError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  const why = describeThrown(e);
  if (/too many bytes/i.test(why)) return new MalformedDicomError(filePath, 'the file inflates to more data than its archive declares (a zip bomb, or a damaged archive); it was not opened', { cause: e });
  if (/not enough bytes/i.test(why)) return new TruncatedError(filePath, 'the file inflates to less data than its archive declares (a damaged archive)', { cause: e });
  if (code?.startsWith('Z_')) return new MalformedDicomError(filePath, `the file cannot be inflated from its archive (${why})`, { cause: e });
  if (code) return unreadableFile(filePath, e);
  return new MalformedDicomError(filePath, `the file cannot be read from its archive (${why})`, { cause: e });
}
