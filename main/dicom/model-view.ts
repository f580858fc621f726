// The model view of a decoded frame: full-resolution 8-bit grey, the PaliGemma input.
import { renderGray8, type Gray8View } from '../../app/imaging/gray8';
import { colourToGrey } from './colour';
import { UnsupportedSyntaxError } from './errors';
import type { DecodedImage } from './types';

export type ModelView = Gray8View;

export function renderModelView(decoded: DecodedImage): ModelView {
  const h = decoded.header;
  const photometric = decoded.photometricInterpretation;
  if (photometric === 'PALETTE COLOR') throw new UnsupportedSyntaxError(h.filePath, 'palette colour images cannot be rendered');
  if (decoded.samplesPerPixel === 3) {
    // Colour secondary capture: BT.601 luminance, already 8-bit display values (no Modality/VOI LUT applies).
    return renderGray8({
      width: decoded.columns,
      height: decoded.rows,
      values: colourToGrey(decoded.pixels, decoded.rows * decoded.columns, photometric).map(Math.round),
      bitsStored: 8,
      photometricInterpretation: 'MONOCHROME2',
      rescaleSlope: 1,
      rescaleIntercept: 0,
      windows: [],
    });
  }
  return renderGray8({
    width: decoded.columns,
    height: decoded.rows,
    values: decoded.pixels,
    bitsStored: h.bitsStored,
    photometricInterpretation: photometric,
    rescaleSlope: h.rescaleSlope,
    rescaleIntercept: h.rescaleIntercept,
    modalityLut: h.modalityLut,
    windows: h.windows,
    voiLutFunction: h.voiLutFunction,
    voiLuts: h.voiLuts,
    valueRange: { min: decoded.minValue, max: decoded.maxValue },
  });
}
