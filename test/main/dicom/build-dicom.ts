// Builds small DICOM Part 10 files in memory (explicit VR little endian data sets, PS3.5 7.1.2) for edge cases
// that no real fixture covers: VOI LUT sequences, signed data with high bits set, planar RGB, multi-frame…

export interface El {
  tag: number; // (group << 16) | element
  vr: string;
  value: string | number[] | Uint8Array | El[][];
}

const LONG_VRS = new Set(['OB', 'OW', 'OF', 'OD', 'OL', 'OV', 'SQ', 'UN', 'UT', 'UC', 'UR']);

function bytesOf(el: El): Uint8Array {
  const { vr, value } = el;
  if (value instanceof Uint8Array) return value.length % 2 ? Uint8Array.from([...value, 0]) : value;
  if (typeof value === 'string') {
    const padded = value.length % 2 ? value + (vr === 'UI' ? '\0' : ' ') : value;
    return new TextEncoder().encode(padded);
  }
  if (Array.isArray(value) && value.length > 0 && Array.isArray(value[0])) throw new Error('SQ handled by caller');
  const nums = value as number[];
  const size = vr === 'US' || vr === 'SS' || vr === 'OW' ? 2 : vr === 'UL' || vr === 'SL' || vr === 'FL' ? 4 : vr === 'FD' ? 8 : 1;
  const out = new Uint8Array(nums.length * size + ((nums.length * size) % 2));
  const dv = new DataView(out.buffer);
  nums.forEach((n, i) => {
    if (vr === 'US' || vr === 'OW') dv.setUint16(i * 2, n, true);
    else if (vr === 'SS') dv.setInt16(i * 2, n, true);
    else if (vr === 'UL') dv.setUint32(i * 4, n, true);
    else if (vr === 'SL') dv.setInt32(i * 4, n, true);
    else if (vr === 'FL') dv.setFloat32(i * 4, n, true);
    else if (vr === 'FD') dv.setFloat64(i * 8, n, true);
    else out[i] = n;
  });
  return out;
}

function header(tag: number, vr: string, length: number): Uint8Array {
  const long = LONG_VRS.has(vr);
  const out = new Uint8Array(long ? 12 : 8);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, tag >>> 16, true);
  dv.setUint16(2, tag & 0xffff, true);
  out[4] = vr.charCodeAt(0);
  out[5] = vr.charCodeAt(1);
  if (long) dv.setUint32(8, length, true);
  else dv.setUint16(6, length, true);
  return out;
}

function itemTag(element: number, length: number): Uint8Array {
  const out = new Uint8Array(8);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, 0xfffe, true);
  dv.setUint16(2, element, true);
  dv.setUint32(4, length, true);
  return out;
}

export function encodeElements(elements: El[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const el of [...elements].sort((a, b) => a.tag - b.tag)) {
    if (el.vr === 'SQ') {
      parts.push(header(el.tag, 'SQ', 0xffffffff));
      for (const item of el.value as El[][]) {
        parts.push(itemTag(0xe000, 0xffffffff), encodeElements(item), itemTag(0xe00d, 0));
      }
      parts.push(itemTag(0xe0dd, 0));
      continue;
    }
    const body = bytesOf(el);
    parts.push(header(el.tag, el.vr, body.length), body);
  }
  return concat(parts);
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Encapsulated Pixel Data (PS3.5 A.4): empty Basic Offset Table, one fragment per frame. */
export function encapsulated(frames: Uint8Array[]): Uint8Array {
  const parts: Uint8Array[] = [header(0x7fe00010, 'OB', 0xffffffff), itemTag(0xe000, 0)];
  for (const f of frames) {
    const even = f.length % 2 ? Uint8Array.from([...f, 0]) : f;
    parts.push(itemTag(0xe000, even.length), even);
  }
  parts.push(itemTag(0xe0dd, 0));
  return concat(parts);
}

export function part10(elements: El[], transferSyntax = '1.2.840.10008.1.2.1', tail: Uint8Array = new Uint8Array(0)): Uint8Array {
  const meta = encodeElements([
    { tag: 0x00020001, vr: 'OB', value: Uint8Array.from([0, 1]) },
    { tag: 0x00020002, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.1.1' },
    { tag: 0x00020003, vr: 'UI', value: '1.2.3.4.5' },
    { tag: 0x00020010, vr: 'UI', value: transferSyntax },
  ]);
  const groupLength = encodeElements([{ tag: 0x00020000, vr: 'UL', value: [meta.length] }]);
  const preamble = new Uint8Array(132);
  preamble.set([0x44, 0x49, 0x43, 0x4d], 128);
  return concat([preamble, groupLength, meta, encodeElements(elements), tail]);
}

/** A minimal DX image: Image Pixel module (PS3.3 C.7.6.3) plus identifiers; `extra` overrides or adds. */
export function dxImage(opts: {
  rows: number;
  columns: number;
  bitsAllocated?: number;
  bitsStored?: number;
  signed?: boolean;
  photometric?: string;
  samplesPerPixel?: number;
  planar?: number;
  frames?: number;
  pixels?: Uint8Array;
  extra?: El[];
}): El[] {
  const ba = opts.bitsAllocated ?? 16;
  const spp = opts.samplesPerPixel ?? 1;
  const base: El[] = [
    { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.1.1' },
    { tag: 0x00080018, vr: 'UI', value: '1.2.3.4.5' },
    { tag: 0x00080060, vr: 'CS', value: 'DX' },
    { tag: 0x00100010, vr: 'PN', value: 'Test^Synthetic' },
    { tag: 0x00100020, vr: 'LO', value: 'SYN-1' },
    { tag: 0x0020000d, vr: 'UI', value: '1.2.3.4' },
    { tag: 0x0020000e, vr: 'UI', value: '1.2.3.4.1' },
    { tag: 0x00280002, vr: 'US', value: [spp] },
    { tag: 0x00280004, vr: 'CS', value: opts.photometric ?? 'MONOCHROME2' },
    { tag: 0x00280010, vr: 'US', value: [opts.rows] },
    { tag: 0x00280011, vr: 'US', value: [opts.columns] },
    { tag: 0x00280100, vr: 'US', value: [ba] },
    { tag: 0x00280101, vr: 'US', value: [opts.bitsStored ?? ba] },
    { tag: 0x00280102, vr: 'US', value: [(opts.bitsStored ?? ba) - 1] },
    { tag: 0x00280103, vr: 'US', value: [opts.signed ? 1 : 0] },
  ];
  if (spp > 1) base.push({ tag: 0x00280006, vr: 'US', value: [opts.planar ?? 0] });
  if (opts.frames) base.push({ tag: 0x00280008, vr: 'IS', value: String(opts.frames) });
  if (opts.pixels) base.push({ tag: 0x7fe00010, vr: ba > 8 ? 'OW' : 'OB', value: opts.pixels });
  const extra = opts.extra ?? [];
  return [...base.filter((b) => !extra.some((e) => e.tag === b.tag)), ...extra];
}

export function u16le(values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  const dv = new DataView(out.buffer);
  values.forEach((v, i) => dv.setUint16(i * 2, v & 0xffff, true));
  return out;
}
