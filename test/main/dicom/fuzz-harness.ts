// Seeded mutation fuzzing of the DICOM engine: mutated and truncated copies of real files must
// decode to a result or fail with a DicomError, never with anything else, and never take long.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { DicomError, decodeBytes, renderModelView } from '../../../main/dicom';
import { seededRandom } from '../../../app/random/seeded-random';

export type Mutation = 'truncate' | 'flip-bytes' | 'flip-header' | 'length-field' | 'splice' | 'zero-run' | 'codestream';

export interface FuzzCase {
  seedFile: string;
  mutation: Mutation;
  bytes: Uint8Array;
}

/** Makes one mutated copy of `src`; the choice of mutation and its place come from `rand`. */
export function mutate(src: Uint8Array, rand: () => number): { mutation: Mutation; bytes: Uint8Array } {
  const int = (n: number) => Math.floor(rand() * n);
  const mutations: Mutation[] = ['truncate', 'flip-bytes', 'flip-header', 'length-field', 'splice', 'zero-run', 'codestream'];
  const mutation = mutations[int(mutations.length)];
  const out = new Uint8Array(src);
  switch (mutation) {
    case 'truncate':
      return { mutation, bytes: out.subarray(0, int(src.length)) };
    case 'flip-bytes': {
      const n = 1 + int(8);
      for (let k = 0; k < n; k++) out[int(out.length)] ^= 1 << int(8);
      return { mutation, bytes: out };
    }
    case 'flip-header': {
      // The first 1.5 kB hold the meta and most attributes: lengths, VRs, Rows/Columns, BitsAllocated…
      const n = 1 + int(4);
      const span = Math.min(out.length, 1536);
      for (let k = 0; k < n; k++) out[int(span)] = int(256);
      return { mutation, bytes: out };
    }
    case 'length-field': {
      const at = int(Math.max(1, out.length - 4));
      const values = [0xffffffff, 0, 0x7fffffff, 1 + int(1 << 20), 0xfffffffe];
      new DataView(out.buffer).setUint32(at, values[int(values.length)], true);
      return { mutation, bytes: out };
    }
    case 'splice': {
      const at = int(out.length);
      const len = 1 + int(64);
      const insert = rand() < 0.5;
      if (insert) {
        const junk = Uint8Array.from({ length: len }, () => int(256));
        const res = new Uint8Array(out.length + len);
        res.set(out.subarray(0, at));
        res.set(junk, at);
        res.set(out.subarray(at), at + len);
        return { mutation, bytes: res };
      }
      const removed = Math.min(len, out.length - at);
      const res = new Uint8Array(out.length - removed);
      res.set(out.subarray(0, at));
      res.set(out.subarray(at + removed), at);
      return { mutation, bytes: res };
    }
    case 'zero-run': {
      const at = int(out.length);
      out.fill(rand() < 0.5 ? 0 : 0xff, at, at + 1 + int(256));
      return { mutation, bytes: out };
    }
    case 'codestream': {
      // Damage the last third, where pixel data and codestreams live.
      const from = Math.floor((out.length * 2) / 3);
      const n = 1 + int(16);
      for (let k = 0; k < n; k++) out[from + int(out.length - from)] = int(256);
      return { mutation, bytes: out };
    }
  }
}

export interface FuzzReport {
  cases: number;
  decoded: number;
  typedErrors: number;
  crashes: { seedFile: string; mutation: Mutation; caseIndex: number; error: string }[];
  /** Cases slower than `slowMs`. */
  slow: { seedFile: string; mutation: Mutation; caseIndex: number; ms: number }[];
  maxMs: number;
  byKind: Record<string, number>;
}

export async function fuzz(seedFiles: string[], cases: number, seed: number, slowMs = 2000, onCase?: (i: number) => void): Promise<FuzzReport> {
  const rand = seededRandom(seed);
  const seeds = seedFiles.map((p) => ({ name: basename(p), bytes: new Uint8Array(readFileSync(p)) }));
  const report: FuzzReport = { cases, decoded: 0, typedErrors: 0, crashes: [], slow: [], maxMs: 0, byKind: {} };
  for (let i = 0; i < cases; i++) {
    const seedFile = seeds[Math.floor(rand() * seeds.length)];
    const { mutation, bytes } = mutate(seedFile.bytes, rand);
    const started = performance.now();
    try {
      const decoded = await decodeBytes(`fuzz-${i}-${seedFile.name}`, bytes);
      try {
        renderModelView(decoded);
      } catch (e) {
        if (!(e instanceof DicomError)) throw e;
      }
      report.decoded++;
      report.byKind.decoded = (report.byKind.decoded ?? 0) + 1;
    } catch (e) {
      // The engine wraps unexpected throws in MalformedDicomError; a programming error underneath still counts.
      const cause = e instanceof DicomError ? (e as Error & { cause?: unknown }).cause : undefined;
      const bug = cause instanceof TypeError || cause instanceof ReferenceError || cause instanceof SyntaxError;
      if (e instanceof DicomError && !bug) {
        report.typedErrors++;
        report.byKind[e.kind] = (report.byKind[e.kind] ?? 0) + 1;
      } else {
        report.crashes.push({ seedFile: seedFile.name, mutation, caseIndex: i, error: e instanceof Error ? `${e.name}: ${e.message}${bug ? ` (cause: ${String(cause)})` : ''}` : String(e) });
      }
    }
    const ms = performance.now() - started;
    report.maxMs = Math.max(report.maxMs, ms);
    if (ms > slowMs) report.slow.push({ seedFile: seedFile.name, mutation, caseIndex: i, ms });
    onCase?.(i);
  }
  return report;
}

/** Small files covering every decoder path, so thousands of cases run in seconds. */
export const FUZZ_SEEDS = [
  'pydicom-test-files/MR_small.dcm',
  'pydicom-test-files/MR_small_RLE.dcm',
  'pydicom-test-files/MR_small_bigendian.dcm',
  'pydicom-test-files/MR_small_implicit.dcm',
  'pydicom-test-files/MR_small_jp2klossless.dcm',
  'pydicom-test-files/MR_small_jpeg_ls_lossless.dcm',
  'pydicom-test-files/image_dfl.dcm',
  'pydicom-test-files/SC_rgb_jpeg_dcmtk.dcm',
  'pydicom-test-files/SC_rgb_jpeg_gdcm.dcm',
  'pydicom-test-files/SC_rgb_rle_16bit_2frame.dcm',
  'pydicom-test-files/SC_ybr_full_422_uncompressed.dcm',
  'pydicom-test-files/ExplVR_BigEnd.dcm',
  'pydicom-test-files/rtdose_rle_1frame.dcm',
  'pydicom-test-files/JPGExtended.dcm',
  'pydicom-test-files/GDCMJ2K_TextGBR.dcm',
  'pydicom-test-files/693_J2KI.dcm',
  'pydicom-test-files/liver_1frame.dcm',
  'pydicom-test-files/no_meta_group_length.dcm',
  'pydicom-test-files/ExplVR_LitEndNoMeta.dcm',
  // Issue 10: progressive and spectral-selection JPEG, lossless JPEG with another predictor, 1-bit JPEG 2000,
  // two Transfer Syntax UIDs in the File Meta.
  'interop/jpeg55_progressive_12bit.dcm',
  'interop/jpeg53_spectral_8bit.dcm',
  'interop/ct_jpegll_sv7_lastrow.dcm',
  'interop/j2k_1bit_mask.dcm',
  'interop/two_tsuid_jpeg_then_implicit.dcm',
];
