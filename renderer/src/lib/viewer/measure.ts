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
