// Type declarations for the parts of yauzl 3 (https://github.com/thejoshwolfe/yauzl) Radraft uses. The published
// @types/yauzl describe yauzl 2: they lack the low-level reads and type file names as strings even when
// decodeStrings is off, which is how Radraft opens archives.
declare module 'yauzl' {
  import type { EventEmitter } from 'node:events';
  import type { Readable } from 'node:stream';

  export interface ExtraField {
    id: number;
    data: Buffer;
  }

  /** One Central Directory record (APPNOTE.TXT 4.3.12); `fileName` is the raw bytes with decodeStrings off. */
  export class Entry {
    versionMadeBy: number;
    versionNeededToExtract: number;
    generalPurposeBitFlag: number;
    compressionMethod: number;
    lastModFileTime: number;
    lastModFileDate: number;
    crc32: number;
    compressedSize: number;
    uncompressedSize: number;
    fileNameLength: number;
    extraFieldLength: number;
    fileCommentLength: number;
    internalFileAttributes: number;
    externalFileAttributes: number;
    relativeOffsetOfLocalHeader: number;
    fileName: Buffer | string;
    extraFields: ExtraField[];
    isEncrypted(): boolean;
    canDecodeFileData(): boolean;
  }

  export interface Options {
    autoClose?: boolean;
    lazyEntries?: boolean;
    decodeStrings?: boolean;
    validateEntrySizes?: boolean;
    strictFileNames?: boolean;
  }

  export class ZipFile extends EventEmitter {
    readonly entryCount: number;
    readonly fileSize: number;
    readonly isOpen: boolean;
    readEntry(): void;
    close(): void;
    readLocalFileHeader(entry: Pick<Entry, 'relativeOffsetOfLocalHeader' | 'compressedSize'>, options: { minimal: true }, callback: (err: Error | null, header: { fileDataStart: number }) => void): void;
    openReadStreamLowLevel(
      fileDataStart: number,
      compressedSize: number,
      relativeStart: number,
      relativeEnd: number,
      decompress: boolean,
      uncompressedSize: number,
      callback: (err: Error | null, stream: Readable) => void,
    ): void;
  }

  export function open(path: string, options: Options, callback: (err: Error | null, zipfile: ZipFile) => void): void;
  export function getFileNameLowLevel(generalPurposeBitFlag: number, fileNameBuffer: Buffer, extraFields: ExtraField[], strictFileNames: boolean): string;
}
