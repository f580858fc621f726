// The model view of a decoded frame: full-resolution 8-bit grey, the PaliGemma input.
import { renderGray8, type Gray8View } from '../../app/imaging/gray8';
import { greyOfColour } from './colour';
import type { DecodedImage } from './types';

export type ModelView = Gray8View;

export function renderModelView(decoded: DecodedImage): ModelView {
  const h = decoded.header;
  const photometric = decoded.photometricInterpretation;
  const colour = greyOfColour(decoded);
  if (colour) {
    // Colour secondary capture or palette colour: BT.601 luminance, already 8-bit display values (no Modality/VOI
    // LUT applies, PS3.3 C.11.1, C.11.2).
    return renderGray8({
      width: decoded.columns,
      height: decoded.rows,
      values: colour.map(Math.round),
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
