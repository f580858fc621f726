import { describe, expect, it } from 'vitest';
import { cardiothoracicRatio, ctrSentence, describeShape, measureAngle, measureLength, spacingNote } from '../../renderer/src/lib/viewer/measure';

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

describe('angle and cardiothoracic ratio', () => {
  it('measures the angle at the vertex in the patient’s geometry', () => {
    expect(measureAngle({ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 10, y: -10 }, null)).toBeCloseTo(90);
    expect(measureAngle({ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 20, y: 0 }, null)).toBeCloseTo(180);
    // 45° in pixels, but rows twice as far apart as columns: atan(2) in the patient.
    expect(measureAngle({ x: 10, y: 0 }, { x: 0, y: 0 }, { x: 10, y: 10 }, [0.2, 0.1])).toBeCloseTo((Math.atan(2) * 180) / Math.PI);
    expect(measureAngle({ x: 0, y: 0 }, { x: 0, y: 0 }, { x: 1, y: 1 }, null)).toBe(0);
  });

  it('divides the widest cardiac span by the widest inner thoracic span, and writes the Findings sentence', () => {
    expect(cardiothoracicRatio([{ x: 100, y: 50 }, { x: 250, y: 50 }], [{ x: 400, y: 80 }, { x: 100, y: 80 }])).toBeCloseTo(0.5);
    expect(cardiothoracicRatio([{ x: 0, y: 0 }, { x: 10, y: 0 }], [{ x: 5, y: 0 }, { x: 5, y: 9 }])).toBeNull();
    expect(ctrSentence(0.4816)).toBe('Cardiothoracic ratio 0.48.');
  });

  it('says what each measurement rests on: calibrated, at the detector, in pixels, or a ratio', () => {
    const length = { kind: 'length', points: [{ x: 0, y: 0 }, { x: 100, y: 0 }] } as const;
    expect(describeShape(length, [0.15, 0.15], 'PixelSpacing')).toMatchObject({ label: '15.0 mm', calibration: 'mm' });
    expect(describeShape(length, [0.15, 0.15], 'ImagerPixelSpacing')).toMatchObject({ label: '15.0 mm (detector)', calibration: 'detector' });
    expect(describeShape(length, null, 'none')).toMatchObject({ label: '100 px', calibration: 'px' });
    const angle = { kind: 'angle', points: [{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 10, y: 10 }] } as const;
    expect(describeShape(angle, null, 'none').label).toBe('90°');
    const ctr = { kind: 'ctr', points: [{ x: 0, y: 5 }, { x: 48, y: 5 }, { x: 0, y: 9 }, { x: 100, y: 9 }] } as const;
    expect(describeShape(ctr, [0.1, 0.1], 'ImagerPixelSpacing')).toMatchObject({ label: 'CTR 0.48', calibration: 'none', ratio: 0.48 });
  });
});
