/** An 8-bit image, pixel-interleaved: 1 channel (grey) or 3 (RGB). */
export interface Raster8 {
  width: number;
  height: number;
  channels: 1 | 3;
  data: Uint8Array;
}

/** Collapses an RGB raster whose three channels are equal everywhere (grey saved as RGB) to one channel. */
export function collapseGrey(image: Raster8): Raster8 {
  if (image.channels === 1) return image;
  const { data } = image;
  const n = image.width * image.height;
  for (let i = 0; i < n; i++) {
    const p = i * 3;
    if (data[p] !== data[p + 1] || data[p] !== data[p + 2]) return image;
  }
  const grey = new Uint8Array(n);
  for (let i = 0; i < n; i++) grey[i] = data[i * 3];
  return { width: image.width, height: image.height, channels: 1, data: grey };
}

/** Plane `c` of an interleaved raster. */
export function channelPlane(image: Raster8, c: number): Uint8Array {
  if (image.channels === 1) return image.data;
  const n = image.width * image.height;
  const plane = new Uint8Array(n);
  for (let i = 0; i < n; i++) plane[i] = image.data[i * image.channels + c];
  return plane;
}
