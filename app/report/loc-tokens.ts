// PaliGemma detection output: per object four `<locYYYY>` tokens (y0, x0, y1, x1, each in 1024 bins over the model
// input) followed by the label, objects separated by " ; ". Segmentation outputs add `<segNNN>` tokens after the
// four locations; they are skipped here. The model input is the whole image squeezed to S×S, so a bin maps back to
// original pixels by the image's own rows and columns, not by S.
import type { Box } from '../domain/model';

export const LOC_BINS = 1024;

export interface ImageExtent {
  rows: number;
  columns: number;
}

const LOC_QUAD = /<loc(\d{4})>\s*<loc(\d{4})>\s*<loc(\d{4})>\s*<loc(\d{4})>((?:\s*<seg\d{3}>)*)([^;<]*)/g;

function toPixels(bin: number, extent: number): number {
  return Math.min(Math.max(bin, 0), LOC_BINS) / LOC_BINS * extent;
}

/**
 * Boxes named in model text, in original image pixels (y down, x right, origin top-left; y1/x1 exclusive edges).
 * Incomplete quadruples (text still streaming, or a malformed answer) yield no box; corners are ordered so that
 * y0 ≤ y1 and x0 ≤ x1.
 */
export function parseLocBoxes(text: string, image: ImageExtent): Box[] {
  const boxes: Box[] = [];
  for (const m of text.matchAll(LOC_QUAD)) {
    const [ya, xa, yb, xb] = [m[1], m[2], m[3], m[4]].map(Number);
    boxes.push({
      label: m[6].trim(),
      y0: toPixels(Math.min(ya, yb), image.rows),
      x0: toPixels(Math.min(xa, xb), image.columns),
      y1: toPixels(Math.max(ya, yb), image.rows),
      x1: toPixels(Math.max(xa, xb), image.columns),
    });
  }
  return boxes;
}

/** Model text with location and segmentation tokens removed, for showing a detection answer as prose. */
export function stripLocTokens(text: string): string {
  return text.replace(/<(?:loc\d{4}|seg\d{3})>/g, '').replace(/\s+;\s+/g, '; ').trim();
}
