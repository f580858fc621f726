// Header extraction without pixel decoding: identifiers for the study list plus everything the LUT pipeline needs.
import type { DataSet, Element } from 'dicom-parser';
import type { SpacingSource, VoiWindow } from '../../app/domain/study';
import type { LutTable } from '../../app/domain/study';
import { DicomError, MalformedDicomError, NotDicomError, describeThrown, guardDicom } from './errors';
import { MAX_HEADER_BYTES, headerTooLong } from './header-limit';
import { PIXEL_DATA_TAG, parseDicomBytes, type ParsedDicom } from './parse';
import { openSource, sourceOf, type DicomSource, type SourceReader } from './source';
import { transferSyntaxName } from './transfer-syntax';
import type { DicomHeader } from './types';

/** Most headers end well within this; longer ones are read on in growing steps up to MAX_HEADER_BYTES. */
const FIRST_READ_BYTES = 256 * 1024;

/** PatientPosition values that are really projections (some exporters put the view there, e.g. NIH CXR14). */
const VIEW_CODES = new Set(['PA', 'AP', 'LL', 'RL', 'LAT', 'LATERAL', 'LLD', 'RLD', 'AP SUPINE', 'PA ERECT', 'AP ERECT']);

/** Decodes text VRs per Specific Character Set (PS3.5 6.1); Latin-1 is the default repertoire's superset we assume. */
function textDecoderFor(dataSet: DataSet): TextDecoder {
  const el = dataSet.elements.x00080005;
  const inBounds = el !== undefined && el.length > 0 && el.dataOffset + el.length <= dataSet.byteArray.length;
  const charset = inBounds ? String.fromCharCode(...dataSet.byteArray.subarray(el.dataOffset, el.dataOffset + Math.min(el.length, 256))).toUpperCase() : '';
  if (charset.includes('ISO_IR 192')) return new TextDecoder('utf-8');
  if (charset.includes('GB18030') || charset.includes('GBK')) return new TextDecoder('gb18030');
  if (charset.includes('ISO_IR 13')) return new TextDecoder('shift_jis');
  if (charset.includes('ISO_IR 144')) return new TextDecoder('iso-8859-5');
  if (charset.includes('ISO_IR 101')) return new TextDecoder('iso-8859-2');
  return new TextDecoder('latin1');
}

export class HeaderReader {
  private readonly decoder: TextDecoder;
  constructor(private readonly dataSet: DataSet) {
    this.decoder = textDecoderFor(dataSet);
  }

  private element(tag: string): Element | undefined {
    const el = this.dataSet.elements[tag];
    if (!el || el.length <= 0 || el.dataOffset + el.length > this.dataSet.byteArray.length) return undefined;
    return el;
  }

  /** Whole value, decoded with the data set's character set; trailing spaces/NULs removed (PS3.5 6.2). */
  text(tag: string): string {
    const el = this.element(tag);
    if (!el) return '';
    const raw = this.dataSet.byteArray.subarray(el.dataOffset, el.dataOffset + el.length);
    return this.decoder.decode(raw).replace(/[\0 ]+$/, '').trim();
  }

  /** One value of a multi-valued string (backslash separated). */
  values(tag: string): string[] {
    const t = this.text(tag);
    return t === '' ? [] : t.split('\\').map((v) => v.trim());
  }

  /** DS/IS values as numbers; unparseable ones become NaN so callers can skip them. */
  numbers(tag: string): number[] {
    return this.values(tag).map((v) => (v === '' ? Number.NaN : Number(v)));
  }

  number(tag: string): number | null {
    const n = this.numbers(tag)[0];
    return n === undefined || !Number.isFinite(n) ? null : n;
  }

  us(tag: string, index = 0): number | null {
    const el = this.element(tag);
    if (!el || el.length < 2 * (index + 1)) return null;
    return this.dataSet.uint16(tag, index) ?? null;
  }

  sequenceItems(tag: string): DataSet[] {
    const el = this.dataSet.elements[tag];
    return (el?.items ?? []).map((item) => item.dataSet).filter((ds): ds is DataSet => ds !== undefined);
  }
}

/** Reads a LUT item: LUT Descriptor (0028,3002) + LUT Data (0028,3006), PS3.3 C.11.1.1. */
function readLut(item: DataSet, pixelRepresentation: number, descriptorSignedFirst: boolean): LutTable | null {
  const r = new HeaderReader(item);
  const entriesRaw = r.us('x00283002', 0);
  const firstRaw = r.us('x00283002', 1);
  const bits = r.us('x00283002', 2);
  const dataEl = item.elements.x00283006;
  if (entriesRaw === null || firstRaw === null || bits === null || !dataEl || dataEl.length <= 0) return null;
  if (dataEl.dataOffset + dataEl.length > item.byteArray.length) return null;
  const entries = entriesRaw === 0 ? 65536 : entriesRaw;
  // The first mapped value is SS when the pixel data are signed (C.11.1.1: "US or SS").
  const firstMapped = descriptorSignedFirst && pixelRepresentation === 1 && firstRaw >= 0x8000 ? firstRaw - 0x10000 : firstRaw;
  const data: number[] = new Array<number>(entries);
  if (dataEl.length >= entries * 2) {
    for (let i = 0; i < entries; i++) data[i] = item.byteArrayParser.readUint16(item.byteArray, dataEl.dataOffset + 2 * i);
  } else if (dataEl.length >= entries) {
    for (let i = 0; i < entries; i++) data[i] = item.byteArray[dataEl.dataOffset + i];
  } else {
    return null;
  }
  const explanation = r.text('x00283003');
  const lutType = r.text('x00283004');
  return { firstMapped, bitsPerEntry: bits, data, ...(explanation ? { explanation } : {}), ...(lutType ? { lutType } : {}) };
}

function readWindows(r: HeaderReader): VoiWindow[] {
  const centers = r.numbers('x00281050');
  const widths = r.numbers('x00281051');
  const explanations = r.values('x00281055');
  const out: VoiWindow[] = [];
  for (let i = 0; i < Math.min(centers.length, widths.length); i++) {
    const center = centers[i];
    const width = widths[i];
    if (!Number.isFinite(center) || !Number.isFinite(width) || width <= 0) continue;
    const explanation = explanations[i];
    out.push(explanation ? { center, width, explanation } : { center, width });
  }
  return out;
}

/**
 * Physical pixel size and what it means. Pixel Spacing (0028,0030) is in the patient (PS3.3 10.7.1.1) unless it
 * merely repeats Imager Pixel Spacing (0018,1164, at the detector: C.8.11.4) with no Pixel Spacing Calibration Type
 * (0028,0A02) saying it was calibrated (10.7.1.2-3): many radiography units copy one into the other, and a length
 * "in the patient" would then overstate anatomy by the geometric magnification.
 */
function readSpacing(r: HeaderReader): { pixelSpacing: [number, number] | null; spacingSource: SpacingSource } {
  const valid = (v: number[]): v is [number, number, ...number[]] => v.length >= 2 && v[0] > 0 && v[1] > 0 && Number.isFinite(v[0]) && Number.isFinite(v[1]);
  const pixel = r.numbers('x00280030');
  const imager = r.numbers('x00181164');
  if (valid(pixel)) {
    const copied = valid(imager) && pixel[0] === imager[0] && pixel[1] === imager[1] && r.text('x00280a02') === '';
    return { pixelSpacing: [pixel[0], pixel[1]], spacingSource: copied ? 'ImagerPixelSpacing' : 'PixelSpacing' };
  }
  if (valid(imager)) return { pixelSpacing: [imager[0], imager[1]], spacingSource: 'ImagerPixelSpacing' };
  return { pixelSpacing: null, spacingSource: 'none' };
}

function readViewPosition(r: HeaderReader): Pick<DicomHeader, 'viewPosition' | 'viewPositionSource'> {
  const view = r.text('x00185101').toUpperCase();
  if (view) return { viewPosition: view, viewPositionSource: 'ViewPosition' };
  const patientPosition = r.text('x00185100').toUpperCase();
  if (VIEW_CODES.has(patientPosition)) return { viewPosition: patientPosition, viewPositionSource: 'PatientPosition' };
  return { viewPosition: '', viewPositionSource: 'none' };
}

/** Code Meaning (0008,0104) of a code sequence item, '' without one. */
function readCodeMeaning(item: DataSet | undefined): string {
  return item ? new HeaderReader(item).text('x00080104') : '';
}

/** Builds the header from a parsed data set (Image Pixel module defaults per PS3.3 C.7.6.3.1). */
export function headerFromDataSet(filePath: string, parsed: ParsedDicom): DicomHeader {
  const { dataSet } = parsed;
  const r = new HeaderReader(dataSet);
  const bitsAllocated = r.us('x00280100') ?? 0;
  const bitsStored = r.us('x00280101') ?? bitsAllocated;
  const pixelRepresentation = r.us('x00280103') ?? 0;
  const framesRaw = r.number('x00280008');
  const slope = r.number('x00281053');
  const intercept = r.number('x00281052');
  const modalityLutItem = r.sequenceItems('x00283000')[0];
  const voiLuts = r
    .sequenceItems('x00283010')
    .map((item) => readLut(item, pixelRepresentation, false))
    .filter((lut): lut is LutTable => lut !== null);
  return {
    filePath,
    hasFileMeta: parsed.hasFileMeta,
    transferSyntaxUid: parsed.transferSyntaxUid,
    transferSyntaxName: transferSyntaxName(parsed.transferSyntaxUid),
    sopClassUid: r.text('x00080016'),
    mediaStorageSopClassUid: r.text('x00020002'),
    sopInstanceUid: r.text('x00080018'),
    studyInstanceUid: r.text('x0020000d'),
    seriesInstanceUid: r.text('x0020000e'),
    patientName: r.text('x00100010'),
    patientId: r.text('x00100020'),
    issuerOfPatientId: r.text('x00100021'),
    patientBirthDate: r.text('x00100030'),
    patientSex: r.text('x00100040'),
    patientAge: r.text('x00101010'),
    studyDate: r.text('x00080020'),
    studyTime: r.text('x00080030'),
    studyDescription: r.text('x00081030'),
    seriesDescription: r.text('x0008103e'),
    accessionNumber: r.text('x00080050'),
    modality: r.text('x00080060').toUpperCase(),
    bodyPartExamined: r.text('x00180015'),
    ...readViewPosition(r),
    patientOrientation: r.text('x00200020').toUpperCase(),
    imageLaterality: r.text('x00200062').toUpperCase(),
    patientPosition: r.text('x00185100').toUpperCase(),
    patientOrientationCode: readCodeMeaning(r.sequenceItems('x00540410')[0]),
    seriesNumber: r.number('x00200011'),
    instanceNumber: r.number('x00200013'),
    rows: r.us('x00280010') ?? 0,
    columns: r.us('x00280011') ?? 0,
    frames: framesRaw !== null && framesRaw >= 1 ? Math.floor(framesRaw) : 1,
    samplesPerPixel: r.us('x00280002') ?? 1,
    planarConfiguration: r.us('x00280006') ?? 0,
    photometricInterpretation: r.text('x00280004').toUpperCase(),
    bitsAllocated,
    bitsStored,
    highBit: r.us('x00280102') ?? Math.max(bitsStored - 1, 0),
    pixelRepresentation,
    hasPixelData: dataSet.elements[PIXEL_DATA_TAG] !== undefined,
    rescaleSlope: slope !== null && slope !== 0 ? slope : 1,
    rescaleIntercept: intercept ?? 0,
    rescaleType: r.text('x00281054'),
    modalityLut: modalityLutItem ? readLut(modalityLutItem, pixelRepresentation, true) : null,
    windows: readWindows(r),
    voiLutFunction: r.text('x00281056').toUpperCase() || 'LINEAR',
    voiLuts,
    ...readSpacing(r),
  };
}

/**
 * Header of a DICOM file already in memory; `filePath` only names it in errors. Parses up to Pixel Data, so a
 * file's first bytes are enough when they hold the whole header.
 */
export function headerFromBytes(filePath: string, bytes: Uint8Array): DicomHeader {
  try {
    return headerFromDataSet(filePath, parseDicomBytes(filePath, bytes, { untilPixelData: true }));
  } catch (e) {
    if (e instanceof DicomError) throw e;
    throw new MalformedDicomError(filePath, `the file cannot be read (${describeThrown(e)})`, { cause: e });
  }
}

/**
 * Reads identifiers and image attributes without decoding pixels, and without reading the file whole: the first
 * 256 KiB, then four times as much at each step while the header has not ended, up to MAX_HEADER_BYTES. A file
 * with no image data within that is refused (header-limit.ts); a deflated one is inflated only as far as its header.
 * A zip entry (source.ts) is inflated only as far as the same steps need.
 */
export function readHeader(source: DicomSource | string): Promise<DicomHeader> {
  const { filePath } = sourceOf(source);
  return guardDicom(filePath, () => readHeaderUnguarded(sourceOf(source)));
}

async function readHeaderUnguarded(source: DicomSource): Promise<DicomHeader> {
  const { filePath } = source;
  const reader = await openSource(source);
  const { size } = reader;
  try {
    let bytes: Buffer = Buffer.alloc(0);
    for (let want = Math.min(size, FIRST_READ_BYTES); ; want = Math.min(size, want * 4, MAX_HEADER_BYTES)) {
      bytes = await readMore(reader, bytes, want);
      // The end of the file, also when it became shorter than its size said while being read.
      const whole = bytes.length >= size || bytes.length < want;
      try {
        const parsed = parseDicomBytes(filePath, bytes, { untilPixelData: true });
        if (whole || parsed.dataSet.elements[PIXEL_DATA_TAG]) return headerFromDataSet(filePath, parsed);
      } catch (e) {
        // Bytes that are not DICOM at the start stay so however many follow; any other failure may just mean
        // the header goes on past what was read.
        if (!(e instanceof DicomError) || e instanceof NotDicomError || whole) throw e;
      }
      if (bytes.length >= MAX_HEADER_BYTES) throw headerTooLong(filePath);
    }
  } finally {
    await reader.close();
  }
}

/** `bytes` followed by the source's next bytes, up to `want` in all. */
async function readMore(reader: SourceReader, bytes: Buffer, want: number): Promise<Buffer> {
  const out = Buffer.allocUnsafe(want);
  bytes.copy(out);
  const read = bytes.length + (await reader.read(out.subarray(bytes.length)));
  return out.subarray(0, read);
}
