import { describe, expect, it } from 'vitest';
import { measureLength, spacingNote } from '../../renderer/src/lib/viewer/measure';

describe('length measurement', () => {
  it('uses row spacing for y and column spacing for x (DICOM order [row, column])', () => {
    const l = measureLength({ x: 0, y: 0 }, { x: 30, y: 40 }, [0.2, 0.1], 'PixelSpacing');
    expect(l.unit).toBe('mm');
    expect(l.value).toBeCloseTo(Math.hypot(30 * 0.1, 40 * 0.2));
    expect(l.label).toBe('8.5 mm');
    expect(l.basis).toMatch(/Pixel Spacing \(0028,0030\)/);
  });

  it('says when the spacing is at the detector', () => {
    const l = measureLength({ x: 0, y: 0 }, { x: 100, y: 0 }, [0.15, 0.15], 'ImagerPixelSpacing');
    expect(l.label).toBe('15.0 mm');
    expect(l.basis).toMatch(/Imager Pixel Spacing.*magnification/);
  });

  it('measures in pixels and says so when the file has no spacing', () => {
    const l = measureLength({ x: 0, y: 0 }, { x: 3, y: 4 }, null, 'none');
    expect(l).toMatchObject({ value: 5, unit: 'px', label: '5 px' });
    expect(l.basis).toMatch(/No pixel spacing/);
    expect(measureLength({ x: 0, y: 0 }, { x: 3, y: 4 }, [0, 0], 'PixelSpacing').unit).toBe('px');
    expect(spacingNote('none')).toMatch(/px/);
  });
});
