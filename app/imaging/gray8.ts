// The 8-bit grey rendering of one frame, the image the report model sees ("model view"):
// stored → Modality LUT (C.11.1) → VOI (C.11.2) → MONOCHROME1 inversion (C.7.6.3.1.2) → uint8, rounded.
import type { LutTable, VoiWindow } from '../domain/study';
import { modalityFunction } from './modality-lut';
import { parseVoiLutFunction, voiTableFunction, windowFunction } from './voi-lut';

export interface GreyFrame {
  width: number;
  height: number;
  /** One stored (or already grey, for colour sources) value per pixel. */
  values: ArrayLike<number>;
  bitsStored: number;
  photometricInterpretation: string;
  rescaleSlope: number;
  rescaleIntercept: number;
  modalityLut?: LutTable | null;
  windows: VoiWindow[];
  voiLutFunction?: string;
  voiLuts?: LutTable[];
  /** Smallest and largest value of `values`, when the caller already knows them. */
  valueRange?: { min: number; max: number };
}

export type VoiSource = 'window' | 'voi-lut-sequence' | 'identity' | 'min-max';

export interface Gray8View {
  width: number;
  height: number;
  data: Uint8Array;
  /** The window that was applied (first Window Center/Width pair), or null when another VOI was used. */
  window: { center: number; width: number } | null;
  voi: VoiSource;
}

/** Range of values beyond which a per-value table stops paying off. */
const MAX_TABLE = 1 << 20;

// The per-pixel loops below branch on the array type so that each loop stays monomorphic for the JIT: one generic
// loop over ArrayLike<number> fed Uint8, Uint16 and Int16 arrays runs several times slower.

function range(values: ArrayLike<number>): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  if (values instanceof Uint16Array) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v < min) min = v;
      if (v > max) max = v;
    }
  } else if (values instanceof Uint8Array) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v < min) min = v;
      if (v > max) max = v;
    }
  } else if (values instanceof Int16Array) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v < min) min = v;
      if (v > max) max = v;
    }
  } else {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return values.length === 0 ? { min: 0, max: 0 } : { min, max };
}

/** out[i] = table[values[i] − offset] */
function lookup(values: ArrayLike<number>, table: Uint8Array, offset: number, out: Uint8Array): void {
  const n = out.length;
  if (values instanceof Uint16Array) for (let i = 0; i < n; i++) out[i] = table[values[i] - offset];
  else if (values instanceof Uint8Array) for (let i = 0; i < n; i++) out[i] = table[values[i] - offset];
  else if (values instanceof Int16Array) for (let i = 0; i < n; i++) out[i] = table[values[i] - offset];
  else for (let i = 0; i < n; i++) out[i] = table[values[i] - offset];
}

/** present[values[i] − offset] = 1 */
function markPresent(values: ArrayLike<number>, present: Uint8Array, offset: number, n: number): void {
  if (values instanceof Uint16Array) for (let i = 0; i < n; i++) present[values[i] - offset] = 1;
  else if (values instanceof Int16Array) for (let i = 0; i < n; i++) present[values[i] - offset] = 1;
  else for (let i = 0; i < n; i++) present[values[i] - offset] = 1;
}

/**
 * Renders one grey frame to 8 bits. VOI precedence: the VOI LUT Sequence when present (as pydicom's
 * apply_voi_lut does by default), else the first window pair with VOI LUT Function, else identity for
 * BitsStored ≤ 8 and min–max of the modality values otherwise.
 */
export function renderGray8(f: GreyFrame): Gray8View {
  const n = f.width * f.height;
  const values = f.values;
  const modality = modalityFunction(f);
  const { min, max } = f.valueRange ?? range(values);
  const integral = Number.isInteger(min) && Number.isInteger(max);
  const useTable = integral && max - min + 1 <= MAX_TABLE;

  // Modality values for every stored value that can occur (a table for integer data).
  let modalityTable: Float64Array | null = null;
  let present: Uint8Array | null = null;
  if (useTable) {
    modalityTable = new Float64Array(max - min + 1);
    for (let s = min; s <= max; s++) modalityTable[s - min] = modality(s);
  }

  let voi: (x: number) => number;
  let source: VoiSource;
  let window: Gray8View['window'] = null;
  const voiLut = f.voiLuts?.find((l) => l.data.length > 0);
  const firstWindow = f.windows.find((w) => Number.isFinite(w.center) && Number.isFinite(w.width) && w.width > 0);
  if (voiLut) {
    voi = voiTableFunction(voiLut, 255);
    source = 'voi-lut-sequence';
  } else if (firstWindow) {
    voi = windowFunction(firstWindow.center, firstWindow.width, parseVoiLutFunction(f.voiLutFunction), 255);
    source = 'window';
    window = { center: firstWindow.center, width: firstWindow.width };
  } else if (f.bitsStored <= 8) {
    voi = (x) => x;
    source = 'identity';
  } else {
    // Min–max over the modality values actually present in the frame.
    let lo = Infinity;
    let hi = -Infinity;
    if (modalityTable) {
      present = new Uint8Array(modalityTable.length);
      markPresent(values, present, min, n);
      for (let k = 0; k < present.length; k++) {
        if (!present[k]) continue;
        const m = modalityTable[k];
        if (m < lo) lo = m;
        if (m > hi) hi = m;
      }
    } else {
      for (let i = 0; i < n; i++) {
        const m = modality(values[i]);
        if (m < lo) lo = m;
        if (m > hi) hi = m;
      }
    }
    const span = hi - lo;
    voi = span > 0 ? (x) => ((x - lo) / span) * 255 : () => 0;
    source = 'min-max';
  }

  const invert = f.photometricInterpretation === 'MONOCHROME1';
  const toByte = (stored: number): number => {
    let y = voi(modality(stored));
    if (invert) y = 255 - y;
    y = Math.round(y);
    return y < 0 ? 0 : y > 255 ? 255 : y;
  };
  const data = new Uint8Array(n);
  if (useTable && modalityTable) {
    const table = new Uint8Array(modalityTable.length);
    for (let k = 0; k < table.length; k++) {
      let y = voi(modalityTable[k]);
      if (invert) y = 255 - y;
      y = Math.round(y);
      table[k] = y < 0 ? 0 : y > 255 ? 255 : y;
    }
    lookup(values, table, min, data);
  } else {
    for (let i = 0; i < n; i++) data[i] = toByte(values[i]);
  }
  return { width: f.width, height: f.height, data, window, voi: source };
}
