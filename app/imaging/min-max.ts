// The smallest and largest stored value of a frame: the extent of the viewer's display table, of the model view's
// lookup table and of the palette's colour table, and the image's stored range as the decoder reports it.

/** { min, max } of `values`; { 0, 0 } when there are none. */
export function minMax(values: ArrayLike<number>): { min: number; max: number } {
  if (values.length === 0) return { min: 0, max: 0 };
  // One loop per array type keeps each loop monomorphic (a shared generic loop is several times slower).
  if (values instanceof Uint16Array) return minMaxU16(values);
  if (values instanceof Uint8Array) return minMaxU8(values);
  if (values instanceof Int16Array) return minMaxI16(values);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

function minMaxU16(values: Uint16Array): { min: number; max: number } {
  let min = 65535;
  let max = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

function minMaxU8(values: Uint8Array): { min: number; max: number } {
  let min = 255;
  let max = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

function minMaxI16(values: Int16Array): { min: number; max: number } {
  let min = 32767;
  let max = -32768;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}
