// Locating one frame's bytes in Pixel Data (7FE0,0010): native (PS3.5 8.1.1, frames back to back) or
// encapsulated (PS3.5 8.2 and A.4: item fragments, optional Basic Offset Table).
import {
  ByteStream,
  createJPEGBasicOffsetTable,
  findEndOfEncapsulatedElement,
  littleEndianByteArrayParser,
  readEncapsulatedImageFrame,
  readEncapsulatedPixelDataFromFragments,
  type DataSet,
  type Element,
  type Fragment,
} from 'dicom-parser';
import { MalformedDicomError, TruncatedError, describeThrown } from './errors';
import type { PixelEncoding } from './transfer-syntax';

/** First bytes that open a frame's codestream, used to group fragments when there is no offset table. */
function startsFrame(encoding: PixelEncoding, bytes: Uint8Array, at: number): boolean {
  const b0 = bytes[at];
  const b1 = bytes[at + 1];
  switch (encoding) {
    case 'jpeg-baseline':
    case 'jpeg-extended':
    case 'jpeg-progressive':
    case 'jpeg-lossless':
    case 'jpeg-ls':
      return b0 === 0xff && b1 === 0xd8; // SOI
    case 'jpeg2000':
    case 'htj2k':
      // SOC of a raw codestream, or the JP2 signature box some writers leave in.
      return (b0 === 0xff && b1 === 0x4f) || (b0 === 0x00 && b1 === 0x00 && bytes[at + 4] === 0x6a && bytes[at + 5] === 0x50);
    default:
      return true;
  }
}

export function nativeFrame(filePath: string, dataSet: DataSet, element: Element, frame: number, frameBytes: number): Uint8Array {
  const start = element.dataOffset + frame * frameBytes;
  const end = start + frameBytes;
  if (element.length === 0xffffffff || element.length < 0) {
    throw new MalformedDicomError(filePath, 'native Pixel Data has an undefined length');
  }
  if (end > element.dataOffset + element.length || end > dataSet.byteArray.length) {
    throw new TruncatedError(filePath, `the pixel data end early: frame ${frame + 1} of ${frameBytes} bytes is incomplete`);
  }
  return dataSet.byteArray.subarray(start, end);
}

/**
 * In implicit VR, dicom-parser reads undefined-length Pixel Data as a sequence of items; re-read the same bytes as
 * the Basic Offset Table item and fragments of PS3.5 A.4.
 */
function reparseAsEncapsulated(filePath: string, dataSet: DataSet, element: Element): void {
  try {
    const stream = new ByteStream(littleEndianByteArrayParser, dataSet.byteArray, element.dataOffset);
    findEndOfEncapsulatedElement(stream, element, []);
  } catch (e) {
    throw new MalformedDicomError(filePath, `the encapsulated pixel data cannot be read (${describeThrown(e)})`, { cause: e });
  }
}

/** Fragments grouped into frames, PS3.5 A.4: with the Basic Offset Table when present, else by codestream start. */
function groupFragments(dataSet: DataSet, fragments: Fragment[], encoding: PixelEncoding): Fragment[][] {
  const groups: Fragment[][] = [];
  for (const f of fragments) {
    if (groups.length === 0 || startsFrame(encoding, dataSet.byteArray, f.position)) groups.push([f]);
    else groups[groups.length - 1].push(f);
  }
  return groups;
}

export function encapsulatedFrame(
  filePath: string,
  dataSet: DataSet,
  element: Element,
  frame: number,
  frames: number,
  encoding: PixelEncoding,
): Uint8Array {
  if (!element.encapsulatedPixelData && element.hadUndefinedLength) reparseAsEncapsulated(filePath, dataSet, element);
  const fragments = element.fragments ?? [];
  if (!element.encapsulatedPixelData || fragments.length === 0) {
    throw new MalformedDicomError(filePath, 'compressed transfer syntax but the Pixel Data are not encapsulated (PS3.5 A.4)');
  }
  for (const f of fragments) {
    if (f.position + f.length > dataSet.byteArray.length) throw new TruncatedError(filePath, 'the compressed pixel data end early');
  }
  try {
    if (frames === 1) return readEncapsulatedPixelDataFromFragments(dataSet, element, 0, fragments.length);
    const bot = element.basicOffsetTable ?? [];
    if (bot.length === frames) return readEncapsulatedImageFrame(dataSet, element, frame, bot, fragments);
    if (fragments.length === frames) return readEncapsulatedPixelDataFromFragments(dataSet, element, frame, 1);
    if (encoding.startsWith('jpeg') && encoding !== 'jpeg2000') {
      const table = createJPEGBasicOffsetTable(dataSet, element, fragments);
      if (table.length === frames) return readEncapsulatedImageFrame(dataSet, element, frame, table, fragments);
    }
    const groups = groupFragments(dataSet, fragments, encoding);
    if (groups.length !== frames) {
      throw new MalformedDicomError(filePath, `cannot tell which fragments make up frame ${frame + 1} (${fragments.length} fragments for ${frames} frames)`);
    }
    const group = groups[frame];
    return readEncapsulatedPixelDataFromFragments(dataSet, element, fragments.indexOf(group[0]), group.length);
  } catch (e) {
    if (e instanceof MalformedDicomError || e instanceof TruncatedError) throw e;
    throw new MalformedDicomError(filePath, `the encapsulated pixel data cannot be split into frames (${describeThrown(e)})`, { cause: e });
  }
}
