// Measurements drawn on an image, kept per image (SOP Instance UID) so they are there again when the image is shown
// again, in this session or the next. Points are image pixel coordinates (column x, row y, from the top-left pixel's
// corner, as cornerstone's pixel coordinates): the numbers they make depend on the image's spacing, computed when
// shown, never stored.
import { z } from 'zod';

const Coordinate = z.number().finite().min(-100_000).max(100_000);
export const ImagePoint = z.object({ x: Coordinate, y: Coordinate });
export type ImagePoint = z.infer<typeof ImagePoint>;

/**
 * - length: two end points;
 * - angle: an arm's end, the vertex, the other arm's end;
 * - ctr: the cardiothoracic ratio's two horizontal spans: the heart's widest (two points), then the thorax's
 *   widest inner diameter (two points).
 */
export const MeasurementShape = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('length'), points: z.tuple([ImagePoint, ImagePoint]) }),
  z.object({ kind: z.literal('angle'), points: z.tuple([ImagePoint, ImagePoint, ImagePoint]) }),
  z.object({ kind: z.literal('ctr'), points: z.tuple([ImagePoint, ImagePoint, ImagePoint, ImagePoint]) }),
]);
export type MeasurementShape = z.infer<typeof MeasurementShape>;
export type MeasurementKind = MeasurementShape['kind'];

export const Measurement = z.object({
  id: z.number().int(),
  sopInstanceUid: z.string(),
  createdAt: z.string(),
  shape: MeasurementShape,
});
export type Measurement = z.infer<typeof Measurement>;

/** The version of a stored measurement's shape (its JSON in the database); older versions are migrated on reading. */
export const MEASUREMENT_FORMAT_VERSION = 1;
