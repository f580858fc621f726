/** The drag data type of a thumbnail dragged onto a viewport: its value is the image id. */
export const THUMBNAIL_DRAG_TYPE = 'application/x-radraft-image';
