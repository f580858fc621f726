// One DICOM image de-identified by editing its bytes: every element the profile keeps is copied byte for byte from
// the original (the Pixel Data element above all, so the pixels are bit-exact whatever the transfer syntax or
// fragmentation), every element it changes is re-encoded in the file's own encoding (PS3.5 7.1: explicit or
// implicit VR, little or big endian), sequences are rewritten item by item so nested attributes get the same
// treatment (PS3.15 E.1.1), and a new File Meta Information (PS3.10 7.1) names the new SOP Instance UID.
import type { DataSet, Element } from 'dicom-parser';
import dcmjs from 'dcmjs';
import type { DeidentifyOptions } from '../../../app/domain/export';
import { parseDicomBytes, PIXEL_DATA_TAG } from '../../dicom/parse';
import { DEFLATED_EXPLICIT_VR_LE, EXPLICIT_VR_BE, EXPLICIT_VR_LE, IMPLICIT_VR_LE } from '../../dicom/transfer-syntax';
import { AppError } from '../../ipc/errors';
import { IMPLEMENTATION_CLASS_UID } from '../uid';
import { IMPLEMENTATION_VERSION_NAME } from '../dicom-part10';
import { actionFor, profileRow } from './profile';

export class DeidentifyError extends AppError {
  readonly code = 'export' as const;
  override name = 'DeidentifyError';
}

/** An image flagged Burned In Annotation YES (PS3.3 C.7.6.1.1.3): its pixels may show the patient's identity. */
export class BurnedInAnnotationError extends DeidentifyError {
  override name = 'BurnedInAnnotationError';
}

export interface DeidContext {
  options: DeidentifyOptions;
  /** The new UID for an original one; the same original always gets the same new UID within one export. */
  mapUid(uid: string): string;
  /** Whole days added to every date under the Modified Dates option. */
  shiftDays: number;
  /** A descriptor with the patient's names, identifiers and dates taken out (Clean Descriptors). */
  clean(text: string): string;
  /** What Patient's Name and Patient ID become (Z allows a dummy value: one pseudonym per export). */
  patientName: string;
  patientId: string;
  /** De-identification Method (0012,0063) values, each at most 64 characters (LO). */
  methodDescription: string[];
}

export interface DeidentifiedImage {
  bytes: Uint8Array;
  sopClassUid: string;
  sopInstanceUid: string;
  seriesInstanceUid: string;
  studyInstanceUid: string;
  transferSyntaxUid: string;
  /** Where the Pixel Data element (header and value) lies in the input's parsed bytes and in the output. */
  pixelData: { input: Uint8Array; output: Uint8Array } | null;
}

const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT', 'SV', 'UV']);
const TEXT_VRS = new Set(['SH', 'LO', 'ST', 'LT', 'UT', 'PN', 'UC']);
const BURNED_IN_ANNOTATION = 'x00280301';

/** How the data set is encoded, and the character set its text is in. */
interface Encoding {
  explicit: boolean;
  little: boolean;
  bytes: Uint8Array;
  /** Text of the Specific Character Set we can decode and re-encode exactly; null for any other. */
  charset: 'latin1' | 'utf-8' | null;
}

export function deidentifyImage(filePath: string, input: Uint8Array, ctx: DeidContext): DeidentifiedImage {
  const parsed = parseDicomBytes(filePath, input);
  const ds = parsed.dataSet;
  const first = Object.values(ds.elements).find((el) => !el.tag.startsWith('x0002'));
  const explicit = first?.vr !== undefined;
  const little = parsed.transferSyntaxUid !== EXPLICIT_VR_BE;
  // The inflated bytes of a deflated file are Explicit VR Little Endian (PS3.5 A.5); a file whose VR encoding
  // contradicts its declared syntax is written as what it really is.
  let ts = parsed.transferSyntaxUid;
  if (ts === DEFLATED_EXPLICIT_VR_LE || (ts === IMPLICIT_VR_LE && explicit)) ts = EXPLICIT_VR_LE;
  else if (ts === EXPLICIT_VR_LE && !explicit) ts = IMPLICIT_VR_LE;
  const enc: Encoding = { explicit, little, bytes: ds.byteArray, charset: charsetOf(ds) };

  if (latin1(ds, ds.elements[BURNED_IN_ANNOTATION]).toUpperCase() === 'YES' && !ctx.options.confirmBurnedInAnnotation) {
    throw new BurnedInAnnotationError(
      `${baseName(filePath)} is flagged Burned In Annotation YES: text in its pixels may show who the patient is, and Radraft cannot remove it. Look at the image; if it shows no identity, confirm in the export dialog to export it anyway.`,
    );
  }

  const sopClassUid = latin1(ds, ds.elements.x00080016);
  const originalSop = latin1(ds, ds.elements.x00080018);
  if (!originalSop) throw new DeidentifyError(`${baseName(filePath)} has no SOP Instance UID, so it cannot be de-identified.`);

  const parts: { tag: number; bytes: Uint8Array }[] = [];
  let pixelData: DeidentifiedImage['pixelData'] = null;
  // dicom-parser can report bytes of the preamble of a deflated file as elements: the data set starts after the
  // File Meta, so nothing before its end is copied.
  const metaEnd = Math.max(0, ...Object.values(ds.elements).filter((el) => el.tag.startsWith('x0002')).map((el) => el.dataOffset + el.length));
  for (const el of sortedElements(ds)) {
    const tag = tagNumber(el);
    if (tag >>> 16 === 0x0002 || el.dataOffset < metaEnd) continue;
    if (el.tag === PIXEL_DATA_TAG) {
      const raw = rawElement(el, enc);
      parts.push({ tag, bytes: raw });
      pixelData = { input: raw, output: raw };
      continue;
    }
    const out = processElement(el, ds, enc, ctx);
    if (out) parts.push({ tag, bytes: out });
  }
  for (const added of identityRemovedElements(enc, ctx)) {
    const at = parts.findIndex((p) => p.tag === added.tag);
    if (at >= 0) parts.splice(at, 1);
    parts.push(added);
  }
  parts.sort((a, b) => a.tag - b.tag);

  const sopInstanceUid = ctx.mapUid(originalSop);
  const meta = fileMeta(sopClassUid, sopInstanceUid, ts);
  const body = concat(parts.map((p) => p.bytes));
  const bytes = concat([new Uint8Array(128), new TextEncoder().encode('DICM'), meta, body]);
  if (pixelData) {
    const offset = 132 + meta.length + parts.slice(0, parts.findIndex((p) => p.tag === 0x7fe00010)).reduce((n, p) => n + p.bytes.length, 0);
    pixelData = { input: pixelData.input, output: bytes.subarray(offset, offset + pixelData.input.length) };
  }
  return {
    bytes,
    sopClassUid,
    sopInstanceUid,
    seriesInstanceUid: ctx.mapUid(latin1(ds, ds.elements.x0020000e)),
    studyInstanceUid: ctx.mapUid(latin1(ds, ds.elements.x0020000d)),
    transferSyntaxUid: ts,
    pixelData,
  };
}

/** One element after the profile's action, encoded; null when it is removed. */
function processElement(el: Element, ds: DataSet, enc: Encoding, ctx: DeidContext): Uint8Array | null {
  const tag = tagNumber(el);
  const hex = el.tag.slice(1).toUpperCase();
  // Group lengths (gggg,0000) are retired outside the File Meta and would be wrong after editing.
  if ((tag & 0xffff) === 0) return null;
  const vr = vrOf(el, hex);
  const w = new Writer(enc);
  if (tag === 0x00100010) return w.text(tag, vr, ctx.patientName, enc.charset);
  if (tag === 0x00100020) return w.text(tag, vr, ctx.patientId, enc.charset);
  const action = actionFor(profileRow(hex), ctx.options);
  switch (action) {
    case 'X':
      return null;
    case 'K':
      return vr === 'SQ' ? sequence(el, enc, ctx) : rawElement(el, enc);
    case 'Z':
      return vr === 'SQ' ? w.sequence(tag, []) : w.header(tag, vr, 0);
    case 'D':
      // A dummy sequence item could itself hold what it replaces: an emptied sequence carries nothing. A UID's
      // dummy is its consistent replacement, so references between objects still hold.
      if (vr === 'SQ') return w.sequence(tag, []);
      if (vr === 'UI') return w.text(tag, vr, splitValues(latin1(ds, el)).map((uid) => ctx.mapUid(uid)).join('\\'), 'latin1');
      return w.text(tag, vr, dummyValue(vr), enc.charset);
    case 'U':
    case 'U*':
      if (vr === 'SQ') return sequence(el, enc, ctx);
      return w.text(tag, 'UI', splitValues(latin1(ds, el)).map((uid) => ctx.mapUid(uid)).join('\\'), 'latin1');
    case 'C':
      return cleaned(el, ds, vr, enc, ctx);
  }
}

/**
 * C (clean): dates shifted by whole days, times and UTC offsets kept (whole days change neither), text with the
 * identifiers removed; a value that cannot be cleaned (binary, or text in a character set Radraft does not re-encode)
 * is removed.
 */
function cleaned(el: Element, ds: DataSet, vr: string, enc: Encoding, ctx: DeidContext): Uint8Array | null {
  const w = new Writer(enc);
  const tag = tagNumber(el);
  if (vr === 'SQ') return sequence(el, enc, ctx);
  if (vr === 'TM') return rawElement(el, enc);
  if (vr === 'DA' || vr === 'DT') {
    const shifted = splitValues(latin1(ds, el)).map((v) => shiftDate(v, ctx.shiftDays));
    return shifted.every((v) => v !== null) ? w.text(tag, vr, shifted.join('\\'), 'latin1') : w.header(tag, vr, 0);
  }
  if (tag === 0x00080201 && /^[+-]\d{4}$/.test(latin1(ds, el))) return rawElement(el, enc);
  if ((TEXT_VRS.has(vr) || vr === 'CS') && enc.charset) return w.text(tag, vr, ctx.clean(decodeText(el, enc)), enc.charset);
  return null;
}

/** A sequence kept with each item's elements de-identified in turn. */
function sequence(el: Element, enc: Encoding, ctx: DeidContext): Uint8Array {
  const items = (el.items ?? []).map((item) => {
    const inner = item.dataSet;
    if (!inner) return new Uint8Array(0);
    return concat(sortedElements(inner).map((child) => processElement(child, inner, enc, ctx)).filter((b): b is Uint8Array => b !== null));
  });
  return new Writer(enc).sequence(tagNumber(el), items);
}

/** Patient Identity Removed, De-identification Method and its codes (PS3.15 E.1.1 items 6-7), Longitudinal
 * Temporal Information Modified (PS3.3 C.7.6.1). */
function identityRemovedElements(enc: Encoding, ctx: DeidContext): { tag: number; bytes: Uint8Array }[] {
  const w = new Writer(enc);
  const codes: [string, string][] = [['113100', 'Basic Application Confidentiality Profile']];
  if (ctx.options.retainModifiedDates) codes.push(['113107', 'Retain Longitudinal Temporal Information Modified Dates Option']);
  if (ctx.options.cleanDescriptors) codes.push(['113105', 'Clean Descriptors Option']);
  const codeItems = codes.map(([value, meaning]) =>
    concat([w.text(0x00080100, 'SH', value, 'latin1'), w.text(0x00080102, 'SH', 'DCM', 'latin1'), w.text(0x00080104, 'LO', meaning, 'latin1')]),
  );
  return [
    { tag: 0x00120062, bytes: w.text(0x00120062, 'CS', 'YES', 'latin1') },
    { tag: 0x00120063, bytes: w.text(0x00120063, 'LO', ctx.methodDescription.map((v) => v.slice(0, 64)).join('\\'), 'latin1') },
    { tag: 0x00120064, bytes: w.sequence(0x00120064, codeItems) },
    { tag: 0x00280303, bytes: w.text(0x00280303, 'CS', ctx.options.retainModifiedDates ? 'MODIFIED' : 'REMOVED', 'latin1') },
  ];
}

function fileMeta(sopClassUid: string, sopInstanceUid: string, ts: string): Uint8Array {
  const w = new Writer({ explicit: true, little: true });
  const body = concat([
    w.bytes(0x00020001, 'OB', Uint8Array.from([0, 1])),
    w.text(0x00020002, 'UI', sopClassUid, 'latin1'),
    w.text(0x00020003, 'UI', sopInstanceUid, 'latin1'),
    w.text(0x00020010, 'UI', ts, 'latin1'),
    w.text(0x00020012, 'UI', IMPLEMENTATION_CLASS_UID, 'latin1'),
    w.text(0x00020013, 'SH', IMPLEMENTATION_VERSION_NAME, 'latin1'),
  ]);
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, body.length, true);
  return concat([w.bytes(0x00020000, 'UL', length), body]);
}

/** Dummy values consistent with the VR (PS3.15 E.1.1 D), carrying nothing of the original. */
function dummyValue(vr: string): string {
  switch (vr) {
    case 'DA':
      return '19000101';
    case 'TM':
      return '000000';
    case 'DT':
      return '19000101000000';
    case 'PN':
      return 'ANONYMOUS';
    case 'DS':
    case 'IS':
    case 'US':
    case 'SS':
    case 'UL':
    case 'SL':
    case 'FL':
    case 'FD':
      return '0';
    case 'AS':
      return '000Y';
    default:
      return 'ANONYMIZED';
  }
}

/** DA (YYYYMMDD) or DT (YYYYMMDD…) with the date moved by whole days; null when it is not a date. */
function shiftDate(value: string, days: number): string | null {
  if (value === '') return '';
  const m = /^(\d{4})(\d{2})(\d{2})(.*)$/.exec(value);
  if (!m) return null;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (Number.isNaN(date.getTime())) return null;
  date.setUTCDate(date.getUTCDate() + days);
  const y = String(date.getUTCFullYear()).padStart(4, '0');
  return `${y}${String(date.getUTCMonth() + 1).padStart(2, '0')}${String(date.getUTCDate()).padStart(2, '0')}${m[4]}`;
}

/** Encodes elements in the data set's own encoding. */
class Writer {
  constructor(private readonly enc: Pick<Encoding, 'explicit' | 'little'>) {}

  header(tag: number, vr: string, length: number): Uint8Array {
    const { explicit, little } = this.enc;
    const long = LONG_VRS.has(vr);
    const out = new Uint8Array(explicit && long ? 12 : 8);
    const dv = new DataView(out.buffer);
    dv.setUint16(0, tag >>> 16, little);
    dv.setUint16(2, tag & 0xffff, little);
    if (!explicit) {
      dv.setUint32(4, length, little);
    } else {
      out[4] = vr.charCodeAt(0);
      out[5] = vr.charCodeAt(1);
      if (long) dv.setUint32(8, length, little);
      else dv.setUint16(6, length, little);
    }
    return out;
  }

  bytes(tag: number, vr: string, value: Uint8Array): Uint8Array {
    return concat([this.header(tag, vr, value.length), value]);
  }

  /** A string value, padded to even length (PS3.5 6.2: UI with NUL, the others with a space). */
  text(tag: number, vr: string, value: string, charset: 'latin1' | 'utf-8' | null): Uint8Array {
    let bytes: Uint8Array = charset === 'utf-8' ? new TextEncoder().encode(value) : Uint8Array.from(value, (c) => (c.charCodeAt(0) <= 0xff ? c.charCodeAt(0) : 0x3f));
    if (bytes.length % 2) bytes = concat([bytes, Uint8Array.of(vr === 'UI' ? 0 : 0x20)]);
    return this.bytes(tag, vr, bytes);
  }

  /** A sequence of undefined length with items of undefined length (PS3.5 7.5). */
  sequence(tag: number, items: Uint8Array[]): Uint8Array {
    const parts = [this.header(tag, 'SQ', 0xffffffff)];
    for (const item of items) parts.push(this.item(0xe000, 0xffffffff), item, this.item(0xe00d, 0));
    parts.push(this.item(0xe0dd, 0));
    return concat(parts);
  }

  private item(element: number, length: number): Uint8Array {
    const out = new Uint8Array(8);
    const dv = new DataView(out.buffer);
    dv.setUint16(0, 0xfffe, this.enc.little);
    dv.setUint16(2, element, this.enc.little);
    dv.setUint32(4, length, this.enc.little);
    return out;
  }
}

/** The element exactly as it is in the file: header and value (for undefined length, through its delimiter). */
function rawElement(el: Element, enc: Encoding): Uint8Array {
  const headerLength = enc.explicit && el.vr && LONG_VRS.has(el.vr) ? 12 : 8;
  const start = el.dataOffset - headerLength;
  const end = el.dataOffset + el.length;
  const dv = new DataView(enc.bytes.buffer, enc.bytes.byteOffset, enc.bytes.byteLength);
  if (start < 0 || end > enc.bytes.length || ((dv.getUint16(start, enc.little) << 16) | dv.getUint16(start + 2, enc.little)) >>> 0 !== tagNumber(el)) {
    throw new DeidentifyError(`The element ${el.tag.slice(1)} cannot be located in the file, so it cannot be copied exactly; the file may be damaged.`);
  }
  return enc.bytes.subarray(start, end);
}

/** The data set's elements in tag order; item and sequence delimiters (FFFE,xxxx), which dicom-parser lists as
 * elements of an item, are written by the Writer, not copied. */
function sortedElements(ds: DataSet): Element[] {
  return Object.values(ds.elements)
    .filter((el) => !el.tag.startsWith('xfffe'))
    .sort((a, b) => tagNumber(a) - tagNumber(b));
}

function tagNumber(el: Element): number {
  return parseInt(el.tag.slice(1), 16) >>> 0;
}

/** The VR: explicit in the file, SQ for a parsed sequence, else the data dictionary's (PS3.6), else UN. */
function vrOf(el: Element, hex: string): string {
  if (el.vr) return el.vr;
  if (el.items) return 'SQ';
  const entry = dcmjs.data.DicomMetaDictionary.dictionary[`(${hex.slice(0, 4)},${hex.slice(4)})`];
  const vr = entry?.vr.toUpperCase() ?? 'UN';
  return /^[A-Z]{2}$/.test(vr) ? vr : 'UN';
}

/** PS3.5 6.1: the default repertoire and ISO_IR 100 are Latin-1 here; ISO_IR 192 is UTF-8; others not re-encoded. */
function charsetOf(ds: DataSet): Encoding['charset'] {
  const value = latin1(ds, ds.elements.x00080005).toUpperCase();
  if (value === '' || value === 'ISO_IR 100' || value === 'ISO_IR 6') return 'latin1';
  if (value === 'ISO_IR 192') return 'utf-8';
  return null;
}

function latin1(ds: DataSet, el: Element | undefined): string {
  if (!el || el.length <= 0 || el.dataOffset + el.length > ds.byteArray.length) return '';
  let out = '';
  for (let i = el.dataOffset; i < el.dataOffset + el.length; i++) out += String.fromCharCode(ds.byteArray[i]);
  return out.replace(/[\0 ]+$/, '').trim();
}

function decodeText(el: Element, enc: Encoding): string {
  const raw = enc.bytes.subarray(el.dataOffset, el.dataOffset + Math.max(0, el.length));
  return new TextDecoder(enc.charset === 'utf-8' ? 'utf-8' : 'latin1').decode(raw).replace(/[\0 ]+$/, '');
}

function splitValues(value: string): string[] {
  return value === '' ? [] : value.split('\\').map((v) => v.trim());
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function baseName(filePath: string): string {
  return filePath.split(/[\\/]/).pop() ?? filePath;
}
