// Lookup tables shared by the Modality LUT (PS3.3 C.11.1) and the VOI LUT (PS3.3 C.11.2).
import type { LutTable } from '../domain/study';

export type { LutTable };

/** Looks a value up in a LUT, clamping outside its range (PS3.3 C.11.1.1.1: first/last entry beyond the ends). */
export function applyLutTable(lut: LutTable, value: number): number {
  const last = lut.data.length - 1;
  const i = Math.round(value) - lut.firstMapped;
  if (i <= 0) return lut.data[0];
  if (i >= last) return lut.data[last];
  return lut.data[i];
}
