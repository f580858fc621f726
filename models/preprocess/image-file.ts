// Reading PNG and JPEG files into 8-bit rasters. Alpha is dropped without compositing, as PIL's convert("RGB") in the
// reference processor does; 16-bit PNG samples are scaled to 8 bits by pngjs.
import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { collapseGrey, type Raster8 } from './raster';

export class ImageReadError extends Error {
  override name = 'ImageReadError';
}

/** Images larger than this are refused before decoding (a chest film scanned at 10 lp/mm is ~4300×3500). */
const MAX_MEGAPIXELS = 100;

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47];
const JPEG_MAGIC = [0xff, 0xd8, 0xff];

const startsWith = (bytes: Uint8Array, magic: number[]): boolean => magic.every((b, i) => bytes[i] === b);

export type ImageFormat = 'png' | 'jpeg';

/** The image format from the file's first bytes, or null when it is neither PNG nor JPEG. */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | null {
  if (startsWith(bytes, PNG_MAGIC)) return 'png';
  if (startsWith(bytes, JPEG_MAGIC)) return 'jpeg';
  return null;
}

function rgbaToRaster(width: number, height: number, rgba: Uint8Array): Raster8 {
  const n = width * height;
  const rgb = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    rgb[i * 3] = rgba[i * 4];
    rgb[i * 3 + 1] = rgba[i * 4 + 1];
    rgb[i * 3 + 2] = rgba[i * 4 + 2];
  }
  return collapseGrey({ width, height, channels: 3, data: rgb });
}

export function decodePng(bytes: Uint8Array, name = 'PNG image'): Raster8 {
  let png: PNG;
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    throw new ImageReadError(`${name} is not a readable PNG: ${(error as Error).message}`, { cause: error });
  }
  if (png.width * png.height > MAX_MEGAPIXELS * 1e6) {
    throw new ImageReadError(`${name} is ${png.width}×${png.height}, larger than the ${MAX_MEGAPIXELS} megapixels accepted`);
  }
  return rgbaToRaster(png.width, png.height, png.data);
}

export function decodeJpeg(bytes: Uint8Array, name = 'JPEG image'): Raster8 {
  let decoded: { width: number; height: number; data: Uint8Array };
  try {
    decoded = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_MEGAPIXELS, maxMemoryUsageInMB: 2048 });
  } catch (error) {
    throw new ImageReadError(`${name} is not a readable JPEG: ${(error as Error).message}`, { cause: error });
  }
  return rgbaToRaster(decoded.width, decoded.height, decoded.data);
}

/** Decodes PNG or JPEG bytes, chosen by content, not by file name. */
export function decodeImage(bytes: Uint8Array, name = 'image'): Raster8 {
  switch (sniffImageFormat(bytes)) {
    case 'png':
      return decodePng(bytes, name);
    case 'jpeg':
      return decodeJpeg(bytes, name);
    default:
      throw new ImageReadError(`${name} is neither a PNG nor a JPEG image`);
  }
}

export function readImageFile(path: string): Raster8 {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new ImageReadError(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  return decodeImage(bytes, path);
}
