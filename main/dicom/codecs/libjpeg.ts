// JPEG (ITU-T T.81; DICOM PS3.5 A.4.1–A.4.3, 10.2–10.5) through Radraft's WASM build of libjpeg-turbo 3.1 (./libjpeg/,
// see build-wasm.sh there): every process GDCM and DCMTK decode with their libjpeg copies — baseline and extended
// DCT at 8 and 12 bits, spectral selection and full progression, Huffman or arithmetic coding, and lossless
// (process 14, any predictor, 2–16 bits) — decoded by the same code, so the samples are libjpeg's own.
import createRadraftLibjpeg from './libjpeg/libjpeg.cjs';
import { CodecFailure } from './failures';

interface LibjpegModule {
  _rj_jpeg_decode(data: number, length: number, convert: number, info: number): number;
  _rj_jpeg_free(ptr: number): void;
  _rj_jpeg_log(): number;
  _malloc(size: number): number;
  _free(ptr: number): void;
  HEAPU8: Uint8Array;
  UTF8ToString(ptr: number): string;
}

const INFO_WORDS = 10;

/** libjpeg's J_COLOR_SPACE values that matter here (jpeglib.h). */
export const JCS_YCBCR = 3;
export const JCS_RGB = 2;

export interface LibjpegFrame {
  width: number;
  height: number;
  components: number;
  /** Sample precision of the codestream (P in the frame header): 8 or 12 for DCT, 2–16 for lossless. */
  precision: number;
  /** Samples colour-by-pixel, a view into the decoder's memory: valid only inside `consume`. */
  samples: Uint8Array | Uint16Array;
  jpegColorSpace: number;
  outColorSpace: number;
  /** libjpeg's warnings (damaged data, or tolerated oddities such as unusual SOS parameters). */
  warnings: string[];
}

let loading: Promise<LibjpegModule> | null = null;

function loadModule(): Promise<LibjpegModule> {
  if (!loading) {
    const ignore = () => undefined;
    loading = (createRadraftLibjpeg as (args: object) => Promise<LibjpegModule>)({ print: ignore, printErr: ignore });
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}

/**
 * Warnings that mean the entropy-coded data are damaged or cut short: libjpeg carries on (filling with grey or
 * zeros), GDCM and DCMTK report them, and we refuse the frame rather than show made-up pixels.
 */
const DAMAGE = /corrupt|premature|bogus|bad (huffman|arithmetic)|must resync|instead of RST/i;
/**
 * A few stray bytes before EOI, after every block was decoded, lose no pixel (some encoders pad the last scan).
 * Many mean the scan ended early in garbage that happened to decode: damage.
 */
const EXTRA_BEFORE_EOI = /(\d+) extraneous bytes before marker 0xd9/i;
const MAX_HARMLESS_EXTRA = 16;

export function damageWarning(warnings: readonly string[]): string | undefined {
  return warnings.find((w) => {
    const extra = EXTRA_BEFORE_EOI.exec(w);
    if (extra) return Number(extra[1]) > MAX_HARMLESS_EXTRA;
    return DAMAGE.test(w);
  });
}

/**
 * Decodes `codestream` and hands the frame to `consume` (which must copy what it keeps) before the decoder's buffer
 * is freed. `convertColour`: false keeps the components as coded (lossless data, or RGB that must not be
 * transformed); true lets libjpeg turn YCbCr into RGB as it does by default.
 */
export async function decodeLibjpeg<T>(codestream: Uint8Array, convertColour: boolean, consume: (frame: LibjpegFrame) => T): Promise<T> {
  const m = await loadModule();
  const input = m._malloc(Math.max(1, codestream.length));
  const info = m._malloc(INFO_WORDS * 4);
  let out = 0;
  try {
    if (!input || !info) throw new CodecFailure(`cannot reserve ${codestream.length} bytes for the JPEG decoder`);
    m.HEAPU8.set(codestream, input);
    try {
      out = m._rj_jpeg_decode(input, codestream.length, convertColour ? 1 : 0, info);
    } catch (e) {
      // A WASM trap (out of memory, or a bug) leaves the module in an unknown state: start a fresh one next time.
      loading = null;
      throw new CodecFailure(`the JPEG decoder stopped (${e instanceof Error ? e.message : String(e)})`);
    }
    const log = m.UTF8ToString(m._rj_jpeg_log()).split('\n').filter(Boolean);
    if (!out) throw new CodecFailure(log[log.length - 1] ?? 'the JPEG decoder failed', log);
    const heap = m.HEAPU8;
    const words = new Uint32Array(heap.buffer, info, INFO_WORDS);
    const [width, height, components, precision, bytes, jpegColorSpace, outColorSpace] = words;
    const n = width * height * components;
    const samples = bytes === 1 ? heap.subarray(out, out + n) : new Uint16Array(heap.buffer, out, n);
    return consume({ width, height, components, precision, samples, jpegColorSpace, outColorSpace, warnings: log });
  } finally {
    if (out) m._rj_jpeg_free(out);
    m._free(input);
    m._free(info);
  }
}
