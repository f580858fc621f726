// Where a DICOM object's bytes are: a file, or one entry of a zip archive, inflated where it lies and never written
// to disk. Header reading (header.ts) and decoding (read-file.ts) read either the same way: from the first byte
// on, in order, because that is the only way a deflated entry can be read.
import { open, type FileHandle } from 'node:fs/promises';
import type { ZipEntryRef } from '../archives/zip-entry';
import { openZipEntry } from '../archives/zip-entry';
import { unreadableFile } from './errors';

/**
 * A DICOM object to read. `filePath` names it in every message and is its identity: the file's path, or for an
 * entry of a zip archive the archive's path followed by the entry's path inside it (`/x/study.zip/IMAGES/IM1`).
 */
export interface DicomSource {
  filePath: string;
  /** Set when the object is an entry of a zip archive. */
  zipEntry?: ZipEntryRef;
}

/** The bytes of a source from the first on, in order. */
export interface SourceReader {
  /** Bytes the source holds (a zip entry: the size its record declares, which the reading enforces). */
  readonly size: number;
  /** Fills `into` with the next bytes; returns how many, fewer than asked only at the end. */
  read(into: Uint8Array): Promise<number>;
  /** After the last byte: checks the source really ends there and is intact (a zip entry's size and CRC-32). */
  verifyEnd(): Promise<void>;
  close(): Promise<void>;
}

export function sourceOf(source: DicomSource | string): DicomSource {
  return typeof source === 'string' ? { filePath: source } : source;
}

/** Opens a source for reading. File-system failures become a NotDicomError that names it. */
export async function openSource(source: DicomSource): Promise<SourceReader> {
  if (source.zipEntry) return openZipEntry(source.filePath, source.zipEntry);
  let handle: FileHandle;
  let size: number;
  try {
    handle = await open(source.filePath, 'r');
    size = (await handle.stat()).size;
  } catch (e) {
    throw unreadableFile(source.filePath, e);
  }
  return new DiskFileReader(source.filePath, handle, size);
}

class DiskFileReader implements SourceReader {
  private position = 0;

  constructor(
    private readonly filePath: string,
    private readonly handle: FileHandle,
    readonly size: number,
  ) {}

  async read(into: Uint8Array): Promise<number> {
    let done = 0;
    try {
      while (done < into.length) {
        const { bytesRead } = await this.handle.read(into, done, into.length - done, this.position);
        if (bytesRead === 0) break;
        done += bytesRead;
        this.position += bytesRead;
      }
    } catch (e) {
      throw unreadableFile(this.filePath, e);
    }
    return done;
  }

  /** A file that grew while being read is read as it was: the size taken at the start stands. */
  async verifyEnd(): Promise<void> {}

  close(): Promise<void> {
    return this.handle.close();
  }
}
