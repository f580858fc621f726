// PS3.3 C.11.1 (Modality LUT) and C.11.2 (VOI LUT) maths, checked against hand-computed values.
import { describe, expect, it } from 'vitest';
import { renderGray8, type GreyFrame } from '../../../app/imaging/gray8';
import { applyLutTable } from '../../../app/imaging/lut';
import { modalityFunction } from '../../../app/imaging/modality-lut';
import { parseVoiLutFunction, voiTableFunction, windowFunction } from '../../../app/imaging/voi-lut';

describe('window functions', () => {
  it('LINEAR follows C.11.2.1.2.1 (c − 0.5, w − 1)', () => {
    const f = windowFunction(100, 50, 'LINEAR', 255);
    expect(f(75)).toBe(0); // x ≤ c − 0.5 − (w − 1)/2
    expect(f(75.01)).toBeGreaterThan(0);
    expect(f(99.5)).toBeCloseTo(127.5, 10);
    expect(f(124)).toBeCloseTo(255, 10); // top of the ramp
    expect(f(124.01)).toBe(255);
    expect(f(100)).toBeCloseTo(((100 - 99.5) / 49 + 0.5) * 255, 10);
  });

  it('LINEAR with width 1 is a step at c − 0.5', () => {
    const f = windowFunction(10, 1, 'LINEAR', 255);
    expect(f(9.5)).toBe(0);
    expect(f(9.6)).toBe(255);
  });

  it('LINEAR_EXACT follows C.11.2.1.3.2 (no half-pixel offsets)', () => {
    const f = windowFunction(100, 50, 'LINEAR_EXACT', 255);
    expect(f(75)).toBe(0);
    expect(f(100)).toBeCloseTo(127.5, 10);
    expect(f(125)).toBeCloseTo(255, 10);
    expect(f(112.5)).toBeCloseTo(191.25, 10);
  });

  it('SIGMOID follows C.11.2.1.3.1', () => {
    const f = windowFunction(100, 40, 'SIGMOID', 255);
    expect(f(100)).toBeCloseTo(127.5, 10);
    expect(f(110)).toBeCloseTo(255 / (1 + Math.exp(-1)), 10);
    expect(f(-1e6)).toBeCloseTo(0, 10);
  });

  it('parses VOI LUT Function values, defaulting to LINEAR', () => {
    expect(parseVoiLutFunction('sigmoid ')).toBe('SIGMOID');
    expect(parseVoiLutFunction('LINEAR_EXACT')).toBe('LINEAR_EXACT');
    expect(parseVoiLutFunction('')).toBe('LINEAR');
    expect(parseVoiLutFunction('BOGUS')).toBe('LINEAR');
  });
});

describe('LUT tables', () => {
  const lut = { firstMapped: 10, bitsPerEntry: 12, data: [0, 1000, 4095] };
  it('clamps below the first and above the last entry (C.11.1.1.1)', () => {
    expect(applyLutTable(lut, 5)).toBe(0);
    expect(applyLutTable(lut, 11)).toBe(1000);
    expect(applyLutTable(lut, 500)).toBe(4095);
  });
  it('VOI LUT output is scaled from the entry range to the display range', () => {
    expect(voiTableFunction(lut, 255)(11)).toBeCloseTo((1000 / 4095) * 255, 10);
    expect(voiTableFunction(lut, 255)(99)).toBe(255);
  });
  it('Modality LUT Sequence replaces slope/intercept; otherwise slope·x + intercept', () => {
    expect(modalityFunction({ rescaleSlope: 2, rescaleIntercept: -1024, modalityLut: lut })(11)).toBe(1000);
    expect(modalityFunction({ rescaleSlope: 2, rescaleIntercept: -1024 })(1000)).toBe(976);
    expect(modalityFunction({ rescaleSlope: 0, rescaleIntercept: 0 })(7)).toBe(7); // slope 0 is invalid: identity
  });
});

function frame(values: number[], extra: Partial<GreyFrame> = {}): GreyFrame {
  return {
    width: values.length,
    height: 1,
    values,
    bitsStored: 12,
    photometricInterpretation: 'MONOCHROME2',
    rescaleSlope: 1,
    rescaleIntercept: 0,
    windows: [],
    ...extra,
  };
}

describe('renderGray8 pipeline', () => {
  it('min–max for more than 8 bits without a window', () => {
    const v = renderGray8(frame([100, 150, 200]));
    expect([...v.data]).toEqual([0, 128, 255]); // 127.5 rounds up
    expect(v.voi).toBe('min-max');
    expect(v.window).toBeNull();
  });

  it('identity for 8 bits or fewer without a window', () => {
    expect([...renderGray8(frame([3, 77, 250], { bitsStored: 8 })).data]).toEqual([3, 77, 250]);
  });

  it('applies slope/intercept before the window and inverts MONOCHROME1 after it', () => {
    const windows = [{ center: 0, width: 101 }, { center: 5000, width: 10 }];
    const mono2 = renderGray8(frame([0, 1024, 2048], { rescaleIntercept: -1024, windows }));
    // 1024 − 1024 = 0 → ((0 − (0 − 0.5)) / 100 + 0.5) · 255 = 128.775
    expect([...mono2.data]).toEqual([0, 129, 255]);
    expect(mono2.window).toEqual({ center: 0, width: 101 }); // the first pair
    const mono1 = renderGray8(frame([0, 1024, 2048], { rescaleIntercept: -1024, windows, photometricInterpretation: 'MONOCHROME1' }));
    expect([...mono1.data]).toEqual([255, 126, 0]); // 255 − 128.775, rounded after inversion
  });

  it('honours LINEAR_EXACT and SIGMOID from the header', () => {
    const windows = [{ center: 100, width: 50 }];
    expect([...renderGray8(frame([112.5, 100], { windows, voiLutFunction: 'LINEAR_EXACT' })).data]).toEqual([191, 128]);
    expect([...renderGray8(frame([110], { windows: [{ center: 100, width: 40 }], voiLutFunction: 'SIGMOID' })).data]).toEqual([
      Math.round(255 / (1 + Math.exp(-1))),
    ]);
  });

  it('prefers a VOI LUT Sequence over the window', () => {
    const v = renderGray8(frame([10, 11, 12], { windows: [{ center: 0, width: 1 }], voiLuts: [{ firstMapped: 10, bitsPerEntry: 8, data: [0, 100, 255] }] }));
    expect([...v.data]).toEqual([0, 100, 255]);
    expect(v.voi).toBe('voi-lut-sequence');
  });

  it('works on signed values and non-integer data (no lookup table)', () => {
    expect([...renderGray8(frame([-1000, 0, 1000])).data]).toEqual([0, 128, 255]);
    expect([...renderGray8(frame([0.25, 0.5, 0.75], { bitsStored: 16 })).data]).toEqual([0, 128, 255]);
  });

  it('a flat image renders black rather than dividing by zero', () => {
    expect([...renderGray8(frame([7, 7, 7])).data]).toEqual([0, 0, 0]);
  });
});
