// Compressed frames (PS3.5 A.4.1–A.4.11) to stored values: one decoder per codestream family (JPEG by libjpeg-turbo,
// JPEG-LS by CharLS, JPEG 2000 by OpenJPEG or OpenJPH), chosen by what the codestream is; samples come back interleaved.
import charlsFactory from '@cornerstonejs/codec-charls/decodewasmjs';
import openjphFactory from '@cornerstonejs/codec-openjph';
import type { PixelEncoding } from '../transfer-syntax';
import { identifyCodestream, isHierarchicalJpeg, isLosslessJpeg, type Codestream, type CodestreamFamily } from './codestream';
import { readJpegFrameHeader, withRgbComponentIds, type JpegFrameHeader } from './jpeg-markers';
import { JCS_RGB, JCS_YCBCR, damageWarning, decodeLibjpeg, type LibjpegFrame } from './libjpeg';
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
  /** Set when the codestream is not the one the transfer syntax names (it was decoded as what it is). */
  codestreamMismatch?: string;
}

type Range = { min: number; max: number };

function newRange(): Range {
  return { min: NaN, max: NaN };
}

function known(r: Range): Range | undefined {
  return Number.isNaN(r.min) ? undefined : r;
}

export interface ExpectedFrame {
  /**
   * JPEG-LS and JPEG 2000 samples outside Bits Stored are clamped for a lossy syntax and are damage for a
   * lossless one; JPEG decides by its own frame marker (decodeJpeg).
   */
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
 * A JPEG-LS codestream must end with EOI (T.87 / T.81 B.2.1). After it, DICOM's even-length padding (0x00) and the
 * 0xFF fill bytes some encoders leave (NEMA WG04's JLSL/JLSN files end FF D9 FF) are allowed: neither can be part
 * of a real EOI's scan data, where an 0xFF is always followed by a byte below 0x80 (T.87 A.1). CharLS can spin for
 * tens of seconds on a damaged scan that has lost its EOI, so such streams are refused before decoding.
 */
export function checkEndsWithEoi(frame: Uint8Array): void {
  let end = frame.length;
  while (end > 0 && (frame[end - 1] === 0 || frame[end - 1] === 0xff)) end--;
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

/** libjpeg's output colour space after a YCbCr → RGB conversion it did itself. */
function convertedToRgb(f: LibjpegFrame): boolean {
  return f.components === 3 && f.jpegColorSpace === JCS_YCBCR && f.outColorSpace === JCS_RGB;
}

/**
 * Any non-hierarchical JPEG process with Huffman or (for DCT) arithmetic coding, at the codestream's own precision,
 * by libjpeg-turbo: the decoder GDCM and DCMTK build on, so the samples match theirs bit for bit. A DCT sample past
 * Bits Stored (a 12-bit codestream carrying 10-bit data can overshoot) keeps its low Bits Stored bits, as GDCM
 * gives it and as DCMTK's output cell reads (PS3.5 8.1.1).
 */
async function decodeJpeg(frame: Uint8Array, header: JpegFrameHeader, expected: ExpectedFrame): Promise<CodecOutput> {
  checkSize(header, expected);
  if (isHierarchicalJpeg(header.sof)) throw new UnsupportedCodestream(`hierarchical JPEG (SOF${header.sof - 0xc0})`);
  if (header.sof === 0xcb) throw new UnsupportedCodestream('arithmetic-coded lossless JPEG (SOF11)');
  const lossless = isLosslessJpeg(header.sof);
  // Lossless samples are never colour-transformed; DICOM RGB is RGB even when the codestream does not say so.
  const keepRgb = !lossless && expected.photometricInterpretation === 'RGB';
  const input = keepRgb ? withRgbComponentIds(frame) : frame;
  const range = newRange();
  const r = await decodeLibjpeg(input, !lossless, (f) => {
    const damage = damageWarning(f.warnings);
    if (damage) throw new CodecFailure(damage, f.warnings);
    const samples = toStored(f.samples, { ...layout(expected), outOfRange: lossless ? 'strict' : 'wrap' }, false, range);
    return { samples, width: f.width, height: f.height, components: f.components, rgb: convertedToRgb(f) };
  });
  return { samples: r.samples, width: r.width, height: r.height, components: r.components, photometricInterpretation: r.rgb ? 'RGB' : undefined, range: known(range) };
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

/** The transfer syntax's view of the frame: which codestream it names (PS3.5 A.4) and whether it is lossy. */
export interface SyntaxExpectation {
  encoding: PixelEncoding;
  name: string;
  lossy: boolean;
  /** JPEG frame markers the syntax allows, for the JPEG family. */
  sof?: readonly number[];
}

const FAMILY: Partial<Record<PixelEncoding, CodestreamFamily>> = {
  'jpeg-baseline': 'jpeg',
  'jpeg-extended': 'jpeg',
  'jpeg-progressive': 'jpeg',
  'jpeg-lossless': 'jpeg',
  'jpeg-ls': 'jpeg-ls',
  jpeg2000: 'jpeg2000',
  htj2k: 'jpeg2000',
};

/** Why the codestream is not what the syntax names, or undefined when it is. */
function mismatch(syntax: SyntaxExpectation, cs: Codestream): string | undefined {
  const family = FAMILY[syntax.encoding];
  const sameFamily = family === cs.family;
  if (sameFamily && (cs.family !== 'jpeg' || !syntax.sof || (cs.frame && syntax.sof.includes(cs.frame.sof)))) return undefined;
  return `the transfer syntax is ${syntax.name} but the codestream is ${cs.description}; decoded as ${cs.description}`;
}

/**
 * `frame`: the frame's codestream, or its fragments in order. The decoder is chosen by what the codestream is (its
 * first marker segments), not by the syntax alone, so a mislabelled file is decoded right or refused, never turned
 * into the wrong decoder's garbage; `codestreamMismatch` then says what was found. JPEG-LS takes fragments as they
 * are (gathered straight into CharLS's heap); the other decoders get them joined.
 */
export async function decodeCompressedFrame(syntax: SyntaxExpectation, frame: Uint8Array | readonly Uint8Array[], expected: ExpectedFrame): Promise<CodecOutput> {
  const first = frame instanceof Uint8Array ? frame : frame[0] ?? new Uint8Array(0);
  const cs = identifyCodestream(first);
  if (!cs) throw new CodecFailure(`the frame does not start with a ${syntax.name} codestream (no JPEG SOI + frame header, or JPEG 2000 SOC + SIZ)`);
  const note = mismatch(syntax, cs);
  // A codestream of another family than the syntax names: judge its samples as the lossy one it may be.
  const judged: ExpectedFrame = note && FAMILY[syntax.encoding] !== cs.family ? { ...expected, lossy: true } : expected;
  try {
    const out = await decodeByCodestream(syntax, cs, frame, judged);
    return note ? { ...out, codestreamMismatch: note } : out;
  } catch (e) {
    if (e instanceof SampleRangeError) throw new CodecFailure(e.message);
    throw e;
  }
}

async function decodeByCodestream(syntax: SyntaxExpectation, cs: Codestream, frame: Uint8Array | readonly Uint8Array[], expected: ExpectedFrame): Promise<CodecOutput> {
  if (cs.family === 'jpeg-ls') return decodeJpegLs(frame, expected);
  const joined = frame instanceof Uint8Array ? frame : joinFragments(frame);
  if (cs.family === 'jpeg2000') return syntax.encoding === 'htj2k' ? decodeHtj2k(joined, expected) : decodeJpeg2000(joined, expected);
  if (!cs.frame) throw new CodecFailure('no JPEG frame header (SOF) found');
  return decodeJpeg(joined, cs.frame, expected);
}
