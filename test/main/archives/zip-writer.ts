// Writes zip archives for the tests (APPNOTE.TXT 4.3: local headers and data, the central directory, the end
// record), real ones from fixture files and hostile ones no archiver writes: sizes that lie, CRCs that do not
// match, central directory records that share one local entry. No zip64, no data descriptors.
import { closeSync, openSync, writeSync } from 'node:fs';
import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipEntrySpec {
  /** '/'-separated; a name ending in '/' is a folder. */
  name: string;
  data?: Uint8Array;
  /** 0 stored, 8 deflated (default), anything else written as is (its data stored). */
  method?: number;
  /** Written instead of the real uncompressed size (a lie). */
  declaredSize?: number;
  /** Written instead of the real compressed size (a lie). */
  declaredCompressedSize?: number;
  /** Written instead of the real CRC-32. */
  crc32?: number;
  /** General purpose bit flag (bit 0: encrypted). */
  flags?: number;
}

/** One central directory record as written; `centralDirectory` may rewrite the list. */
export interface CentralRecord {
  name: string;
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

export interface ZipOptions {
  /** Rewrites the central directory records (e.g. many records pointing at one local entry: an overlap bomb). */
  centralDirectory?: (records: CentralRecord[]) => CentralRecord[];
}

export function buildZip(entries: Iterable<ZipEntrySpec>, options: ZipOptions = {}): Buffer {
  return Buffer.concat([...zipChunks(entries, options)]);
}

/** Writes the archive to `path` entry by entry: only one entry's data is in memory at a time. */
export function writeZip(path: string, entries: Iterable<ZipEntrySpec>, options: ZipOptions = {}): void {
  const fd = openSync(path, 'w');
  try {
    for (const chunk of zipChunks(entries, options)) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
}

function* zipChunks(entries: Iterable<ZipEntrySpec>, options: ZipOptions): Generator<Buffer> {
  const records: CentralRecord[] = [];
  let offset = 0;
  for (const entry of entries) {
    const raw = Buffer.from(entry.data ?? new Uint8Array(0));
    const method = entry.method ?? (entry.name.endsWith('/') ? 0 : 8);
    const data = method === 8 ? deflateRawSync(raw) : raw;
    const record: CentralRecord = {
      name: entry.name,
      method,
      flags: (entry.flags ?? 0) | 0x800,
      crc32: entry.crc32 ?? crc32(raw),
      compressedSize: entry.declaredCompressedSize ?? data.length,
      uncompressedSize: entry.declaredSize ?? raw.length,
      localHeaderOffset: offset,
    };
    const local = localHeader(record);
    yield local;
    yield data;
    records.push(record);
    offset += local.length + data.length;
  }
  const central = (options.centralDirectory?.(records) ?? records).map(centralHeader);
  const centralSize = central.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(central.length, 8);
  end.writeUInt16LE(central.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  yield* central;
  yield end;
}

/** 1980-01-01 00:00, the DOS epoch: archives built from the same files are byte-identical. */
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

function localHeader(r: CentralRecord): Buffer {
  const name = Buffer.from(r.name, 'utf8');
  const b = Buffer.alloc(30);
  b.writeUInt32LE(0x04034b50, 0);
  b.writeUInt16LE(20, 4);
  b.writeUInt16LE(r.flags, 6);
  b.writeUInt16LE(r.method, 8);
  b.writeUInt16LE(0, 10);
  b.writeUInt16LE(DOS_DATE, 12);
  b.writeUInt32LE(r.crc32 >>> 0, 14);
  b.writeUInt32LE(r.compressedSize, 18);
  b.writeUInt32LE(r.uncompressedSize, 22);
  b.writeUInt16LE(name.length, 26);
  b.writeUInt16LE(0, 28);
  return Buffer.concat([b, name]);
}

function centralHeader(r: CentralRecord): Buffer {
  const name = Buffer.from(r.name, 'utf8');
  const b = Buffer.alloc(46);
  b.writeUInt32LE(0x02014b50, 0);
  b.writeUInt16LE(20, 4);
  b.writeUInt16LE(20, 6);
  b.writeUInt16LE(r.flags, 8);
  b.writeUInt16LE(r.method, 10);
  b.writeUInt16LE(0, 12);
  b.writeUInt16LE(DOS_DATE, 14);
  b.writeUInt32LE(r.crc32 >>> 0, 16);
  b.writeUInt32LE(r.compressedSize, 20);
  b.writeUInt32LE(r.uncompressedSize, 24);
  b.writeUInt16LE(name.length, 28);
  b.writeUInt32LE(r.name.endsWith('/') ? 0x10 : 0, 38);
  b.writeUInt32LE(r.localHeaderOffset, 42);
  return Buffer.concat([b, name]);
}
