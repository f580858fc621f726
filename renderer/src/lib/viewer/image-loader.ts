// cornerstone image loader for the `radraft:` scheme: pixels come decoded from main (image:load), never decoded here.
// The stored values go to cornerstone untouched, with a VOI LUT (voi.ts) that holds the grey level of every stored
// value as app/imaging's pipeline gives it (Modality LUT, VOI, MONOCHROME1 inversion: PS3.3 C.11, C.7.6.3.1.2), so
// cornerstone's own rescale and inversion stay neutral (slope 1, intercept 0, not inverted).
import * as cornerstone from 'cornerstone-core';
import type { CornerstoneImage, PixelArray } from 'cornerstone-core';
import type { ImagePixels } from '../../../../app/domain/study';
import { defaultVoi, modalityExtent } from '../../../../app/imaging/gray8';
import { api } from '../api';
import { cornerstoneVoiLut, defaultWindow, type WindowSource } from './voi';

export const SCHEME = 'radraft';

export function toCornerstoneId(imageId: string): string {
  return `${SCHEME}:${imageId}`;
}

export function fromCornerstoneId(csId: string): string {
  return csId.startsWith(`${SCHEME}:`) ? csId.slice(SCHEME.length + 1) : csId;
}

/** What the viewer knows of a loaded image besides its pixels: the header, and its stored and modality ranges. */
export type ImageInfo = Omit<ImagePixels, 'pixels'> & WindowSource & { extent: { lo: number; hi: number } };

/** Loaded headers by image id, for overlays, windowing and measurement (cornerstone's image has no DICOM header). */
const headers = new Map<string, ImageInfo>();

export function headerOf(imageId: string): ImageInfo | undefined {
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

/** Smallest and largest sample, and which stored values occur (for the min–max VOI, as the model view computes it). */
function survey(samples: PixelArray): { lo: number; hi: number; present: Uint8Array } {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!samples.length) return { lo: 0, hi: 0, present: new Uint8Array(1) };
  const present = new Uint8Array(hi - lo + 1);
  for (let i = 0; i < samples.length; i++) present[samples[i] - lo] = 1;
  return { lo, hi, present };
}

export function imageInfo(px: ImagePixels, samples: PixelArray): ImageInfo {
  const { pixels: _pixels, ...header } = px;
  // cornerstone sizes its LUT from min/max; take them from the samples so a wrong header cannot index past it.
  const { lo, hi, present } = survey(samples);
  const info = { ...header, minPixelValue: lo, maxPixelValue: hi };
  return { ...info, extent: modalityExtent(info, { min: lo, max: hi }, (s) => present[s - lo] === 1) };
}

export function toCornerstoneImage(csId: string, px: ImagePixels, info: ImageInfo = imageInfo(px, samplesOf(px))): CornerstoneImage {
  const samples = samplesOf(px);
  const win = defaultWindow(info, info.extent);
  const spacing = px.pixelSpacing;
  return {
    imageId: csId,
    minPixelValue: info.minPixelValue,
    maxPixelValue: info.maxPixelValue,
    // The VOI LUT below already holds the Modality LUT and the inversion.
    slope: 1,
    intercept: 0,
    invert: false,
    windowCenter: win.center,
    windowWidth: win.width,
    voiLUT: cornerstoneVoiLut(info, defaultVoi(info), info.extent),
    getPixelData: () => samples,
    rows: px.rows,
    columns: px.columns,
    height: px.rows,
    width: px.columns,
    color: false,
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
      const info = imageInfo(px, samplesOf(px));
      headers.set(px.imageId, info);
      return toCornerstoneImage(csId, px, info);
    }),
  }));
  // Keep a few full-size 16-bit frames, not the whole folder the user opened.
  cornerstone.imageCache.setMaximumSizeBytes(256 * 1024 * 1024);
}
