// Modality LUT, PS3.3 C.11.1: stored values → modality values (e.g. optical density, or unitless for CR/DX),
// by the Modality LUT Sequence when present (C.11.1.1.1) or else Rescale Slope/Intercept (C.11.1.1.2).
import type { LutTable } from '../domain/study';
import { applyLutTable } from './lut';

export interface ModalityTransform {
  rescaleSlope: number;
  rescaleIntercept: number;
  modalityLut?: LutTable | null;
}

export function modalityFunction(t: ModalityTransform): (stored: number) => number {
  const lut = t.modalityLut;
  if (lut && lut.data.length > 0) return (v) => applyLutTable(lut, v);
  const slope = Number.isFinite(t.rescaleSlope) && t.rescaleSlope !== 0 ? t.rescaleSlope : 1;
  const intercept = Number.isFinite(t.rescaleIntercept) ? t.rescaleIntercept : 0;
  if (slope === 1 && intercept === 0) return (v) => v;
  return (v) => v * slope + intercept;
}
