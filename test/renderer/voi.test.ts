import { describe, expect, it } from 'vitest';
import { defaultWindow, dragWindow, formatWindow, presetWindow, type WindowSource } from '../../renderer/src/lib/viewer/voi';

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
