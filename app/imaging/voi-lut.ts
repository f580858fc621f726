// VOI LUT, PS3.3 C.11.2: modality values → display values in [0, outMax].

import type { LutTable } from '../domain/study';
import { applyLutTable } from './lut';

export type VoiLutFunction = 'LINEAR' | 'LINEAR_EXACT' | 'SIGMOID';

export function parseVoiLutFunction(value: string | undefined): VoiLutFunction {
  const v = (value ?? '').trim().toUpperCase();
  return v === 'LINEAR_EXACT' || v === 'SIGMOID' ? v : 'LINEAR';
}

/**
 * Window Center/Width → output in [0, outMax], PS3.3 C.11.2.1.2.1 (LINEAR, the default),
 * C.11.2.1.3.2 (LINEAR_EXACT) and C.11.2.1.3.1 (SIGMOID).
 */
export function windowFunction(center: number, width: number, fn: VoiLutFunction, outMax: number): (x: number) => number {
  switch (fn) {
    case 'SIGMOID':
      return (x) => outMax / (1 + Math.exp((-4 * (x - center)) / width));
    case 'LINEAR_EXACT': {
      const lo = center - width / 2;
      const hi = center + width / 2;
      return (x) => (x <= lo ? 0 : x > hi ? outMax : ((x - center) / width + 0.5) * outMax);
    }
    case 'LINEAR': {
      // Width must be ≥ 1 for LINEAR (C.11.2.1.2.1); with width 1 the ramp is a step at c − 0.5.
      const w = Math.max(width, 1);
      const lo = center - 0.5 - (w - 1) / 2;
      const hi = center - 0.5 + (w - 1) / 2;
      return (x) => (x <= lo ? 0 : x > hi ? outMax : ((x - (center - 0.5)) / (w - 1) + 0.5) * outMax);
    }
  }
}

/** VOI LUT Sequence item (C.11.2.1.1): table lookup, rescaled from the LUT's entry range to [0, outMax]. */
export function voiTableFunction(lut: LutTable, outMax: number): (x: number) => number {
  let top = 2 ** Math.min(Math.max(lut.bitsPerEntry, 1), 16) - 1;
  for (const v of lut.data) if (v > top) top = 2 ** Math.ceil(Math.log2(v + 1)) - 1;
  return (x) => (applyLutTable(lut, x) / top) * outMax;
}
