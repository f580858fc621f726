// Window (VOI) choices for the viewer. Values are in modality units (after Rescale Slope/Intercept, PS3.3 C.11.1),
// which is where cornerstone applies the VOI window (PS3.3 C.11.2.1.2.1).

export interface Window {
  center: number;
  width: number;
}

export interface WindowSource {
  windows: ReadonlyArray<{ center: number; width: number }>;
  minPixelValue: number;
  maxPixelValue: number;
  rescaleSlope: number;
  rescaleIntercept: number;
  bitsStored: number;
  photometricInterpretation: string;
  modality: string;
}

export const PRESETS = ['header', 'lung', 'mediastinum', 'bone'] as const;
export type Preset = (typeof PRESETS)[number];

export const PRESET_LABELS: Record<Preset, string> = {
  header: 'Default',
  lung: 'Lung',
  mediastinum: 'Mediastinum',
  bone: 'Bone',
};

function modalityRange(src: WindowSource, lo: number, hi: number): [number, number] {
  const a = lo * src.rescaleSlope + src.rescaleIntercept;
  const b = hi * src.rescaleSlope + src.rescaleIntercept;
  return a <= b ? [a, b] : [b, a];
}

/** The window the image opens with: the header's first window, else the whole range the pixels use. */
export function defaultWindow(src: WindowSource): Window & { source: 'header' | 'bit depth' | 'min–max' } {
  const first = src.windows[0];
  if (first && first.width >= 1) return { center: first.center, width: first.width, source: 'header' };
  // Matches the model-view policy: 8-bit images are shown as stored, deeper ones stretched to min–max.
  const [lo, hi] =
    src.bitsStored <= 8 && src.minPixelValue >= 0 ? modalityRange(src, 0, 2 ** src.bitsStored - 1) : modalityRange(src, src.minPixelValue, src.maxPixelValue);
  return { center: (lo + hi) / 2, width: Math.max(1, hi - lo), source: src.bitsStored <= 8 ? 'bit depth' : 'min–max' };
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

export function presetWindow(preset: Preset, src: WindowSource): Window {
  const base = defaultWindow(src);
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
