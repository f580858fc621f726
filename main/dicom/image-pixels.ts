// DecodedImage → ImagePixels (app/domain/study.ts), the shape the viewer receives over IPC.
import type { ImagePixels } from '../../app/domain/study';
import { oneLine } from '../../app/text/one-line';
import { greyOfColour } from './colour';
import { UnsupportedSyntaxError } from './errors';
import type { DecodedImage } from './types';

/**
 * Packs one decoded frame for the viewer: stored values as little-endian bytes plus the Modality/VOI LUT
 * attributes (PS3.3 C.11). Colour secondary captures and palette colour images become 8-bit luminance
 * (MONOCHROME2), since a chest radiograph carries no colour information; 32-bit data (dose maps and the like) are
 * refused.
 */
export function toImagePixels(decoded: DecodedImage, imageId: string): ImagePixels {
  const h = decoded.header;
  let dtype: ImagePixels['dtype'];
  let bytes: Uint8Array<ArrayBuffer>;
  let bitsStored = h.bitsStored;
  let photometricInterpretation = decoded.photometricInterpretation;
  let { minValue, maxValue } = decoded;
  const grey = greyOfColour(decoded);
  if (grey) {
    const g8 = new Uint8Array(grey.length);
    for (let i = 0; i < grey.length; i++) g8[i] = Math.min(255, Math.max(0, Math.round(grey[i])));
    dtype = 'uint8';
    bytes = g8;
    bitsStored = 8;
    photometricInterpretation = 'MONOCHROME2';
    minValue = 255;
    maxValue = 0;
    for (const v of g8) {
      if (v < minValue) minValue = v;
      if (v > maxValue) maxValue = v;
    }
  } else if (decoded.dtype === 'uint32' || decoded.dtype === 'int32') {
    throw new UnsupportedSyntaxError(h.filePath, '32-bit pixel data cannot be shown in the viewer');
  } else {
    dtype = decoded.dtype;
    const p = decoded.pixels;
    // Typed arrays are little-endian on every platform Electron ships for.
    // Decoded arrays never live in a SharedArrayBuffer.
    bytes = new Uint8Array(p.buffer as ArrayBuffer, p.byteOffset, p.byteLength);
  }
  const lutFields =
    grey
      ? {}
      : {
          ...(h.modalityLut ? { modalityLut: h.modalityLut } : {}),
          ...(h.voiLuts.length > 0 ? { voiLuts: h.voiLuts } : {}),
        };
  return {
    imageId,
    rows: decoded.rows,
    columns: decoded.columns,
    dtype,
    pixels: bytes,
    bitsStored,
    photometricInterpretation: oneLine(photometricInterpretation),
    rescaleSlope: grey ? 1 : h.rescaleSlope,
    rescaleIntercept: grey ? 0 : h.rescaleIntercept,
    minPixelValue: minValue,
    maxPixelValue: maxValue,
    windows: grey ? [] : h.windows,
    pixelSpacing: h.pixelSpacing,
    spacingSource: h.spacingSource,
    // The viewer's overlay shows these: one line each, like every string from a file (app/text/one-line.ts).
    patientName: oneLine(h.patientName),
    patientId: oneLine(h.patientId),
    studyDate: oneLine(h.studyDate),
    viewPosition: oneLine(h.viewPosition),
    modality: oneLine(h.modality),
    voiLutFunction: h.voiLutFunction,
    frames: h.frames,
    patientOrientation: oneLine(h.patientOrientation),
    imageLaterality: oneLine(h.imageLaterality),
    ...lutFields,
  };
}
