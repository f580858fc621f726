// Sequential DCT JPEG with 12-bit samples (ITU-T T.81 extended process, DICOM "JPEG Extended (Process 2 & 4)",
// PS3.5 A.4.1 / 10.2). No registry codec decodes 12-bit DCT JPEG (libjpeg-turbo's WASM build is 8-bit only), so
// this is the short hand-written path: Huffman decoding (T.81 F.2.2), dequantisation, a float inverse DCT (A.3.3)
// and the level shift. Progressive and arithmetic-coded streams are refused.
import { CodecFailure, UnsupportedCodestream } from './failures';
import type { CodecOutput } from './index';

const ZIGZAG = Int32Array.from([
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36,
  29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
]);

/** cos((2x + 1)uπ / 16) · C(u) / 2, precomputed for the separable inverse DCT. */
const IDCT = (() => {
  const t = new Float64Array(64);
  for (let x = 0; x < 8; x++) for (let u = 0; u < 8; u++) t[x * 8 + u] = ((u === 0 ? Math.SQRT1_2 : 1) * Math.cos(((2 * x + 1) * u * Math.PI) / 16)) / 2;
  return t;
})();

interface Huffman {
  /** maxcode[l]: largest code of length l (T.81 F.2.2.3), −1 when none. */
  maxcode: Int32Array;
  valptr: Int32Array;
  mincode: Int32Array;
  values: Uint8Array;
}

interface Component {
  id: number;
  h: number;
  v: number;
  tq: number;
  td: number;
  ta: number;
  blocksPerLine: number;
  blocksPerColumn: number;
  /** Dequantised coefficients, 64 per block, blocks row-major over the padded component. */
  coeffs: Float64Array;
  pred: number;
}

function buildHuffman(counts: Uint8Array, values: Uint8Array): Huffman {
  const maxcode = new Int32Array(18).fill(-1);
  const mincode = new Int32Array(17);
  const valptr = new Int32Array(17);
  let code = 0;
  let k = 0;
  for (let l = 1; l <= 16; l++) {
    valptr[l] = k;
    mincode[l] = code;
    code += counts[l - 1];
    k += counts[l - 1];
    if (counts[l - 1] > 0) maxcode[l] = code - 1;
    code <<= 1;
  }
  maxcode[17] = 0x7fffffff;
  return { maxcode, mincode, valptr, values };
}

class BitReader {
  private bits = 0;
  private count = 0;
  /** Set once a marker is reached: further bits read as zeros (T.81 F.2.2.5 allows for padding). */
  marker = -1;
  /** Zero bytes supplied after the marker; more than a few means the scan ran out of data. */
  padBytes = 0;
  constructor(
    private readonly d: Uint8Array,
    public pos: number,
  ) {}

  private fill(): void {
    while (this.count <= 24) {
      let byte = 0;
      if (this.marker < 0 && this.pos < this.d.length) {
        byte = this.d[this.pos];
        if (byte === 0xff) {
          const next = this.d[this.pos + 1];
          if (next === 0x00) this.pos += 2;
          else {
            this.marker = next;
            byte = 0;
          }
        } else this.pos++;
      } else if (this.marker >= 0) {
        this.padBytes++;
      } else {
        throw new CodecFailure('the JPEG entropy-coded data end early (truncated)');
      }
      this.bits = (this.bits << 8) | byte;
      this.count += 8;
    }
  }

  bit(): number {
    if (this.count === 0) this.fill();
    this.count--;
    return (this.bits >>> this.count) & 1;
  }

  receive(n: number): number {
    if (n === 0) return 0;
    if (this.count < n) this.fill();
    this.count -= n;
    return (this.bits >>> this.count) & ((1 << n) - 1);
  }

  decode(h: Huffman): number {
    let code = this.bit();
    let l = 1;
    while (code > h.maxcode[l]) {
      code = (code << 1) | this.bit();
      if (++l > 16) throw new CodecFailure('invalid Huffman code in the JPEG data');
    }
    const index = h.valptr[l] + code - h.mincode[l];
    if (index >= h.values.length) throw new CodecFailure('invalid Huffman code in the JPEG data');
    return h.values[index];
  }

  /** Re-synchronises after a restart marker (T.81 F.2.2.5). */
  restart(): void {
    this.bits = 0;
    this.count = 0;
    this.padBytes = 0;
    if (this.marker >= 0xd0 && this.marker <= 0xd7) {
      this.pos += 2;
      this.marker = -1;
      return;
    }
    // Search forward for the RSTn marker.
    while (this.pos + 1 < this.d.length && !(this.d[this.pos] === 0xff && this.d[this.pos + 1] >= 0xd0 && this.d[this.pos + 1] <= 0xd7)) this.pos++;
    if (this.pos + 1 >= this.d.length) throw new CodecFailure('missing JPEG restart marker');
    this.pos += 2;
    this.marker = -1;
  }
}

function extend(v: number, s: number): number {
  return s === 0 ? 0 : v < 1 << (s - 1) ? v - (1 << s) + 1 : v;
}

export function decodeJpeg12(data: Uint8Array): CodecOutput {
  const quant: (Float64Array | undefined)[] = [];
  const dcTables: (Huffman | undefined)[] = [];
  const acTables: (Huffman | undefined)[] = [];
  let components: Component[] = [];
  let width = 0;
  let height = 0;
  let precision = 0;
  let hmax = 1;
  let vmax = 1;
  let restartInterval = 0;
  let frameSeen = false;
  let i = 2;
  if (data[0] !== 0xff || data[1] !== 0xd8) throw new CodecFailure('not a JPEG stream (no SOI)');
  const u16 = (p: number) => (data[p] << 8) | data[p + 1];
  let scans = 0;
  for (;;) {
    if (i + 2 > data.length) {
      // A missing EOI after complete scans is tolerated (DICOM padding may replace it); nothing else is.
      if (scans > 0) break;
      throw new CodecFailure('the JPEG stream ends before its image (truncated)');
    }
    if (data[i] !== 0xff) throw new CodecFailure(`expected a JPEG marker at byte ${i}`);
    const marker = data[i + 1];
    if (marker === 0xff) {
      i++;
      continue;
    }
    if (marker === 0xd9) break;
    if (i + 4 > data.length) throw new CodecFailure('the JPEG stream ends inside a marker segment (truncated)');
    const length = u16(i + 2);
    const end = i + 2 + length;
    if (length < 2 || end > data.length) throw new CodecFailure(`JPEG marker FF${marker.toString(16)} runs past the stream (truncated)`);
    const p = i + 4;
    if (marker === 0xdb) {
      // DQT: Pq (0: 8-bit, 1: 16-bit entries), Tq, 64 entries in zig-zag order.
      let q = p;
      while (q < end) {
        const pq = data[q] >> 4;
        const tq = data[q] & 15;
        const table = new Float64Array(64);
        for (let k = 0; k < 64; k++) table[ZIGZAG[k]] = pq ? u16(q + 1 + 2 * k) : data[q + 1 + k];
        quant[tq & 3] = table;
        q += 1 + 64 * (pq ? 2 : 1);
      }
    } else if (marker === 0xc4) {
      let q = p;
      while (q < end) {
        const tc = data[q] >> 4;
        const th = data[q] & 15;
        const counts = data.subarray(q + 1, q + 17);
        const total = counts.reduce((a, b) => a + b, 0);
        if (q + 17 + total > end) throw new CodecFailure('JPEG Huffman table runs past its segment');
        const table = buildHuffman(counts, data.slice(q + 17, q + 17 + total));
        (tc === 0 ? dcTables : acTables)[th & 3] = table;
        q += 17 + total;
      }
    } else if (marker === 0xc0 || marker === 0xc1) {
      precision = data[p];
      height = u16(p + 1);
      width = u16(p + 3);
      const n = data[p + 5];
      if (precision !== 8 && precision !== 12) throw new UnsupportedCodestream(`JPEG sample precision ${precision}`);
      if (width === 0 || height === 0 || n === 0 || n > 4) throw new CodecFailure('invalid JPEG frame header');
      components = [];
      for (let c = 0; c < n; c++) {
        const h = data[p + 7 + 3 * c] >> 4;
        const v = data[p + 7 + 3 * c] & 15;
        if (h < 1 || h > 4 || v < 1 || v > 4) throw new CodecFailure('invalid JPEG sampling factors');
        components.push({ id: data[p + 6 + 3 * c], h, v, tq: data[p + 8 + 3 * c] & 3, td: 0, ta: 0, blocksPerLine: 0, blocksPerColumn: 0, coeffs: new Float64Array(0), pred: 0 });
      }
      hmax = Math.max(...components.map((c) => c.h));
      vmax = Math.max(...components.map((c) => c.v));
      const mcusX = Math.ceil(width / (8 * hmax));
      const mcusY = Math.ceil(height / (8 * vmax));
      for (const c of components) {
        c.blocksPerLine = mcusX * c.h;
        c.blocksPerColumn = mcusY * c.v;
        c.coeffs = new Float64Array(c.blocksPerLine * c.blocksPerColumn * 64);
      }
      frameSeen = true;
    } else if ((marker >= 0xc2 && marker <= 0xcf) && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      throw new UnsupportedCodestream(`JPEG process with SOF marker FF${marker.toString(16).toUpperCase()} (progressive, lossless or arithmetic)`);
    } else if (marker === 0xdd) {
      restartInterval = u16(p);
    } else if (marker === 0xda) {
      if (!frameSeen) throw new CodecFailure('JPEG scan before the frame header');
      const ns = data[p];
      const scan: Component[] = [];
      for (let k = 0; k < ns; k++) {
        const comp = components.find((c) => c.id === data[p + 1 + 2 * k]);
        if (!comp) throw new CodecFailure('JPEG scan names an unknown component');
        comp.td = data[p + 2 + 2 * k] >> 4;
        comp.ta = data[p + 2 + 2 * k] & 15;
        scan.push(comp);
      }
      i = decodeScan(data, end, scan, { width, height, hmax, vmax, restartInterval, dcTables, acTables, quant });
      scans++;
      continue;
    }
    i = end;
  }
  if (!frameSeen) throw new CodecFailure('no JPEG frame header');
  return { ...toSamples(components, width, height, hmax, vmax, precision), width, height, components: components.length };
}

interface ScanContext {
  width: number;
  height: number;
  hmax: number;
  vmax: number;
  restartInterval: number;
  dcTables: (Huffman | undefined)[];
  acTables: (Huffman | undefined)[];
  quant: (Float64Array | undefined)[];
}

function decodeBlock(r: BitReader, c: Component, blockIndex: number, ctx: ScanContext): void {
  const dc = ctx.dcTables[c.td & 3];
  const ac = ctx.acTables[c.ta & 3];
  const q = ctx.quant[c.tq];
  if (!dc || !ac || !q) throw new CodecFailure('JPEG scan refers to a missing Huffman or quantisation table');
  const out = c.coeffs;
  const base = blockIndex * 64;
  const s = r.decode(dc);
  if (s > 16) throw new CodecFailure('invalid JPEG DC difference');
  c.pred += extend(r.receive(s), s);
  out[base] = c.pred * q[0];
  for (let k = 1; k < 64; ) {
    const rs = r.decode(ac);
    const run = rs >> 4;
    const size = rs & 15;
    if (size === 0) {
      if (run !== 15) break;
      k += 16;
      continue;
    }
    k += run;
    if (k > 63) throw new CodecFailure('JPEG AC coefficients run past the block');
    const z = ZIGZAG[k];
    out[base + z] = extend(r.receive(size), size) * q[z];
    k++;
  }
}

/** Decodes one sequential scan (T.81 F.2); returns the position after its entropy-coded segment. */
function decodeScan(data: Uint8Array, start: number, scan: Component[], ctx: ScanContext): number {
  const r = new BitReader(data, start);
  for (const c of scan) c.pred = 0;
  const single = scan.length === 1;
  // A single-component scan is not interleaved: its "MCU" is one block over the component's own extent (A.2.2).
  const c0 = scan[0];
  const mcusX = single ? Math.ceil(Math.ceil((ctx.width * c0.h) / ctx.hmax) / 8) : Math.ceil(ctx.width / (8 * ctx.hmax));
  const mcusY = single ? Math.ceil(Math.ceil((ctx.height * c0.v) / ctx.vmax) / 8) : Math.ceil(ctx.height / (8 * ctx.vmax));
  const total = mcusX * mcusY;
  for (let m = 0; m < total; m++) {
    if (ctx.restartInterval && m > 0 && m % ctx.restartInterval === 0) {
      r.restart();
      for (const c of scan) c.pred = 0;
    }
    const mx = m % mcusX;
    const my = Math.floor(m / mcusX);
    if (single) decodeBlock(r, c0, my * c0.blocksPerLine + mx, ctx);
    else {
      for (const c of scan) {
        for (let v = 0; v < c.v; v++) for (let h = 0; h < c.h; h++) decodeBlock(r, c, (my * c.v + v) * c.blocksPerLine + mx * c.h + h, ctx);
      }
    }
  }
  // A consistent scan ends exactly where its data end (up to the padding bits of the last byte): running out of
  // data early or leaving a run of data unread both mean the entropy-coded segment is damaged.
  if (r.padBytes > 4) throw new CodecFailure('the JPEG entropy-coded data end before the last block (truncated or damaged)');
  let p = r.pos;
  const from = p;
  while (p + 1 < data.length && !(data[p] === 0xff && data[p + 1] !== 0x00 && !(data[p + 1] >= 0xd0 && data[p + 1] <= 0xd7))) p++;
  if (p - from > 16) throw new CodecFailure(`${p - from} bytes of JPEG entropy-coded data left over after the last block (damaged)`);
  return p;
}

/** Inverse DCT, level shift and clamping (T.81 A.3.1, A.3.3); colour components upsampled by replication. */
function toSamples(components: Component[], width: number, height: number, hmax: number, vmax: number, precision: number): { samples: Uint16Array | Uint8Array } {
  const n = components.length;
  const max = (1 << precision) - 1;
  const shift = 1 << (precision - 1);
  const samples = precision > 8 ? new Uint16Array(width * height * n) : new Uint8Array(width * height * n);
  const tmp = new Float64Array(64);
  const block = new Float64Array(64);
  components.forEach((c, ci) => {
    const planeW = c.blocksPerLine * 8;
    const plane = new Float64Array(planeW * c.blocksPerColumn * 8);
    for (let by = 0; by < c.blocksPerColumn; by++) {
      for (let bx = 0; bx < c.blocksPerLine; bx++) {
        const base = (by * c.blocksPerLine + bx) * 64;
        // Rows then columns: f(x, y) = Σu Σv C(u)C(v)/4 · F(v, u) · cos… (A.3.3).
        for (let y = 0; y < 8; y++) {
          for (let x = 0; x < 8; x++) {
            let s = 0;
            for (let u = 0; u < 8; u++) s += IDCT[x * 8 + u] * c.coeffs[base + y * 8 + u];
            tmp[y * 8 + x] = s;
          }
        }
        for (let x = 0; x < 8; x++) {
          for (let y = 0; y < 8; y++) {
            let s = 0;
            for (let v = 0; v < 8; v++) s += IDCT[y * 8 + v] * tmp[v * 8 + x];
            block[y * 8 + x] = s;
          }
        }
        for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) plane[(by * 8 + y) * planeW + bx * 8 + x] = block[y * 8 + x];
      }
    }
    const sx = hmax / c.h;
    const sy = vmax / c.v;
    for (let y = 0; y < height; y++) {
      const row = Math.floor(y / sy) * planeW;
      for (let x = 0; x < width; x++) {
        const v = Math.round(plane[row + Math.floor(x / sx)] + shift);
        samples[(y * width + x) * n + ci] = v < 0 ? 0 : v > max ? max : v;
      }
    }
  });
  return { samples };
}
