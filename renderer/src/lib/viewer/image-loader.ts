// cornerstone image loader for the `radraft:` scheme: pixels come decoded from main (image:load), never decoded here.
// The stored values go to cornerstone untouched; it applies the Modality LUT (slope/intercept, PS3.3 C.11.1) and the
// VOI window (C.11.2) through its LUT, and MONOCHROME1 (C.7.6.3.1.2) is shown inverted so bone stays white.
import * as cornerstone from 'cornerstone-core';
import type { CornerstoneImage, PixelArray } from 'cornerstone-core';
import type { ImagePixels } from '../../../../app/domain/study';
import { api } from '../api';
import { defaultWindow } from './voi';

export const SCHEME = 'radraft';

export function toCornerstoneId(imageId: string): string {
  return `${SCHEME}:${imageId}`;
}

export function fromCornerstoneId(csId: string): string {
  return csId.startsWith(`${SCHEME}:`) ? csId.slice(SCHEME.length + 1) : csId;
}

/** Loaded headers by image id, for overlays and measurement (cornerstone's image has no DICOM header). */
const headers = new Map<string, Omit<ImagePixels, 'pixels'>>();

export function headerOf(imageId: string): Omit<ImagePixels, 'pixels'> | undefined {
  return headers.get(imageId);
}

export class PixelFormatError extends Error {
  override name = 'PixelFormatError';
}

/** Reinterprets little-endian bytes as samples, copying only when the bytes are not aligned. */
export function samplesOf(px: Pick<ImagePixels, 'dtype' | 'pixels' | 'rows' | 'columns'>): PixelArray {
  const bytes = px.pixels;
  const count = px.rows * px.columns;
  const size = px.dtype === 'uint8' || px.dtype === 'int8' ? 1 : 2;
  if (bytes.byteLength < count * size) {
    throw new PixelFormatError(`The image has ${bytes.byteLength} bytes of pixel data but ${px.rows}×${px.columns} ${px.dtype} needs ${count * size}.`);
  }
  const aligned = bytes.byteOffset % size === 0 ? bytes : bytes.slice();
  switch (px.dtype) {
    case 'uint8':
      return new Uint8Array(aligned.buffer, aligned.byteOffset, count);
    case 'int8':
      return new Int8Array(aligned.buffer, aligned.byteOffset, count);
    case 'uint16':
      return new Uint16Array(aligned.buffer, aligned.byteOffset, count);
    case 'int16':
      return new Int16Array(aligned.buffer, aligned.byteOffset, count);
  }
}

function minMax(samples: PixelArray): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return samples.length ? [lo, hi] : [0, 0];
}

export function toCornerstoneImage(csId: string, px: ImagePixels): CornerstoneImage {
  const samples = samplesOf(px);
  // cornerstone sizes its LUT from min/max; take them from the samples so a wrong header cannot index past it.
  const [lo, hi] = minMax(samples);
  const win = defaultWindow({ ...px, minPixelValue: lo, maxPixelValue: hi });
  const spacing = px.pixelSpacing;
  return {
    imageId: csId,
    minPixelValue: lo,
    maxPixelValue: hi,
    slope: px.rescaleSlope || 1,
    intercept: px.rescaleIntercept,
    windowCenter: win.center,
    windowWidth: win.width,
    getPixelData: () => samples,
    rows: px.rows,
    columns: px.columns,
    height: px.rows,
    width: px.columns,
    color: false,
    invert: px.photometricInterpretation.toUpperCase() === 'MONOCHROME1',
    // Square display of non-square pixels needs these; cornerstone only uses their ratio.
    rowPixelSpacing: spacing ? spacing[0] : undefined,
    columnPixelSpacing: spacing ? spacing[1] : undefined,
    sizeInBytes: samples.byteLength,
  };
}

let registered = false;

export function registerRadraftLoader(): void {
  if (registered) return;
  registered = true;
  cornerstone.registerImageLoader(SCHEME, (csId: string) => ({
    promise: api.loadImage(fromCornerstoneId(csId)).then((px) => {
      const { pixels: _pixels, ...header } = px;
      headers.set(px.imageId, header);
      return toCornerstoneImage(csId, px);
    }),
  }));
  // Keep a few full-size 16-bit frames, not the whole folder the user opened.
  cornerstone.imageCache.setMaximumSizeBytes(256 * 1024 * 1024);
}
