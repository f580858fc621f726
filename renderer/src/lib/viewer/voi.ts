// VOI (window) choices for the viewer. The grey levels themselves come from app/imaging's pipeline, the one the
// model view uses (Modality LUT, VOI LUT Sequence or window with the file's VOI LUT Function, MONOCHROME1; PS3.3
// C.11): cornerstone gets them as a table over the stored values. Windows are in modality units (after the Modality
// LUT, C.11.1), where the VOI applies (C.11.2).
import type { CornerstoneLut } from 'cornerstone-core';
import { defaultVoi, displayTable, fileVois, modalityExtent, type GreyTransform, type VoiChoice } from '../../../../app/imaging/gray8';

export type { VoiChoice };

export interface Window {
  center: number;
  width: number;
}

export interface WindowSource extends GreyTransform {
  minPixelValue: number;
  maxPixelValue: number;
  modality: string;
}

export const PRESETS = ['header', 'lung', 'mediastinum', 'bone'] as const;
export type Preset = (typeof PRESETS)[number];

/** What the window menu shows as chosen: a preset, one of the file's own VOIs (`file:N`, see fileVoiOptions), or custom (null). */
export type VoiSelection = Preset | `file:${number}`;

export const PRESET_LABELS: Record<Preset, string> = {
  header: 'Default',
  lung: 'Lung',
  mediastinum: 'Mediastinum',
  bone: 'Bone',
};

/** Modality extent of the stored range, for 'min-max' when the caller has not measured the pixels present. */
function extentOf(src: WindowSource, extent?: { lo: number; hi: number }): { lo: number; hi: number } {
  return extent ?? modalityExtent(src, { min: src.minPixelValue, max: src.maxPixelValue });
}

/** A window (centre/width in modality units) showing about what `choice` shows: the start of a drag, the overlay. */
export function equivalentWindow(src: WindowSource, choice: VoiChoice, extent?: { lo: number; hi: number }): Window {
  switch (choice.kind) {
    case 'window':
      return { center: choice.center, width: choice.width };
    case 'lut': {
      // A VOI LUT maps the modality values from its first mapped one over its entries (C.11.2.1.1).
      const lut = src.voiLuts?.[choice.index];
      const first = lut?.firstMapped ?? 0;
      const width = Math.max(1, (lut?.data.length ?? 1) - 1);
      return { center: first + width / 2, width };
    }
    case 'identity':
      return { center: (2 ** src.bitsStored - 1) / 2, width: Math.max(1, 2 ** src.bitsStored - 1) };
    case 'min-max': {
      const { lo, hi } = extentOf(src, extent);
      return { center: (lo + hi) / 2, width: Math.max(1, hi - lo) };
    }
  }
}

/** What the image opens with: the model view's VOI (PS3.3 C.11.2 precedence, app/imaging defaultVoi). */
export function defaultWindow(src: WindowSource, extent?: { lo: number; hi: number }): Window & { source: 'header' | 'VOI LUT' | 'bit depth' | 'min–max' } {
  const choice = defaultVoi(src);
  const source = ({ window: 'header', lut: 'VOI LUT', identity: 'bit depth', 'min-max': 'min–max' } as const)[choice.kind];
  return { ...equivalentWindow(src, choice, extent), source };
}

/** The file's own VOIs, labelled for the window menu: its window pairs and VOI LUT Sequence items. */
export function fileVoiOptions(src: WindowSource): { choice: VoiChoice; label: string }[] {
  let windows = 0;
  let luts = 0;
  return fileVois(src).map(({ choice, explanation }) => {
    const n = choice.kind === 'window' ? ++windows : ++luts;
    const what = choice.kind === 'window' ? `File window ${n}` : `File VOI LUT ${n}`;
    const detail = choice.kind === 'window' ? ` (${formatWindow(choice)})` : '';
    return { choice, label: `${what}${explanation ? `: ${explanation}` : ''}${detail}` };
  });
}

/** CT presets in Hounsfield units, the usual chest values. */
const CT_PRESETS: Record<Exclude<Preset, 'header'>, Window> = {
  lung: { center: -600, width: 1500 },
  mediastinum: { center: 50, width: 350 },
  bone: { center: 400, width: 1800 },
};

/**
 * Projection radiographs (CR/DX) have no absolute units, so their presets are ranges of the default window's
 * brightness: 0 = shown black, 1 = shown white. Lung spreads the dark fields, mediastinum the mid-to-bright soft
 * tissue, bone the brightest part. MONOCHROME1 stores bright as low values, so the range is mirrored.
 */
const BRIGHTNESS_PRESETS: Record<Exclude<Preset, 'header'>, [number, number]> = {
  lung: [0.0, 0.6],
  mediastinum: [0.3, 0.9],
  bone: [0.45, 1.05],
};

export function presetWindow(preset: Preset, src: WindowSource, extent?: { lo: number; hi: number }): Window {
  const base = defaultWindow(src, extent);
  if (preset === 'header') return { center: base.center, width: base.width };
  if (src.modality.toUpperCase() === 'CT') return { ...CT_PRESETS[preset] };
  const lo = base.center - base.width / 2;
  const [b0, b1] = BRIGHTNESS_PRESETS[preset];
  const inverted = src.photometricInterpretation.toUpperCase() === 'MONOCHROME1';
  const toValue = (b: number) => (inverted ? lo + (1 - b) * base.width : lo + b * base.width);
  const v0 = toValue(b0);
  const v1 = toValue(b1);
  return { center: (v0 + v1) / 2, width: Math.abs(v1 - v0) };
}

/** The VOI a menu choice stands for. */
export function selectionVoi(selection: VoiSelection, src: WindowSource, extent?: { lo: number; hi: number }): VoiChoice {
  if (selection === 'header') return defaultVoi(src);
  if (selection.startsWith('file:')) return fileVoiOptions(src)[Number(selection.slice(5))]?.choice ?? defaultVoi(src);
  const w = presetWindow(selection as Preset, src, extent);
  return { kind: 'window', center: w.center, width: w.width };
}

let lutSeq = 0;

/**
 * The grey level of every stored value from the image's smallest to its largest, as cornerstone takes a VOI LUT
 * (firstValueMapped, lut). One extra entry of 255 past the end keeps cornerstone's guess of the entry size at 8 bits
 * (it derives it from the largest entry); no stored value reaches it. cornerstone tells LUTs apart by `id` only.
 */
export function cornerstoneVoiLut(src: WindowSource, choice: VoiChoice, extent?: { lo: number; hi: number }): CornerstoneLut {
  const table = displayTable(src, choice, { min: src.minPixelValue, max: src.maxPixelValue }, choice.kind === 'min-max' ? extentOf(src, extent) : undefined);
  const lut = Array.from(table);
  lut.push(255);
  return { id: `radraft-voi-${++lutSeq}`, firstValueMapped: src.minPixelValue, numBitsPerEntry: 8, lut };
}

/**
 * Window after a mouse drag of (dx, dy) screen pixels from `start`: right widens, down raises the centre.
 * Sensitivity scales with the image's range so a 12-bit and an 8-bit image feel the same.
 */
export function dragWindow(start: Window, dx: number, dy: number, range: number): Window {
  const perPixel = Math.max(range, 1) / 512;
  return { center: start.center + dy * perPixel, width: Math.max(1, start.width + dx * perPixel) };
}

export function formatWindow(w: Window): string {
  const digits = Math.abs(w.width) < 10 ? 1 : 0;
  return `W ${w.width.toFixed(digits)} / L ${w.center.toFixed(digits)}`;
}

/** What the overlay says about the VOI in use. */
export function describeVoi(src: WindowSource, choice: VoiChoice, extent?: { lo: number; hi: number }): string {
  if (choice.kind === 'lut') {
    const explanation = src.voiLuts?.[choice.index]?.explanation;
    return `VOI LUT${explanation ? `: ${explanation}` : ` ${choice.index + 1}`}`;
  }
  return formatWindow(equivalentWindow(src, choice, extent));
}
