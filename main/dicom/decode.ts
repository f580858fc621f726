// decodeFile: one frame of stored pixel values (before any LUT) plus the header. Transfer syntaxes per PS3.5
// Annex A; Image Pixel module semantics per PS3.3 C.7.6.3.
import type { DataSet, Element } from 'dicom-parser';
import { CodecFailure, UnsupportedCodestream, decodeCompressedFrame } from './codecs';
import { RleDecodeError, decodeRle } from './codecs/rle';
import { expandYbr422, ybr422FrameBytes } from './colour';
import {
  CorruptCodestreamError,
  DicomError,
  MalformedDicomError,
  NoPixelDataError,
  UnsupportedSyntaxError,
  describeThrown,
  FrameOutOfRangeError,
  guardDicom,
} from './errors';
import { encapsulatedFrame, nativeFrame } from './frames';
import { headerFromDataSet } from './header';
import { readDicomFile } from './read-file';
import { sourceOf, type DicomSource } from './source';
import { readPalette } from './palette';
import { PIXEL_DATA_TAG, parseDicomBytes } from './parse';
import { PaletteError } from '../../app/imaging/palette';
import { cellsToStored, dtypeOfArray, interleavePlanes, nativeFrameBytes, type PixelLayout } from './pixels';
import { minMax } from '../../app/imaging/min-max';
import { findTransferSyntax } from './transfer-syntax';
import type { DecodedImage, DicomHeader, StoredArray } from './types';

/** Largest frame we agree to allocate (samples, 8192² = 64 M); a CXR has 4–20 M, a damaged header can claim billions. */
const MAX_SAMPLES = 8192 * 8192;

function layoutOf(h: DicomHeader): PixelLayout {
  return {
    rows: h.rows,
    columns: h.columns,
    samplesPerPixel: h.samplesPerPixel,
    bitsAllocated: h.bitsAllocated,
    bitsStored: h.bitsStored,
    highBit: h.highBit,
    pixelRepresentation: h.pixelRepresentation,
    planarConfiguration: h.planarConfiguration,
  };
}

/** Rejects headers the Image Pixel module (PS3.3 C.7.6.3) does not allow, before any allocation. */
function checkImagePixelModule(h: DicomHeader, dataSet: DataSet): void {
  const f = h.filePath;
  if (!dataSet.elements[PIXEL_DATA_TAG]) {
    if (dataSet.elements.x7fe00008 || dataSet.elements.x7fe00009) throw new UnsupportedSyntaxError(f, 'floating-point pixel data are not supported');
    const what = h.modality ? `a ${h.modality} object` : 'this object';
    throw new NoPixelDataError(f, `no pixel data: ${what} holds no image`);
  }
  if (h.rows <= 0 || h.columns <= 0) throw new MalformedDicomError(f, 'the image size (Rows/Columns) is missing');
  if (![1, 8, 16, 32].includes(h.bitsAllocated)) throw new UnsupportedSyntaxError(f, `Bits Allocated ${h.bitsAllocated || 'missing'} is not supported`);
  if (h.bitsStored < 1 || h.bitsStored > h.bitsAllocated) throw new MalformedDicomError(f, `Bits Stored ${h.bitsStored} does not fit Bits Allocated ${h.bitsAllocated}`);
  if (h.samplesPerPixel !== 1 && h.samplesPerPixel !== 3) throw new UnsupportedSyntaxError(f, `${h.samplesPerPixel} samples per pixel are not supported`);
  if (h.rows * h.columns * h.samplesPerPixel > MAX_SAMPLES) throw new MalformedDicomError(f, `the image size ${h.columns}×${h.rows} is implausible`);
}

function swapBytePairs(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    out[i] = bytes[i + 1];
    out[i + 1] = bytes[i];
  }
  return out;
}

interface FrameResult {
  pixels: StoredArray;
  photometricInterpretation: string;
  /** Min/max when the conversion already computed them. */
  range?: { min: number; max: number };
  codestreamMismatch?: string;
}

function decodeNative(h: DicomHeader, dataSet: DataSet, frame: number, littleEndian: boolean): FrameResult {
  const element = dataSet.elements[PIXEL_DATA_TAG];
  const layout = layoutOf(h);
  if (h.photometricInterpretation === 'YBR_FULL_422' && h.samplesPerPixel === 3 && h.bitsAllocated === 8) {
    const bytes = nativeFrame(h.filePath, dataSet, element, frame, ybr422FrameBytes(h.rows, h.columns));
    return { pixels: expandYbr422(bytes, h.rows, h.columns), photometricInterpretation: 'YBR_FULL' };
  }
  let bytes = nativeFrame(h.filePath, dataSet, element, frame, nativeFrameBytes(layout));
  // PS3.5 7.3 / A.3: in Explicit VR Big Endian, 8-bit data in an OW element are byte-swapped words.
  if (!littleEndian && h.bitsAllocated === 8 && element.vr === 'OW') bytes = swapBytePairs(bytes);
  const stats = { min: NaN, max: NaN };
  let pixels = cellsToStored(bytes, littleEndian, layout, undefined, stats);
  if (h.samplesPerPixel > 1 && h.planarConfiguration === 1) pixels = interleavePlanes(pixels, h.rows * h.columns, h.samplesPerPixel);
  return { pixels, photometricInterpretation: h.photometricInterpretation, ...(Number.isNaN(stats.min) ? {} : { range: stats }) };
}

/**
 * The fragments of a single-frame image as views into the file when there are several (PS3.5 A.4), so a codec can
 * gather them into its own memory without a joined JS copy; null where encapsulatedFrame must do the work (one
 * fragment, several frames, or a fragment table that runs past the data, which it reports).
 */
function singleFrameFragments(dataSet: DataSet, element: Element, frames: number): Uint8Array[] | null {
  const list = element.fragments ?? [];
  if (frames !== 1 || !element.encapsulatedPixelData || list.length < 2) return null;
  const all = dataSet.byteArray;
  if (list.some((x) => x.position < 0 || x.length < 0 || x.position + x.length > all.length)) return null;
  return list.map((x) => all.subarray(x.position, x.position + x.length));
}

async function decodeEncapsulated(h: DicomHeader, dataSet: DataSet, frame: number, encoding: ReturnType<typeof encodingOf>): Promise<FrameResult> {
  const f = h.filePath;
  const element = dataSet.elements[PIXEL_DATA_TAG];
  // JPEG-LS (CharLS) takes the fragments themselves: one compressed-size JS copy fewer at peak.
  const fragments = encoding === 'jpeg-ls' ? singleFrameFragments(dataSet, element, h.frames) : null;
  const bytes = fragments ?? encapsulatedFrame(f, dataSet, element, frame, h.frames, encoding);
  const layout = layoutOf(h);
  if (encoding === 'encapsulated-native' && bytes instanceof Uint8Array) {
    const need = nativeFrameBytes(layout);
    if (bytes.length < need) throw new CorruptCodestreamError(f, `frame ${frame + 1} holds ${bytes.length} bytes, ${need} expected`);
    return decodeNativeBytes(bytes, h, layout);
  }
  if (encoding === 'rle' && bytes instanceof Uint8Array) {
    try {
      // RLE segments are always colour-by-plane internally; decodeRle interleaves them (PS3.5 G.2).
      const cells = decodeRle(bytes, layout);
      return { pixels: cellsToStored(cells, true, { ...layout, planarConfiguration: 0 }), photometricInterpretation: h.photometricInterpretation };
    } catch (e) {
      if (e instanceof RleDecodeError) throw new CorruptCodestreamError(f, `the RLE data are damaged (${e.message})`, { cause: e });
      throw e;
    }
  }
  // 1-bit images (masks, PS3.5 8.1.1) come out of a codec one sample per byte, like a native 1-bit frame.
  if (h.bitsAllocated > 16) throw new UnsupportedSyntaxError(f, `${h.bitsAllocated}-bit data in ${h.transferSyntaxName} are not supported`);
  try {
    const ts = findTransferSyntax(h.transferSyntaxUid);
    const syntax = { encoding, name: h.transferSyntaxName, lossy: ts?.lossy ?? true, sof: ts?.sof };
    const out = await decodeCompressedFrame(syntax, bytes, {
      lossy: syntax.lossy,
      rows: h.rows,
      columns: h.columns,
      samplesPerPixel: h.samplesPerPixel,
      bitsAllocated: h.bitsAllocated,
      bitsStored: h.bitsStored,
      pixelRepresentation: h.pixelRepresentation,
      photometricInterpretation: h.photometricInterpretation,
    });
    if (out.width !== h.columns || out.height !== h.rows || out.components !== h.samplesPerPixel) {
      throw new CorruptCodestreamError(
        f,
        `the codestream holds a ${out.width}×${out.height}×${out.components} image but the header says ${h.columns}×${h.rows}×${h.samplesPerPixel}`,
      );
    }
    return {
      pixels: out.samples,
      photometricInterpretation: out.photometricInterpretation ?? h.photometricInterpretation,
      range: out.range,
      ...(out.codestreamMismatch ? { codestreamMismatch: out.codestreamMismatch } : {}),
    };
  } catch (e) {
    if (e instanceof DicomError) throw e;
    if (e instanceof UnsupportedCodestream) throw new UnsupportedSyntaxError(f, e.message, { cause: e });
    const why = e instanceof CodecFailure ? e.message : describeThrown(e);
    throw new CorruptCodestreamError(f, `the ${h.transferSyntaxName} pixel data cannot be decoded (${why})`, { cause: e });
  }
}

function decodeNativeBytes(bytes: Uint8Array, h: DicomHeader, layout: PixelLayout): FrameResult {
  let pixels = cellsToStored(bytes, true, layout);
  if (h.samplesPerPixel > 1 && h.planarConfiguration === 1) pixels = interleavePlanes(pixels, h.rows * h.columns, h.samplesPerPixel);
  return { pixels, photometricInterpretation: h.photometricInterpretation };
}

function encodingOf(h: DicomHeader) {
  const ts = findTransferSyntax(h.transferSyntaxUid);
  if (!ts) throw new UnsupportedSyntaxError(h.filePath, `the transfer syntax ${h.transferSyntaxName} (${h.transferSyntaxUid}) is not supported`);
  return ts.encoding;
}

/** Decodes one frame of an already-read file. `filePath` is used only to name the file in errors. */
export function decodeBytes(filePath: string, bytes: Uint8Array, frame = 0): Promise<DecodedImage> {
  return guardDicom(filePath, () => decodeParsed(filePath, bytes, frame));
}

async function decodeParsed(filePath: string, bytes: Uint8Array, frame: number): Promise<DecodedImage> {
  const parsed = parseDicomBytes(filePath, bytes);
  const header = headerFromDataSet(filePath, parsed);
  checkImagePixelModule(header, parsed.dataSet);
  if (!Number.isInteger(frame) || frame < 0 || frame >= header.frames) {
    throw FrameOutOfRangeError.of(filePath, frame, header.frames);
  }
  const encoding = encodingOf(header);
  const ts = findTransferSyntax(header.transferSyntaxUid);
  const element = parsed.dataSet.elements[PIXEL_DATA_TAG];
  let result: FrameResult;
  if (encoding === 'native' || encoding === 'deflate') {
    if (element.encapsulatedPixelData) {
      throw new MalformedDicomError(filePath, `the pixel data are encapsulated (compressed) but the transfer syntax is ${header.transferSyntaxName}`);
    }
    result = decodeNative(header, parsed.dataSet, frame, ts?.littleEndian ?? true);
  } else {
    result = await decodeEncapsulated(header, parsed.dataSet, frame, encoding);
  }
  const { min, max } = result.range ?? minMax(result.pixels);
  const palette = header.photometricInterpretation === 'PALETTE COLOR' && header.samplesPerPixel === 1 ? paletteOf(header, parsed.dataSet) : undefined;
  return {
    header,
    frame,
    rows: header.rows,
    columns: header.columns,
    samplesPerPixel: header.samplesPerPixel,
    photometricInterpretation: result.photometricInterpretation,
    dtype: dtypeOfArray(result.pixels),
    pixels: result.pixels,
    minValue: min,
    maxValue: max,
    ...(result.codestreamMismatch ? { codestreamMismatch: result.codestreamMismatch } : {}),
    ...(palette ? { palette } : {}),
  };
}

/** The Palette Color Lookup Tables of a PALETTE COLOR image (PS3.3 C.7.6.3.1.5), or undefined when absent. */
function paletteOf(h: DicomHeader, dataSet: DataSet) {
  try {
    return readPalette(dataSet, h.pixelRepresentation) ?? undefined;
  } catch (e) {
    if (e instanceof PaletteError) throw new MalformedDicomError(h.filePath, `the palette colour lookup tables are damaged (${e.message})`, { cause: e });
    throw e;
  }
}

/** Reads and decodes frame `frame` (0-based) of a DICOM file or zip entry. Throws DicomError subclasses on bad input. */
export async function decodeFile(source: DicomSource | string, frame = 0): Promise<DecodedImage> {
  const { filePath } = sourceOf(source);
  const file = await readDicomFile(source);
  try {
    return await decodeBytes(filePath, file.bytes, frame);
  } finally {
    file.release();
  }
}
