// Antialiased bicubic resize of 8-bit images, bit-exact with torchvision's uint8 path (torch `_upsample_bicubic2d_aa`
// on CPU, which SiglipImageProcessor uses in transformers 5): a separable filter in the style of PIL's ImagingResample,
// horizontal pass first, each pass with int16 fixed-point weights and rounding back to uint8 between passes.

export class ResizeError extends Error {
  override name = 'ResizeError';
}

/** Keys' cubic convolution kernel with a = -0.5, as PIL and torch's antialiased bicubic use. */
function keysCubic(x: number): number {
  const a = -0.5;
  const t = Math.abs(x);
  if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a;
  return 0;
}

interface PassWeights {
  /** First source index of each output sample. */
  start: Int32Array;
  /** Number of source samples each output sample reads. */
  count: Int32Array;
  /** Fixed-point weights, `taps` per output sample. */
  weights: Int32Array;
  taps: number;
  precision: number;
}

/**
 * Filter taps for one dimension: support widened by the scale factor when shrinking (the antialias), weights
 * normalised to sum 1, then scaled to the largest precision that keeps every weight within int16.
 */
function passWeights(inSize: number, outSize: number): PassWeights {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = 2 * filterScale;
  const invScale = 1 / filterScale;
  const taps = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const real = new Float64Array(outSize * taps);
  let maxWeight = 0;
  for (let i = 0; i < outSize; i++) {
    const center = scale * (i + 0.5);
    // Truncation toward zero, as the C cast does, then clamped: this is what decides the edge taps.
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xsize = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let total = 0;
    for (let j = 0; j < xsize; j++) {
      const w = keysCubic((j + xmin - center + 0.5) * invScale);
      real[i * taps + j] = w;
      total += w;
    }
    if (total !== 0) {
      for (let j = 0; j < xsize; j++) {
        real[i * taps + j] /= total;
        maxWeight = Math.max(maxWeight, real[i * taps + j]);
      }
    }
    start[i] = xmin;
    count[i] = xsize;
  }
  let precision = 0;
  for (; precision < 22; precision++) {
    if (Math.trunc(0.5 + maxWeight * 2 ** (precision + 1)) >= 1 << 15) break;
  }
  const weights = new Int32Array(outSize * taps);
  for (let k = 0; k < real.length; k++) {
    const v = real[k] * 2 ** precision;
    weights[k] = v < 0 ? Math.trunc(-0.5 + v) : Math.trunc(0.5 + v);
  }
  return { start, count, weights, taps, precision };
}

function clampByte(accumulator: number, precision: number): number {
  const v = accumulator >> precision;
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

function horizontalPass(src: Uint8Array, width: number, height: number, outWidth: number): Uint8Array {
  const { start, count, weights, taps, precision } = passWeights(width, outWidth);
  const out = new Uint8Array(outWidth * height);
  const half = precision > 0 ? 1 << (precision - 1) : 0;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < outWidth; x++) {
      let acc = half;
      const base = row + start[x];
      const w0 = x * taps;
      for (let j = 0; j < count[x]; j++) acc += src[base + j] * weights[w0 + j];
      out[y * outWidth + x] = clampByte(acc, precision);
    }
  }
  return out;
}

function verticalPass(src: Uint8Array, width: number, height: number, outHeight: number): Uint8Array {
  const { start, count, weights, taps, precision } = passWeights(height, outHeight);
  const out = new Uint8Array(width * outHeight);
  const half = precision > 0 ? 1 << (precision - 1) : 0;
  for (let y = 0; y < outHeight; y++) {
    const w0 = y * taps;
    for (let x = 0; x < width; x++) {
      let acc = half;
      let p = start[y] * width + x;
      for (let j = 0; j < count[y]; j++, p += width) acc += src[p] * weights[w0 + j];
      out[y * width + x] = clampByte(acc, precision);
    }
  }
  return out;
}

/**
 * Resizes an 8-bit single-channel image to outWidth×outHeight the way torchvision's antialiased bicubic
 * resize does (Keys cubic a = -0.5, support widened by the scale factor), rounding to uint8.
 */
export function resizeGray8(src: Uint8Array, width: number, height: number, outWidth: number, outHeight: number): Uint8Array {
  for (const [name, v] of [['width', width], ['height', height], ['output width', outWidth], ['output height', outHeight]] as const) {
    if (!Number.isInteger(v) || v <= 0) throw new ResizeError(`image ${name} must be a positive integer, got ${v}`);
  }
  if (src.length !== width * height) {
    throw new ResizeError(`image buffer holds ${src.length} bytes but ${width}×${height} needs ${width * height}`);
  }
  const horizontal = outWidth === width ? src : horizontalPass(src, width, height, outWidth);
  return outHeight === height ? Uint8Array.from(horizontal) : verticalPass(horizontal, outWidth, height, outHeight);
}
