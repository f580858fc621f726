// Bytes → dicom-parser DataSet, covering the shapes real archives hold: Part 10 files (PS3.10 7.1), File Meta
// without a Transfer Syntax UID, raw data sets without preamble/meta (old ACR-NEMA style exports), and
// Deflated Explicit VR Little Endian (PS3.5 A.5). Everything dicom-parser throws becomes a typed DicomError.
import { parseDicom, readPart10Header, type DataSet, type ParseDicomOptions } from 'dicom-parser';
import { DicomError, MalformedDicomError, NotDicomError, TruncatedError, describeThrown } from './errors';
import { inflateDataSet } from './inflate';
import { PIXEL_DATA_TAG } from './tags';
import { DEFLATED_EXPLICIT_VR_LE, EXPLICIT_VR_BE, EXPLICIT_VR_LE, IMPLICIT_VR_LE } from './transfer-syntax';

export { PIXEL_DATA_TAG };

export interface ParsedDicom {
  dataSet: DataSet;
  transferSyntaxUid: string;
  /** False for raw data sets or File Meta without (0002,0010): the syntax was inferred from the bytes. */
  transferSyntaxFromMeta: boolean;
  hasFileMeta: boolean;
}

export interface ParseOptions {
  /** Stop at the Pixel Data element header (fast header read). */
  untilPixelData?: boolean;
}

const VR_CODES = new Set([
  'AE', 'AS', 'AT', 'CS', 'DA', 'DS', 'DT', 'FL', 'FD', 'IS', 'LO', 'LT', 'OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'PN', 'SH', 'SL', 'SQ',
  'SS', 'ST', 'SV', 'TM', 'UC', 'UI', 'UL', 'UN', 'UR', 'US', 'UT', 'UV',
]);

function hasPart10Prefix(bytes: Uint8Array): boolean {
  return bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
}

/**
 * Candidate transfer syntaxes for a data set that starts at `bytes[0]` (no File Meta), most likely first, judged
 * from its first element: a two-letter VR after the tag means explicit VR (PS3.5 7.1.2) and the byte order that
 * gives the smaller group number is the likelier one; otherwise implicit VR LE (PS3.5 A.1) if the length is plausible.
 */
export function guessRawSyntaxes(bytes: Uint8Array): string[] {
  if (bytes.length < 8) return [];
  const groupLE = bytes[0] | (bytes[1] << 8);
  const groupBE = (bytes[0] << 8) | bytes[1];
  const vr = String.fromCharCode(bytes[4], bytes[5]);
  const out: string[] = [];
  if (VR_CODES.has(vr)) {
    const explicit = [
      { uid: EXPLICIT_VR_LE, group: groupLE },
      { uid: EXPLICIT_VR_BE, group: groupBE },
    ].filter((c) => c.group % 2 === 0 && c.group <= 0x7fe0);
    explicit.sort((a, b) => a.group - b.group);
    out.push(...explicit.map((c) => c.uid));
  }
  if (groupLE <= 0x7fe0) {
    const length = (bytes[4] | (bytes[5] << 8) | (bytes[6] << 16) | (bytes[7] << 24)) >>> 0;
    if (length === 0xffffffff || length <= bytes.length - 8) out.push(IMPLICIT_VR_LE);
  }
  return out;
}

/** dicom-parser's hook for Deflated Explicit VR Little Endian: bounded inflation (inflate.ts), header only on request. */
function inflater(filePath: string, headerOnly: boolean) {
  return (arr: Uint8Array, position: number): Uint8Array => {
    const inflated = inflateDataSet(filePath, arr.subarray(position), headerOnly);
    const full = Buffer.allocUnsafe(position + inflated.length);
    full.set(arr.subarray(0, position), 0);
    full.set(inflated, position);
    return full;
  };
}

function translate(filePath: string, thrown: unknown): DicomError {
  if (thrown instanceof DicomError) return thrown;
  if (thrown && typeof thrown === 'object' && 'exception' in thrown) {
    const inner = (thrown as { exception: unknown }).exception;
    if (inner instanceof DicomError) return inner;
  }
  const why = describeThrown(thrown);
  if (/past end|overread|overrun|greater than or equal|not found at offset|cannot seek|maxP ?osition/i.test(why)) {
    return new TruncatedError(filePath, 'the file ends before the data it announces (truncated or damaged)', { cause: thrown });
  }
  return new MalformedDicomError(filePath, `the data set cannot be read (${why})`, { cause: thrown });
}

function runParser(filePath: string, bytes: Uint8Array, transferSyntaxUid: string | undefined, opts: ParseOptions): DataSet {
  // dicom-parser's typings declare the inflater as returning void; it actually uses the returned array.
  const options = {
    untilTag: opts.untilPixelData ? PIXEL_DATA_TAG : undefined,
    TransferSyntaxUID: transferSyntaxUid,
    inflater: inflater(filePath, opts.untilPixelData === true),
  } as unknown as ParseDicomOptions;
  try {
    return parseDicom(bytes, options);
  } catch (e) {
    throw translate(filePath, e);
  }
}

function uidText(bytes: Uint8Array, offset: number, length: number): string | undefined {
  if (length <= 0 || length > 64 || offset + length > bytes.length) return undefined;
  return String.fromCharCode(...bytes.subarray(offset, offset + length)).replace(/\0/g, '').trim() || undefined;
}

function metaTransferSyntax(meta: DataSet): string | undefined {
  const el = meta.elements.x00020010;
  return el ? uidText(meta.byteArray, el.dataOffset, el.length) : undefined;
}

/**
 * The first Transfer Syntax UID of a File Meta that holds two (0002,0010) elements (dicom-parser keeps the last).
 * GDCM and DCMTK follow the first, so we do too. The File Meta is always explicit VR little endian (PS3.10 7.1).
 */
function firstMetaTransferSyntax(bytes: Uint8Array, end: number): string | undefined {
  let i = 132;
  while (i + 8 <= end && bytes[i] === 0x02 && bytes[i + 1] === 0x00) {
    const element = bytes[i + 2] | (bytes[i + 3] << 8);
    const vr = String.fromCharCode(bytes[i + 4], bytes[i + 5]);
    const long = vr === 'OB' || vr === 'OW' || vr === 'UN' || vr === 'SQ' || vr === 'UT' || vr === 'UC' || vr === 'UR';
    const length = long ? (bytes[i + 8] | (bytes[i + 9] << 8) | (bytes[i + 10] << 16)) + bytes[i + 11] * 2 ** 24 : bytes[i + 6] | (bytes[i + 7] << 8);
    const value = i + (long ? 12 : 8);
    if (element === 0x0010) return uidText(bytes, value, length);
    i = value + length;
  }
  return undefined;
}

/** Parses a whole DICOM file (or its first bytes with `untilPixelData`). */
export function parseDicomBytes(filePath: string, input: Uint8Array, opts: ParseOptions = {}): ParsedDicom {
  // dicom-parser allocates with Buffer methods when handed a Buffer; a Buffer view costs no copy.
  let bytes: Uint8Array = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (!hasPart10Prefix(bytes)) {
    // File Meta written without the 128-byte preamble: re-prefix it so the normal Part 10 path applies.
    if (bytes.length >= 8 && bytes[0] === 0x02 && bytes[1] === 0x00 && VR_CODES.has(String.fromCharCode(bytes[4], bytes[5]))) {
      const prefixed = Buffer.alloc(bytes.length + 132);
      prefixed.write('DICM', 128, 'latin1');
      prefixed.set(bytes, 132);
      bytes = prefixed;
    } else {
      const candidates = guessRawSyntaxes(bytes);
      if (candidates.length === 0) throw new NotDicomError(filePath, 'not a DICOM file (no "DICM" marker and no recognisable data set)');
      const parsed = parseRaw(filePath, bytes, candidates, opts);
      if (!parsed) throw new NotDicomError(filePath, 'not a DICOM file (no "DICM" marker and the bytes do not parse as a data set)');
      return { ...parsed, hasFileMeta: false };
    }
  }

  let meta: DataSet;
  try {
    meta = readPart10Header(bytes);
  } catch (e) {
    throw translate(filePath, e);
  }
  const position = (meta as DataSet & { position?: number }).position ?? 132;
  const last = metaTransferSyntax(meta);
  const declared = (last && firstMetaTransferSyntax(bytes, position)) || last;
  if (declared) {
    const rest = bytes.subarray(position);
    // Some writers declare one VR encoding and use the other; like pydicom, trust the data set's first element.
    // dicom-parser would read the data set with the last of two Transfer Syntax UIDs: give it the first.
    const vrMismatch = declaredVrMismatch(declared, rest);
    if (vrMismatch || declared !== last) {
      const dataSet = runParser(filePath, rest, vrMismatch ?? declared, opts);
      return { dataSet, transferSyntaxUid: declared, transferSyntaxFromMeta: true, hasFileMeta: true };
    }
    const dataSet = runParser(filePath, bytes, undefined, opts);
    return { dataSet, transferSyntaxUid: declared, transferSyntaxFromMeta: true, hasFileMeta: true };
  }
  // File Meta lacks (0002,0010) (PS3.10 7.1 requires it): infer the syntax from the data set that follows.
  const rest = bytes.subarray(position);
  const parsed = parseRaw(filePath, rest, guessRawSyntaxes(rest), opts);
  if (!parsed) throw new MalformedDicomError(filePath, 'the File Meta has no Transfer Syntax UID and the data set encoding cannot be inferred');
  return { ...parsed, hasFileMeta: true };
}

/**
 * For little-endian syntaxes: the VR encoding the data set really uses when it contradicts the declared one
 * (explicit declared, no VR after the first tag, or the reverse), else null.
 */
function declaredVrMismatch(declared: string, rest: Uint8Array): string | null {
  if (declared === EXPLICIT_VR_BE || declared === DEFLATED_EXPLICIT_VR_LE || rest.length < 8) return null;
  const hasVr = VR_CODES.has(String.fromCharCode(rest[4], rest[5]));
  if (declared === IMPLICIT_VR_LE) return hasVr ? EXPLICIT_VR_LE : null;
  return hasVr ? null : IMPLICIT_VR_LE;
}

/** Tries each candidate syntax; the first that parses into a data set of at least two distinct elements wins. */
function parseRaw(filePath: string, bytes: Uint8Array, candidates: string[], opts: ParseOptions): Omit<ParsedDicom, 'hasFileMeta'> | null {
  let lastError: DicomError | null = null;
  for (const uid of candidates) {
    try {
      const dataSet = runParser(filePath, bytes, uid, opts);
      // dicom-parser adds the syntax it was told as (0002,0010); only the data set's own elements count.
      const own = Object.keys(dataSet.elements).filter((tag) => !tag.startsWith('x0002'));
      if (own.length >= 2) return { dataSet, transferSyntaxUid: uid, transferSyntaxFromMeta: false };
    } catch (e) {
      if (!(e instanceof DicomError)) throw e;
      lastError = e;
    }
  }
  // A data set that starts plausibly but breaks later is damaged rather than "not DICOM".
  if (lastError instanceof TruncatedError && candidates.length > 0) throw lastError;
  return null;
}
