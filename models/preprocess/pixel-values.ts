// The model input: SiglipImageProcessor's rescale (1/255) and normalise (mean 0.5, std 0.5), i.e. x / 127.5 − 1,
// laid out NCHW float32 1×3×S×S. Grey images fill all three channels with the same plane (convert("RGB")).
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { resizeGray8 } from './resize';
import { channelPlane, type Raster8 } from './raster';
import { decodeImage, ImageReadError } from './image-file';

export class PixelValuesError extends Error {
  override name = 'PixelValuesError';
}

function normalise(value: number): number {
  return value / 127.5 - 1;
}

/** Pixel values from a grey size×size image: the three channels equal. */
export function toPixelValues(gray8: Uint8Array, size: number): Float32Array {
  if (gray8.length !== size * size) {
    throw new PixelValuesError(`a ${size}×${size} grey image has ${size * size} pixels, got ${gray8.length}`);
  }
  const plane = size * size;
  const out = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) out[i] = normalise(gray8[i]);
  out.copyWithin(plane, 0, plane);
  out.copyWithin(2 * plane, 0, plane);
  return out;
}

/** Pixel values from a raster already at size×size (grey or RGB). */
export function rasterToPixelValues(image: Raster8, size: number): Float32Array {
  if (image.width !== size || image.height !== size) {
    throw new PixelValuesError(`the image is ${image.width}×${image.height} but the model takes ${size}×${size}`);
  }
  if (image.channels === 1) return toPixelValues(image.data, size);
  const plane = size * size;
  const out = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < plane; i++) out[c * plane + i] = normalise(image.data[i * 3 + c]);
  }
  return out;
}

/** Resizes any raster to size×size (whole image, aspect not kept, as the reference does) and normalises it. */
export function preprocessRaster(image: Raster8, size: number): Float32Array {
  if (image.channels === 1) return toPixelValues(resizeGray8(image.data, image.width, image.height, size, size), size);
  const plane = size * size;
  const out = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    const resized = resizeGray8(channelPlane(image, c), image.width, image.height, size, size);
    for (let i = 0; i < plane; i++) out[c * plane + i] = normalise(resized[i]);
  }
  return out;
}

/** Raw little-endian float32 NCHW 1×3×size×size, as pixel_values.f32 in the golden data. */
export function parseF32PixelValues(bytes: Uint8Array, size: number, name = 'pixel values'): Float32Array {
  const expected = 3 * size * size * 4;
  if (bytes.byteLength !== expected) {
    throw new PixelValuesError(`${name} has ${bytes.byteLength} bytes; a 1×3×${size}×${size} float32 tensor has ${expected}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(3 * size * size);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/**
 * Reads a ready model input (`--pixel-values`): a `.f32` raw tensor, or an 8-bit grey/RGB PNG (or JPEG) already at
 * size×size whose values become value / 127.5 − 1.
 */
export function readPixelValuesFile(path: string, size: number): Float32Array {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new PixelValuesError(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  if (extname(path).toLowerCase() === '.f32') return parseF32PixelValues(bytes, size, path);
  try {
    return rasterToPixelValues(decodeImage(bytes, path), size);
  } catch (error) {
    if (error instanceof ImageReadError) {
      throw new PixelValuesError(`${error.message} (pixel values are a .f32 tensor or a ${size}×${size} PNG)`, { cause: error });
    }
    throw error;
  }
}
