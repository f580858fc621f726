// Deflated Explicit VR Little Endian (PS3.5 A.5): the data set after the File Meta is one raw deflate stream
// (RFC 1951). A few hundred kilobytes of it can inflate to gigabytes, so nothing here inflates more than it needs:
// the header first, in growing steps that stop at MAX_HEADER_BYTES, then the rest only up to the size that header
// describes (plus a small margin). A stream that would go further is refused before it is inflated.
import { ByteStream, littleEndianByteArrayParser, readDicomElementExplicit, readFixedString, type Element } from 'dicom-parser';
import { constants, inflateRawSync } from 'node:zlib';
import { MalformedDicomError, TruncatedError, describeThrown } from './errors';
import { MAX_HEADER_BYTES, headerTooLong } from './header-limit';
import { PIXEL_DATA_TAG } from './tags';

/** Data that may follow the pixel data (Data Set Trailing Padding, digital signatures, odd-length padding). */
export const INFLATE_MARGIN_BYTES = 1024 * 1024;

/** The whole data set is never inflated beyond this, whatever its header says (an 8192² image is far below it). */
export const MAX_INFLATED_BYTES = 1 << 30;

/** First amount of compressed input tried for the header; each further try takes twice as much. */
const FIRST_HEADER_INPUT = 4096;

/** Attributes of the Image Pixel module (PS3.3 C.7.6.3) that fix the pixel data's size. */
const SIZE_TAGS = {
  rows: 'x00280010',
  columns: 'x00280011',
  samplesPerPixel: 'x00280002',
  bitsAllocated: 'x00280100',
  frames: 'x00280008',
} as const;

/** Where the pixel data start in the inflated data set, and how many bytes the header says they take. */
interface PixelDataAt {
  valueOffset: number;
  /** Rows × Columns × Samples × Frames × Bits Allocated / 8, or the element's own length when the size is unknown. */
  expectedBytes: number;
}

/** What the first `take` bytes of the stream inflate to, when that fits MAX_HEADER_BYTES. */
interface HeaderTry {
  inflated: Buffer;
  /** The input was the whole stream. */
  whole: boolean;
  pixelData: PixelDataAt | null | 'incomplete';
}

type HeaderFound = HeaderTry & { pixelData: PixelDataAt | null };

/**
 * Inflates a deflated data set (`deflated` = the bytes after the File Meta). With `headerOnly`, inflates just far
 * enough to reach the Pixel Data element (or the end of a data set without one). Otherwise inflates the whole data
 * set, but never past the size its header implies: more than that is refused as a damaged or hostile file.
 */
export function inflateDataSet(filePath: string, deflated: Uint8Array, headerOnly: boolean): Buffer {
  const { inflated, whole, pixelData } = inflateHeader(filePath, deflated);
  if (pixelData === null || headerOnly) return inflated;
  // The header is known: inflate the rest, but only as far as it says the image reaches.
  const limit = Math.min(MAX_INFLATED_BYTES, pixelData.valueOffset + pixelData.expectedBytes + INFLATE_MARGIN_BYTES);
  if (whole && inflated.length <= limit) return inflated;
  const output = inflate(filePath, deflated, constants.Z_FINISH, limit);
  if (output !== null) return output;
  const mib = (limit / (1024 * 1024)).toFixed(1);
  throw new MalformedDicomError(filePath, `the deflated data inflate to more than the ${mib} MiB its header describes (a damaged or hostile file); it was not opened`);
}

/**
 * Inflates growing amounts of the stream until the output reaches Pixel Data, never more than MAX_HEADER_BYTES of
 * output. When one step's output jumps past that bound (deflate can expand a thousandfold), the input is narrowed
 * down between the last two steps, so a header that does fit is still found.
 */
function inflateHeader(filePath: string, deflated: Uint8Array): HeaderFound {
  const attempt = (take: number): HeaderTry | null => {
    const whole = take >= deflated.length;
    const input = whole ? deflated : deflated.subarray(0, take);
    // A sync flush gives everything the input holds without asking for the stream's end: the input may be part
    // of the stream, or the stream part of a file whose first bytes are all that was read.
    const inflated = inflate(filePath, input, constants.Z_SYNC_FLUSH, MAX_HEADER_BYTES);
    return inflated === null ? null : { inflated, whole, pixelData: findPixelData(filePath, inflated, whole) };
  };
  const found = (step: HeaderTry): HeaderFound | null => {
    if (step.pixelData !== 'incomplete') return { ...step, pixelData: step.pixelData };
    if (step.whole) throw new TruncatedError(filePath, 'the deflated data set ends inside its header (file truncated)');
    return null;
  };
  let fits = 0;
  for (let take = FIRST_HEADER_INPUT; ; take *= 2) {
    const step = attempt(take);
    if (step !== null) {
      const header = found(step);
      if (header) return header;
      fits = take;
      continue;
    }
    let tooLarge = take;
    while (tooLarge - fits > 1) {
      const middle = Math.floor((fits + tooLarge) / 2);
      const narrowed = attempt(middle);
      if (narrowed === null) {
        tooLarge = middle;
        continue;
      }
      const header = found(narrowed);
      if (header) return header;
      fits = middle;
    }
    throw headerTooLong(filePath);
  }
}

/** The inflated bytes, or null when they would pass `maxOutputLength` (Node stops inflating right there). */
function inflate(filePath: string, input: Uint8Array, finishFlush: number, maxOutputLength: number): Buffer | null {
  try {
    return inflateRawSync(input, { finishFlush, maxOutputLength });
  } catch (e) {
    if (e instanceof RangeError) return null;
    const why = describeThrown(e);
    if (/unexpected end/i.test(why)) throw new TruncatedError(filePath, 'the deflated data set ends early (file truncated)', { cause: e });
    throw new MalformedDicomError(filePath, `the deflated data set cannot be inflated (${why})`, { cause: e });
  }
}

/**
 * Walks the top-level elements of an inflated Explicit VR Little Endian data set up to Pixel Data. Returns where
 * they start; null when the data set is complete and has none; 'incomplete' when the bytes end before either.
 */
function findPixelData(filePath: string, inflated: Buffer, complete: boolean): PixelDataAt | null | 'incomplete' {
  if (inflated.length === 0) return complete ? null : 'incomplete';
  const stream = new ByteStream(littleEndianByteArrayParser, inflated, 0);
  const seen = new Map<string, Element>();
  const wanted = new Set<string>(Object.values(SIZE_TAGS));
  try {
    while (stream.position < inflated.length) {
      const element = readDicomElementExplicit(stream, [], PIXEL_DATA_TAG);
      // PS3.5 7.1.2: an explicit VR is two upper-case letters; anything else is not a data set (zeros, noise).
      if (!/^[A-Z]{2}$/.test(element.vr ?? '')) throw new MalformedDicomError(filePath, 'the deflated data are not a DICOM data set (a damaged or hostile file)');
      if (element.tag === PIXEL_DATA_TAG) return { valueOffset: element.dataOffset, expectedBytes: expectedPixelBytes(inflated, seen, element) };
      if (wanted.has(element.tag)) seen.set(element.tag, element);
      const end = element.dataOffset + element.length;
      // An element that says it ends past the limit settles it without inflating that far.
      if (element.length !== 0xffffffff && end > MAX_HEADER_BYTES) throw headerTooLong(filePath);
      if (end > inflated.length) return 'incomplete';
    }
  } catch (e) {
    if (e instanceof MalformedDicomError) throw e;
    // dicom-parser throws when an element runs past the bytes we have: more input may complete it. A stream that
    // is really malformed fails the same way once it is whole, in the parser that reads it then.
    return complete ? null : 'incomplete';
  }
  return complete ? null : 'incomplete';
}

function expectedPixelBytes(bytes: Buffer, seen: Map<string, Element>, pixelData: Element): number {
  const us = (tag: string): number => {
    const el = seen.get(tag);
    return el && el.length >= 2 && el.dataOffset + 2 <= bytes.length ? littleEndianByteArrayParser.readUint16(bytes, el.dataOffset) : 0;
  };
  const framesEl = seen.get(SIZE_TAGS.frames);
  const framesText = framesEl && framesEl.dataOffset + framesEl.length <= bytes.length ? readFixedString(bytes, framesEl.dataOffset, framesEl.length) : '';
  const frames = Math.max(1, Number.parseInt(framesText.trim(), 10) || 1);
  const rows = us(SIZE_TAGS.rows);
  const columns = us(SIZE_TAGS.columns);
  const bits = us(SIZE_TAGS.bitsAllocated);
  const samples = us(SIZE_TAGS.samplesPerPixel) || 1;
  const declared = pixelData.length === 0xffffffff ? MAX_INFLATED_BYTES : pixelData.length;
  if (rows === 0 || columns === 0 || bits === 0) return declared;
  return Math.ceil((rows * columns * samples * frames * bits) / 8);
}
