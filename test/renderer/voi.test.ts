import { describe, expect, it } from 'vitest';
import { defaultVoi, renderGray8 } from '../../app/imaging/gray8';
import {
  cornerstoneVoiLut,
  defaultWindow,
  describeVoi,
  dragWindow,
  equivalentWindow,
  fileVoiOptions,
  formatWindow,
  presetWindow,
  selectionVoi,
  type VoiChoice,
  type WindowSource,
} from '../../renderer/src/lib/viewer/voi';

const cr: WindowSource = {
  windows: [{ center: 550, width: 1024 }],
  minPixelValue: 0,
  maxPixelValue: 979,
  rescaleSlope: 1,
  rescaleIntercept: 0,
  bitsStored: 10,
  photometricInterpretation: 'MONOCHROME1',
  modality: 'CR',
};

describe('window choices', () => {
  it('opens with the header window when there is one', () => {
    expect(defaultWindow(cr)).toEqual({ center: 550, width: 1024, source: 'header' });
  });

  it('falls back to the bit depth for 8-bit and to min–max (after rescale) for deeper images', () => {
    const eight = { ...cr, windows: [], bitsStored: 8, minPixelValue: 3, maxPixelValue: 200 };
    expect(defaultWindow(eight)).toEqual({ center: 127.5, width: 255, source: 'bit depth' });
    const twelve = { ...cr, windows: [], bitsStored: 12, minPixelValue: 100, maxPixelValue: 4000, rescaleSlope: 2, rescaleIntercept: -1000 };
    expect(defaultWindow(twelve)).toEqual({ center: (-800 + 7000) / 2, width: 7800, source: 'min–max' });
  });

  it('ignores a zero-width header window', () => {
    expect(defaultWindow({ ...cr, windows: [{ center: 10, width: 0 }] }).source).toBe('min–max');
  });

  it('uses Hounsfield presets for CT', () => {
    expect(presetWindow('lung', { ...cr, modality: 'CT' })).toEqual({ center: -600, width: 1500 });
  });

  it('places radiograph presets on the displayed brightness, mirrored for MONOCHROME1', () => {
    const mono2 = { ...cr, photometricInterpretation: 'MONOCHROME2' };
    const lo = 550 - 512;
    // Lung spreads the darkest 60 %: low stored values for MONOCHROME2, high ones for MONOCHROME1.
    expect(presetWindow('lung', mono2)).toEqual({ center: lo + 0.3 * 1024, width: 0.6 * 1024 });
    const lung1 = presetWindow('lung', cr);
    expect(lung1.width).toBeCloseTo(0.6 * 1024);
    expect(lung1.center).toBeCloseTo(lo + 0.7 * 1024);
    expect(presetWindow('bone', cr).center).toBeLessThan(presetWindow('lung', cr).center);
    expect(presetWindow('header', cr)).toEqual({ center: 550, width: 1024 });
  });

  it('drags width with x and level with y, scaled to the image range, never below width 1', () => {
    expect(dragWindow({ center: 100, width: 200 }, 512, 256, 1024)).toEqual({ center: 612, width: 1224 });
    expect(dragWindow({ center: 100, width: 200 }, -10_000, 0, 1024).width).toBe(1);
  });

  it('formats for the overlay', () => {
    expect(formatWindow({ center: 550, width: 1024 })).toBe('W 1024 / L 550');
    expect(formatWindow({ center: 0.25, width: 2.5 })).toBe('W 2.5 / L 0.3');
  });
});

describe('the viewer shows what the model view shows (issue 10, item 8)', () => {
  // A 12-bit MONOCHROME1 CR with a Modality LUT Sequence (log-like), two windows with explanations, SIGMOID, and a
  // VOI LUT Sequence item: every step of PS3.3 C.11 at once.
  const modalityLut = { firstMapped: 0, bitsPerEntry: 16, data: Array.from({ length: 4096 }, (_, i) => Math.round(1000 * Math.log1p(i))) };
  const voiLut = { firstMapped: 2000, bitsPerEntry: 8, data: Array.from({ length: 6400 }, (_, i) => Math.round(255 * Math.sqrt(i / 6399))), explanation: 'GAMMA' };
  const src: WindowSource = {
    windows: [
      { center: 6000, width: 3000, explanation: 'SOFT' },
      { center: 5000, width: 6000, explanation: 'WIDE' },
    ],
    voiLutFunction: 'SIGMOID',
    modalityLut,
    voiLuts: [voiLut],
    minPixelValue: 3,
    maxPixelValue: 4000,
    rescaleSlope: 1,
    rescaleIntercept: 0,
    bitsStored: 12,
    photometricInterpretation: 'MONOCHROME1',
    modality: 'CR',
  };
  const values = Uint16Array.from({ length: 997 }, (_, i) => 3 + i * 4);
  const frame = { ...src, width: values.length, height: 1, values };
  const shown = (choice: VoiChoice) => {
    const { lut, firstValueMapped } = cornerstoneVoiLut(src, choice);
    return Array.from(values, (v) => lut[v - firstValueMapped]);
  };

  it('by default: the VOI LUT Sequence over the Modality LUT Sequence, inverted for MONOCHROME1, equal to renderGray8', () => {
    const model = renderGray8(frame);
    expect(model.voi).toBe('voi-lut-sequence');
    expect(shown(defaultVoi(src))).toEqual(Array.from(model.data));
  });

  it('each of the file\'s windows, with its SIGMOID function, equals the model view given that window', () => {
    for (const w of src.windows) {
      const model = renderGray8({ ...frame, voiLuts: [], windows: [w] });
      expect(shown({ kind: 'window', center: w.center, width: w.width })).toEqual(Array.from(model.data));
    }
  });

  it('min–max as the model view computes it', () => {
    const plain = { ...src, windows: [], voiLuts: [], modalityLut: null };
    expect(defaultVoi(plain)).toEqual({ kind: 'min-max' });
    // The stretch spans the values present (3 … 3987), as image-loader measures them.
    const { lut, firstValueMapped } = cornerstoneVoiLut(plain, { kind: 'min-max' }, { lo: 3, hi: values[values.length - 1] });
    expect(Array.from(values, (v) => lut[v - firstValueMapped])).toEqual(Array.from(renderGray8({ ...frame, ...plain }).data));
    // The extra last entry keeps cornerstone's entry-size guess at 8 bits; no stored value reaches it.
    expect(lut[lut.length - 1]).toBe(255);
    expect(lut).toHaveLength(4000 - 3 + 2);
  });

  it('offers the file\'s windows and VOI LUTs by their explanations', () => {
    expect(fileVoiOptions(src).map((o) => o.label)).toEqual(['File window 1: SOFT (W 3000 / L 6000)', 'File window 2: WIDE (W 6000 / L 5000)', 'File VOI LUT 1: GAMMA']);
    expect(selectionVoi('file:1', src)).toEqual({ kind: 'window', center: 5000, width: 6000 });
    expect(selectionVoi('file:2', src)).toEqual({ kind: 'lut', index: 0 });
    expect(selectionVoi('header', src)).toEqual({ kind: 'lut', index: 0 });
    expect(describeVoi(src, { kind: 'lut', index: 0 })).toBe('VOI LUT: GAMMA');
  });

  it('opens a VOI LUT file at the window its table covers, and drags from there', () => {
    expect(defaultWindow(src)).toEqual({ center: 2000 + 6399 / 2, width: 6399, source: 'VOI LUT' });
    expect(equivalentWindow(src, { kind: 'identity' })).toEqual({ center: 2047.5, width: 4095 });
  });

  it('uses the Modality LUT, not slope/intercept, for the min–max range and the presets', () => {
    const plain = { ...src, windows: [], voiLuts: [] };
    const w = defaultWindow(plain);
    expect(w.source).toBe('min–max');
    expect(w.center - w.width / 2).toBe(modalityLut.data[3]);
    expect(w.center + w.width / 2).toBe(modalityLut.data[4000]);
  });
});
