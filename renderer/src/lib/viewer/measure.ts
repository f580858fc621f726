// Length measurement. PS3.3 C.7.6.2.1.1: Pixel Spacing is in the patient; C.8.11.4: Imager Pixel Spacing is at the
// detector, so for a projection radiograph it overstates anatomy by the geometric magnification (PS3.3 10.7.1.3).

export type SpacingSource = 'PixelSpacing' | 'ImagerPixelSpacing' | 'none';

export interface Point {
  x: number;
  y: number;
}

export interface Length {
  value: number;
  unit: 'mm' | 'px';
  /** Short text drawn next to the line. */
  label: string;
  /** Why the number means what it means. */
  basis: string;
}

/** `spacing` is [row spacing, column spacing] in mm (the DICOM order). */
export function measureLength(a: Point, b: Point, spacing: readonly [number, number] | null, source: SpacingSource): Length {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  if (!spacing || source === 'none' || !(spacing[0] > 0 && spacing[1] > 0)) {
    const px = Math.hypot(dx, dy);
    return { value: px, unit: 'px', label: `${px.toFixed(0)} px`, basis: 'No pixel spacing in the file: length in image pixels' };
  }
  const mm = Math.hypot(dx * spacing[1], dy * spacing[0]);
  const basis =
    source === 'PixelSpacing'
      ? 'Pixel Spacing (0028,0030): calibrated in the patient'
      : 'Imager Pixel Spacing (0018,1164): measured at the detector, not corrected for magnification';
  return { value: mm, unit: 'mm', label: `${mm.toFixed(1)} mm`, basis };
}

export function spacingNote(source: SpacingSource): string {
  switch (source) {
    case 'PixelSpacing':
      return 'mm via Pixel Spacing';
    case 'ImagerPixelSpacing':
      return 'mm via Imager Pixel Spacing (at detector)';
    case 'none':
      return 'No pixel spacing: lengths in px';
  }
}

/** The point in millimetres (or pixels without spacing): x by the column spacing, y by the row spacing. */
function scaled(p: Point, spacing: readonly [number, number] | null): Point {
  return spacing && spacing[0] > 0 && spacing[1] > 0 ? { x: p.x * spacing[1], y: p.y * spacing[0] } : p;
}

/** The angle at `vertex` between the arms to `a` and `c`, in degrees (0–180), in the patient's geometry. */
export function measureAngle(a: Point, vertex: Point, c: Point, spacing: readonly [number, number] | null): number {
  const [pa, pv, pc] = [a, vertex, c].map((p) => scaled(p, spacing));
  const u = { x: pa.x - pv.x, y: pa.y - pv.y };
  const v = { x: pc.x - pv.x, y: pc.y - pv.y };
  const norms = Math.hypot(u.x, u.y) * Math.hypot(v.x, v.y);
  if (norms === 0) return 0;
  const cos = Math.max(-1, Math.min(1, (u.x * v.x + u.y * v.y) / norms));
  return (Math.acos(cos) * 180) / Math.PI;
}

/**
 * The cardiothoracic ratio: the heart's widest horizontal diameter over the thorax's widest inner diameter. Both
 * spans are horizontal, so the ratio is the same in pixels and in millimetres; it needs no calibration.
 */
export function cardiothoracicRatio(cardiac: readonly [Point, Point], thoracic: readonly [Point, Point]): number | null {
  const heart = Math.abs(cardiac[1].x - cardiac[0].x);
  const chest = Math.abs(thoracic[1].x - thoracic[0].x);
  return chest > 0 ? heart / chest : null;
}

/** The sentence the CTR tool's Insert writes into Findings: "Cardiothoracic ratio 0.48." */
export function ctrSentence(ratio: number): string {
  return `Cardiothoracic ratio ${ratio.toFixed(2)}.`;
}

export type Shape =
  | { kind: 'length'; points: readonly [Point, Point] }
  | { kind: 'angle'; points: readonly [Point, Point, Point] }
  | { kind: 'ctr'; points: readonly [Point, Point, Point, Point] };

export interface Described {
  /** What is drawn beside it: "84.2 mm", "37°", "CTR 0.48". */
  label: string;
  /** What its number rests on, in words. */
  basis: string;
  /** 'mm' calibrated in the patient, 'detector' mm at the detector, 'px' image pixels, 'none' a unitless number. */
  calibration: 'mm' | 'detector' | 'px' | 'none';
  /** The CTR's ratio, for Insert. */
  ratio?: number;
}

/** A measurement's number and what it rests on (PS3.3 10.7.1.3: Pixel Spacing vs Imager Pixel Spacing). */
export function describeShape(shape: Shape, spacing: readonly [number, number] | null, source: SpacingSource): Described {
  switch (shape.kind) {
    case 'length': {
      const l = measureLength(shape.points[0], shape.points[1], spacing, source);
      const calibration = l.unit === 'px' ? 'px' : source === 'PixelSpacing' ? 'mm' : 'detector';
      return { label: calibration === 'detector' ? `${l.label} (detector)` : l.label, basis: l.basis, calibration };
    }
    case 'angle': {
      const usable = spacing && source !== 'none' ? spacing : null;
      const deg = measureAngle(shape.points[0], shape.points[1], shape.points[2], usable);
      return {
        label: `${deg.toFixed(0)}°`,
        basis: usable ? 'Angle in the patient’s geometry (pixel spacing applied to each axis)' : 'Angle in image pixels (no pixel spacing)',
        calibration: 'none',
      };
    }
    case 'ctr': {
      const [a, b, c, d] = shape.points;
      const ratio = cardiothoracicRatio([a, b], [c, d]);
      return {
        label: ratio === null ? 'CTR —' : `CTR ${ratio.toFixed(2)}`,
        basis: 'Cardiothoracic ratio: widest cardiac over widest inner thoracic diameter (a ratio: needs no calibration)',
        calibration: 'none',
        ...(ratio === null ? {} : { ratio }),
      };
    }
  }
}
