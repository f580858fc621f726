// Data element tags the engine finds by tag rather than reads as values (PS3.6 Table 6-1), in dicom-parser's form.

/** Pixel Data (7FE0,0010). */
export const PIXEL_DATA_TAG = 'x7fe00010';
