// Files made to hurt a DICOM reader, reproduced from real fixtures: deflate bombs built from pydicom's image_dfl.dcm
// (a real Deflated Explicit VR Little Endian secondary capture, PS3.5 A.5), headers padded past the reading limit
// and giants of zeros or noise. Large files are written sparse (their zeros cost no disk), and a gigabyte of
// deflated zeros is built from one compressed megabyte repeated, so nothing here needs a gigabyte of memory.
// Used by test/main/dicom/bounded-read.test.ts and bench/open-hostile.ts.
import { closeSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';
import { fixture } from './fixtures';

const MIB = 1024 * 1024;
export const GIB = 1024 * MIB;

/** The real deflated file: its File Meta, its inflated data set, and where Pixel Data starts in that data set. */
export interface DeflatedSource {
  meta: Buffer;
  dataSet: Buffer;
  pixelDataAt: number;
}

export function realDeflated(): DeflatedSource {
  const file = readFileSync(fixture('pydicom-test-files', 'image_dfl.dcm'));
  // PS3.10 7.1: preamble, "DICM", then (0002,0000) UL File Meta Information Group Length.
  const metaEnd = 132 + 12 + file.readUInt32LE(132 + 8);
  const dataSet = inflateRawSync(file.subarray(metaEnd));
  const pixelDataAt = dataSet.lastIndexOf(Buffer.from([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x42]));
  if (pixelDataAt < 0) throw new Error('image_dfl.dcm has no Pixel Data element');
  return { meta: file.subarray(0, metaEnd), dataSet, pixelDataAt };
}

/** An Explicit VR Little Endian element header with a 4-byte length (PS3.5 7.1.2, OB/UN/…). */
export function longElementHeader(group: number, element: number, vr: string, length: number): Buffer {
  const out = Buffer.alloc(12);
  out.writeUInt16LE(group, 0);
  out.writeUInt16LE(element, 2);
  out.write(vr, 4, 'latin1');
  out.writeUInt32LE(length, 8);
  return out;
}

/** A private creator (gggg,0010) LO, so that (gggg,10xx) elements are well-formed private data (PS3.5 7.8.1). */
function privateCreator(group: number): Buffer {
  const value = Buffer.from('RADRAFT TEST', 'latin1');
  const head = Buffer.alloc(8);
  head.writeUInt16LE(group, 0);
  head.writeUInt16LE(0x0010, 2);
  head.write('LO', 4, 'latin1');
  head.writeUInt16LE(value.length, 6);
  return Buffer.concat([head, value]);
}

/** A private group just below Pixel Data, so the elements it adds keep the data set in tag order. */
const PRIVATE_GROUP = 0x7fd1;

/** One raw deflate stream of `parts` (bytes, or a count of zero bytes), each part sync-flushed, the last final. */
export function deflateParts(parts: Array<Uint8Array | number>): Buffer {
  const zeroChunk = deflateRawSync(Buffer.alloc(MIB), { finishFlush: constants.Z_SYNC_FLUSH, level: 9 });
  const out: Buffer[] = [];
  for (const part of parts) {
    if (typeof part === 'number') {
      for (let i = 0; i < Math.floor(part / MIB); i++) out.push(zeroChunk);
      if (part % MIB) out.push(deflateRawSync(Buffer.alloc(part % MIB), { finishFlush: constants.Z_SYNC_FLUSH }));
    } else {
      out.push(deflateRawSync(part, { finishFlush: constants.Z_SYNC_FLUSH }));
    }
  }
  out.push(deflateRawSync(Buffer.alloc(0)));
  return Buffer.concat(out);
}

export type DeflateBomb = 'pixel-data' | 'trailing' | 'no-data-set' | 'long-header';

/**
 * A deflated file of about `inflated` bytes of zeros, from image_dfl.dcm's real File Meta and header:
 * - pixel-data: its Pixel Data element claims and holds `inflated` bytes (the header says 512×512×8 bits);
 * - trailing: its real pixel data, then `inflated` bytes of Data Set Trailing Padding (FFFC,FFFC);
 * - no-data-set: the File Meta, then nothing but deflated zeros;
 * - long-header: a private OB element of `inflated` bytes before the real pixel data.
 */
export function deflateBomb(kind: DeflateBomb, inflated = GIB): Buffer {
  const { meta, dataSet, pixelDataAt } = realDeflated();
  const header = dataSet.subarray(0, pixelDataAt);
  const pixelData = dataSet.subarray(pixelDataAt);
  const parts: Array<Uint8Array | number> =
    kind === 'pixel-data' ? [header, longElementHeader(0x7fe0, 0x0010, 'OB', inflated), inflated]
    : kind === 'trailing' ? [header, pixelData, longElementHeader(0xfffc, 0xfffc, 'OB', inflated), inflated]
    : kind === 'no-data-set' ? [inflated]
    : [header, privateCreator(PRIVATE_GROUP), longElementHeader(PRIVATE_GROUP, 0x1000, 'OB', inflated), inflated, pixelData];
  return Buffer.concat([meta, deflateParts(parts)]);
}

/** Writes `head` at the start of `path`, `tail` at its end, and zeros (a hole where the file system allows) between. */
export function writeSparse(path: string, head: Uint8Array, size: number, tail: Uint8Array = new Uint8Array(0)): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, head, 0, head.length, 0);
    ftruncateSync(fd, size);
    if (tail.length > 0) writeSync(fd, tail, 0, tail.length, size - tail.length);
  } finally {
    closeSync(fd);
  }
}

/** A real Explicit VR Little Endian file (pydicom's CT_small.dcm): its bytes before Pixel Data, and from there on. */
export function realExplicitFile(): { header: Buffer; pixelData: Buffer } {
  const file = readFileSync(fixture('pydicom-test-files', 'CT_small.dcm'));
  const at = file.lastIndexOf(Buffer.from([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x57]));
  if (at < 0) throw new Error('CT_small.dcm has no Pixel Data element');
  return { header: file.subarray(0, at), pixelData: file.subarray(at) };
}

/** CT_small.dcm with a private OB element of `padding` zero bytes before its Pixel Data: a header that long. */
export function writeLongHeader(path: string, padding: number): void {
  const { header, pixelData } = realExplicitFile();
  const head = Buffer.concat([header, privateCreator(PRIVATE_GROUP), longElementHeader(PRIVATE_GROUP, 0x1000, 'OB', padding)]);
  writeSparse(path, head, head.length + padding + pixelData.length, pixelData);
}

/** CT_small.dcm's real header with a Pixel Data element of `size` bytes of zeros: a zero-filled giant .dcm. */
export function writeZeroFilledDicom(path: string, size: number): void {
  const { header } = realExplicitFile();
  const head = Buffer.concat([header, longElementHeader(0x7fe0, 0x0010, 'OW', size - header.length - 12)]);
  writeSparse(path, head, size);
}
