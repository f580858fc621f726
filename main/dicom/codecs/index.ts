// One entry point per compressed encoding (PS3.5 A.4.1–A.4.11); each returns interleaved samples.
import charlsFactory from '@cornerstonejs/codec-charls/decodewasmjs';
import libjpegTurboFactory from '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs';
import openjphFactory from '@cornerstonejs/codec-openjph';
import { Decoder as LosslessJpegDecoder } from 'jpeg-lossless-decoder-js';
import type { PixelEncoding } from '../transfer-syntax';
import { readJpegFrameHeader, withRgbComponentIds, type JpegFrameHeader } from './jpeg-markers';
import { decodeJpeg12 } from './jpeg12';
import { extractJ2kCodestream, readJ2kSize } from './j2k-markers';
import { CodecFailure, UnsupportedCodestream } from './failures';
import { SampleRangeError, toStored, type StoredLayout } from './stored';
import { runWasmDecoder, type WasmDecoded } from './wasm';
import { decodeJpeg2000Stored, j2kFailure } from './openjpeg';
import type { StoredArray } from '../types';

export { CodecFailure, UnsupportedCodestream };

export type SampleArray = Uint8Array | Int8Array | Uint16Array | Int16Array;

export interface CodecOutput {
  /** Stored values of the DICOM dtype (BitsStored-masked, sign-extended), colour-by-pixel. */
  samples: StoredArray;
  width: number;
  height: number;
  components: number;
  /** Set when the codec changed the colour space (e.g. YCbCr → RGB in libjpeg, inverse MCT in JPEG 2000). */
  photometricInterpretation?: string;
  /** Min/max of the samples when the conversion already computed them. */
  range?: { min: number; max: number };
}

type Range = { min: number; max: number };

function newRange(): Range {
  return { min: NaN, max: NaN };
}

function known(r: Range): Range | undefined {
  return Number.isNaN(r.min) ? undefined : r;
}

export interface ExpectedFrame {
  /** Lossy syntaxes clamp samples outside Bits Stored; lossless ones treat them as damage. */
  lossy: boolean;
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  bitsStored: number;
  pixelRepresentation: number;
  photometricInterpretation: string;
}

/**
 * The codestream's own frame size must match Rows × Columns × Samples per Pixel before any codec allocates for
 * it: a damaged header could otherwise ask for gigabytes (and would yield an image the header does not describe).
 */
function checkSize(size: { width: number; height: number; components: number }, expected: ExpectedFrame): void {
  if (size.width !== expected.columns || size.height !== expected.rows || size.components !== expected.samplesPerPixel) {
    throw new CodecFailure(
      `the codestream holds a ${size.width}×${size.height}×${size.components} image but the header says ${expected.columns}×${expected.rows}×${expected.samplesPerPixel}`,
    );
  }
}

function checkJpegSize(frame: Uint8Array, expected: ExpectedFrame): JpegFrameHeader {
  const header = readJpegFrameHeader(frame);
  if (!header) throw new CodecFailure('no JPEG frame header (SOF) found');
  // T.81 allows the number of lines to be defined later (DNL); DICOM encoders do not use it, so 0 is refused too.
  checkSize(header, expected);
  return header;
}

function layout(expected: ExpectedFrame): StoredLayout {
  return { ...expected, outOfRange: expected.lossy ? 'clamp' : 'strict' };
}

/**
 * Stored values from the codec's decoded buffer in one pass. A heap view is converted into a new array; a JS copy
 * the codec already made (`owned`) is converted in place and becomes the result, so peak memory holds one
 * image-sized JS array, not two.
 */
function heapToStored(d: WasmDecoded, expected: ExpectedFrame, signed: boolean, range?: Range): StoredArray {
  const { width, height, componentCount, bitsPerSample } = d.info;
  const n = width * height * componentCount;
  if (n === 0) throw new CodecFailure('the codec decoded no pixels', d.messages);
  const bytesPer = bitsPerSample <= 8 ? 1 : 2;
  const heap = d.heap;
  if (heap.length < n * bytesPer) throw new CodecFailure(`the codec returned ${heap.length} bytes for ${n} samples`, d.messages);
  let view: SampleArray;
  let owned = d.owned;
  if (bytesPer === 1) view = signed ? new Int8Array(heap.buffer, heap.byteOffset, n) : heap.subarray(0, n);
  else {
    const aligned = heap.byteOffset % 2 === 0 ? heap : heap.slice(0, n * 2);
    if (aligned !== heap) owned = true;
    view = signed ? new Int16Array(aligned.buffer, aligned.byteOffset, n) : new Uint16Array(aligned.buffer, aligned.byteOffset, n);
  }
  return toStored(view, layout(expected), owned, range);
}

function planarToInterleaved<T extends StoredArray>(planar: T, pixels: number, components: number): T {
  const out = planar.slice() as T;
  for (let c = 0; c < components; c++) for (let p = 0; p < pixels; p++) out[p * components + c] = planar[c * pixels + p];
  return out;
}

function ybrToRgb(components: number, expected: ExpectedFrame): string | undefined {
  // Both JPEG 2000 decoders undo the reversible/irreversible colour transform (T.800 G.2, G.3) themselves.
  return components === 3 && /^YBR_(RCT|ICT)$/.test(expected.photometricInterpretation) ? 'RGB' : undefined;
}

async function decodeJpeg2000(frame: Uint8Array, expected: ExpectedFrame): Promise<CodecOutput> {
  const codestream = extractJ2kCodestream(frame);
  checkSize(readJ2kSize(codestream), expected);
  const r = await decodeJpeg2000Stored(codestream, layout(expected));
  return { samples: r.samples, width: r.width, height: r.height, components: r.components, photometricInterpretation: ybrToRgb(r.components, expected), range: r.range };
}

async function decodeHtj2k(frame: Uint8Array, expected: ExpectedFrame): Promise<CodecOutput> {
  const codestream = extractJ2kCodestream(frame);
  checkSize(readJ2kSize(codestream), expected);
  const range = newRange();
  const r = await runWasmDecoder('openjph', openjphFactory, (m) => m.HTJ2KDecoder, codestream, (d) => heapToStored(d, expected, d.info.isSigned === true, range));
  const failure = j2kFailure(r.messages);
  if (failure) throw failure;
  return { samples: r.value, width: r.info.width, height: r.info.height, components: r.info.componentCount, photometricInterpretation: ybrToRgb(r.info.componentCount, expected), range: known(range) };
}

/**
 * A JPEG-LS codestream must end with EOI (T.87 / T.81 B.2.1), allowing DICOM's even-length zero padding. CharLS can
 * spin for tens of seconds on a damaged scan that has lost its EOI, so such streams are refused before decoding.
 */
function checkEndsWithEoi(frame: Uint8Array): void {
  let end = frame.length;
  while (end > 0 && frame[end - 1] === 0) end--;
  if (end < 2 || frame[end - 2] !== 0xff || frame[end - 1] !== 0xd9) throw new CodecFailure('the JPEG-LS codestream does not end with an EOI marker (truncated or damaged)');
}

async function decodeJpegLs(frame: Uint8Array | readonly Uint8Array[], expected: ExpectedFrame): Promise<CodecOutput> {
  const check = (codestream: Uint8Array) => {
    checkJpegSize(codestream, expected);
    checkEndsWithEoi(codestream);
  };
  // A contiguous codestream is checked before CharLS is even given it; fragments once gathered into its heap.
  if (frame instanceof Uint8Array) check(frame);
  const range = newRange();
  const r = await runWasmDecoder(
    'charls',
    charlsFactory,
    (m) => m.JpegLSDecoder,
    frame,
    (d) => heapToStored(d, expected, false, range),
    frame instanceof Uint8Array ? undefined : check,
  );
  let samples = r.value;
  const { width, height, componentCount } = r.info;
  // CharLS leaves non-interleaved (ILV_NONE) colour data plane by plane.
  if (componentCount > 1 && r.interleaveMode === 0) samples = planarToInterleaved(samples, width * height, componentCount);
  return { samples, width, height, components: componentCount, range: known(range) };
}

async function decodeJpegBaseline(frame: Uint8Array, expected: ExpectedFrame): Promise<CodecOutput> {
  checkJpegSize(frame, expected);
  const input = expected.photometricInterpretation === 'RGB' ? withRgbComponentIds(frame) : frame;
  const r = await runWasmDecoder('libjpeg-turbo', libjpegTurboFactory, (m) => m.JPEGDecoder, input, (d) => heapToStored(d, expected, false));
  const warning = r.messages.find((m) => /corrupt|premature|bogus|invalid/i.test(m));
  if (warning) throw new CodecFailure(warning.trim(), r.messages);
  let photometricInterpretation: string | undefined;
  if (r.info.componentCount === 3 && expected.photometricInterpretation.startsWith('YBR')) photometricInterpretation = 'RGB';
  return { samples: r.value, width: r.info.width, height: r.info.height, components: r.info.componentCount, photometricInterpretation };
}

function decodeJpegLossless(frame: Uint8Array, expected: ExpectedFrame): CodecOutput {
  const header = checkJpegSize(frame, expected);
  let out: Uint8Array | Uint16Array;
  try {
    // The decoder reads from offset 0 of the ArrayBuffer it is given; `frame` may be a view into the whole file.
    const copy = new Uint8Array(frame);
    out = new LosslessJpegDecoder().decode(copy.buffer, 0, copy.byteLength);
  } catch (e) {
    throw new CodecFailure(e instanceof Error ? e.message : String(e));
  }
  const n = header.width * header.height * header.components;
  if (!out || out.length < n) throw new CodecFailure(`the JPEG lossless decoder returned ${out?.length ?? 0} samples for ${n}`);
  return { samples: toStored(out.subarray(0, n), layout(expected)), width: header.width, height: header.height, components: header.components };
}

/** Fragments joined into one codestream (PS3.5 A.4), for the decoders that need it contiguous in JS memory. */
export function joinFragments(fragments: readonly Uint8Array[]): Uint8Array {
  if (fragments.length === 1) return fragments[0];
  const out = new Uint8Array(fragments.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const f of fragments) {
    out.set(f, at);
    at += f.length;
  }
  return out;
}

/**
 * `frame`: the frame's codestream, or its fragments in order. JPEG-LS takes fragments as they are (gathered straight
 * into CharLS's heap); the other decoders get them joined.
 */
export async function decodeCompressedFrame(encoding: PixelEncoding, frame: Uint8Array | readonly Uint8Array[], expected: ExpectedFrame): Promise<CodecOutput> {
  try {
    if (encoding === 'jpeg-ls') return await decodeJpegLs(frame, expected);
    return await decodeByEncoding(encoding, frame instanceof Uint8Array ? frame : joinFragments(frame), expected);
  } catch (e) {
    if (e instanceof SampleRangeError) throw new CodecFailure(e.message);
    throw e;
  }
}

async function decodeByEncoding(encoding: PixelEncoding, frame: Uint8Array, expected: ExpectedFrame): Promise<CodecOutput> {
  switch (encoding) {
    case 'jpeg2000':
      return decodeJpeg2000(frame, expected);
    case 'htj2k':
      return decodeHtj2k(frame, expected);
    case 'jpeg-ls':
      return decodeJpegLs(frame, expected);
    case 'jpeg-lossless':
      return decodeJpegLossless(frame, expected);
    case 'jpeg-baseline':
    case 'jpeg-extended': {
      const header = readJpegFrameHeader(frame);
      if (!header) throw new CodecFailure('no JPEG frame header (SOF) found');
      if (header.sof === 0xc3 || header.sof === 0xc7 || header.sof === 0xcb || header.sof === 0xcf) return decodeJpegLossless(frame, expected);
      if (header.precision <= 8) return decodeJpegBaseline(frame, expected);
      if (header.precision === 12 && (header.sof === 0xc1 || header.sof === 0xc0)) {
        checkJpegSize(frame, expected);
        const out = decodeJpeg12(frame);
        return { ...out, samples: toStored(out.samples as Uint16Array | Uint8Array, layout(expected)) };
      }
      throw new UnsupportedCodestream(`JPEG with ${header.precision}-bit samples and SOF marker FF${header.sof.toString(16).toUpperCase()}`);
    }
    default:
      throw new UnsupportedCodestream(`no codec for ${encoding}`);
  }
}
