// The 8-bit grey rendering of one frame: stored → Modality LUT (PS3.3 C.11.1) → VOI (C.11.2) → MONOCHROME1
// inversion (C.7.6.3.1.2) → uint8, rounded. One mapping serves both the model view (the image the report model
// sees, renderGray8) and the viewer (displayTable, one entry per stored value, recomputed as the clinician windows).
import type { LutTable, VoiWindow } from '../domain/study';
import { modalityFunction } from './modality-lut';
import { parseVoiLutFunction, voiTableFunction, windowFunction } from './voi-lut';
import { minMax } from './min-max';

/** What turns stored values into grey levels: the Modality LUT and VOI LUT modules' attributes. */
export interface GreyTransform {
  bitsStored: number;
  photometricInterpretation: string;
  rescaleSlope: number;
  rescaleIntercept: number;
  modalityLut?: LutTable | null;
  windows: VoiWindow[];
  voiLutFunction?: string;
  voiLuts?: LutTable[];
}

export interface GreyFrame extends GreyTransform {
  width: number;
  height: number;
  /** One stored (or already grey, for colour sources) value per pixel. */
  values: ArrayLike<number>;
  /** Smallest and largest value of `values`, when the caller already knows them. */
  valueRange?: { min: number; max: number };
}

/**
 * The VOI transform to apply (C.11.2): a window (with the file's VOI LUT Function), one item of the VOI LUT
 * Sequence, none (values already 8-bit), or the span of the modality values present.
 */
export type VoiChoice =
  | { kind: 'window'; center: number; width: number }
  | { kind: 'lut'; index: number }
  | { kind: 'identity' }
  | { kind: 'min-max' };

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

function usableWindow(w: VoiWindow): boolean {
  return Number.isFinite(w.center) && Number.isFinite(w.width) && w.width > 0;
}

/**
 * The VOI a frame is shown with by default: the VOI LUT Sequence when present (as pydicom's apply_voi_lut does by
 * default), else the first window pair, else identity for Bits Stored ≤ 8 and min–max of the modality values.
 */
export function defaultVoi(t: GreyTransform): VoiChoice {
  const lut = t.voiLuts?.findIndex((l) => l.data.length > 0) ?? -1;
  if (lut >= 0) return { kind: 'lut', index: lut };
  const first = t.windows.find(usableWindow);
  if (first) return { kind: 'window', center: first.center, width: first.width };
  return t.bitsStored <= 8 ? { kind: 'identity' } : { kind: 'min-max' };
}

/** Every VOI the file itself offers (C.11.2): its window pairs, then its VOI LUT Sequence items. */
export function fileVois(t: GreyTransform): { choice: VoiChoice; explanation?: string }[] {
  const out: { choice: VoiChoice; explanation?: string }[] = [];
  for (const w of t.windows) if (usableWindow(w)) out.push({ choice: { kind: 'window', center: w.center, width: w.width }, ...(w.explanation ? { explanation: w.explanation } : {}) });
  (t.voiLuts ?? []).forEach((l, index) => {
    if (l.data.length > 0) out.push({ choice: { kind: 'lut', index }, ...(l.explanation ? { explanation: l.explanation } : {}) });
  });
  return out;
}

/** Smallest and largest modality value over stored values min..max that occur (`present`, when given). */
export function modalityExtent(t: GreyTransform, stored: { min: number; max: number }, present?: (stored: number) => boolean): { lo: number; hi: number } {
  const modality = modalityFunction(t);
  let lo = Infinity;
  let hi = -Infinity;
  for (let s = stored.min; s <= stored.max; s++) {
    if (present && !present(s)) continue;
    const m = modality(s);
    if (m < lo) lo = m;
    if (m > hi) hi = m;
  }
  return lo <= hi ? { lo, hi } : { lo: 0, hi: 0 };
}

/**
 * Stored value → grey level 0–255 for one VOI choice. `extent` is the modality range that 'min-max' stretches
 * (required for it, ignored otherwise).
 */
export function greyFunction(t: GreyTransform, voi: VoiChoice, extent?: { lo: number; hi: number }): (stored: number) => number {
  const modality = modalityFunction(t);
  let f: (x: number) => number;
  switch (voi.kind) {
    case 'lut': {
      const lut = t.voiLuts?.[voi.index];
      f = lut && lut.data.length > 0 ? voiTableFunction(lut, 255) : (x) => x;
      break;
    }
    case 'window':
      f = windowFunction(voi.center, voi.width, parseVoiLutFunction(t.voiLutFunction), 255);
      break;
    case 'identity':
      f = (x) => x;
      break;
    case 'min-max': {
      const lo = extent?.lo ?? 0;
      const span = (extent?.hi ?? 0) - lo;
      f = span > 0 ? (x) => ((x - lo) / span) * 255 : () => 0;
      break;
    }
  }
  const invert = t.photometricInterpretation === 'MONOCHROME1';
  return (stored) => {
    let y = f(modality(stored));
    if (invert) y = 255 - y;
    y = Math.round(y);
    return y < 0 ? 0 : y > 255 ? 255 : y;
  };
}

/** Grey level of every stored value from `stored.min` to `stored.max` (index = value − min). */
export function displayTable(t: GreyTransform, voi: VoiChoice, stored: { min: number; max: number }, extent?: { lo: number; hi: number }): Uint8Array {
  const grey = greyFunction(t, voi, extent);
  const table = new Uint8Array(Math.max(0, stored.max - stored.min + 1));
  for (let k = 0; k < table.length; k++) table[k] = grey(stored.min + k);
  return table;
}

// The per-pixel loops below branch on the array type so that each loop stays monomorphic for the JIT: one generic
// loop over ArrayLike<number> fed Uint8, Uint16 and Int16 arrays runs several times slower.

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

/** Modality extent of the values actually in the frame, for 'min-max'. */
function frameExtent(f: GreyFrame, min: number, max: number, useTable: boolean): { lo: number; hi: number } {
  const n = f.width * f.height;
  if (useTable) {
    const present = new Uint8Array(max - min + 1);
    markPresent(f.values, present, min, n);
    return modalityExtent(f, { min, max }, (s) => present[s - min] === 1);
  }
  const modality = modalityFunction(f);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const m = modality(f.values[i]);
    if (m < lo) lo = m;
    if (m > hi) hi = m;
  }
  return { lo, hi };
}

/** Renders one grey frame to 8 bits with its default VOI (defaultVoi). */
export function renderGray8(f: GreyFrame): Gray8View {
  const n = f.width * f.height;
  const { min, max } = f.valueRange ?? minMax(f.values);
  const integral = Number.isInteger(min) && Number.isInteger(max);
  const useTable = integral && max - min + 1 <= MAX_TABLE;
  const voi = defaultVoi(f);
  const extent = voi.kind === 'min-max' ? frameExtent(f, min, max, useTable) : undefined;
  const data = new Uint8Array(n);
  if (useTable) {
    lookup(f.values, displayTable(f, voi, { min, max }, extent), min, data);
  } else {
    const grey = greyFunction(f, voi, extent);
    for (let i = 0; i < n; i++) data[i] = grey(f.values[i]);
  }
  const source: Record<VoiChoice['kind'], VoiSource> = { window: 'window', lut: 'voi-lut-sequence', identity: 'identity', 'min-max': 'min-max' };
  return { width: f.width, height: f.height, data, window: voi.kind === 'window' ? { center: voi.center, width: voi.width } : null, voi: source[voi.kind] };
}
