import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import {
  decodeImage,
  ImageReadError,
  parseF32PixelValues,
  PixelValuesError,
  preprocessRaster,
  readImageFile,
  readPixelValuesFile,
  resizeGray8,
  ResizeError,
  toPixelValues,
} from '../../../models/preprocess';

const fixtures = join(__dirname, '../../fixtures/preprocess');
// The full-resolution model views of the golden DICOM files, shared with the DICOM engine's tests.
const modelViews = join(__dirname, '../../fixtures/dicom/golden/model-view');
const names = readdirSync(join(fixtures, 'resized224')).map((n) => n.replace('.tv.png', ''));

function greyPng(path: string): { width: number; height: number; data: Uint8Array } {
  const png = PNG.sync.read(readFileSync(path));
  const data = new Uint8Array(png.width * png.height);
  for (let i = 0; i < data.length; i++) data[i] = png.data[i * 4];
  return { width: png.width, height: png.height, data };
}

/** Bytewise equality: toEqual walks 150k elements one by one and is slow. */
const sameFloats = (a: Float32Array, b: Float32Array): boolean =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

function compare(actual: Uint8Array, expected: Uint8Array): { within1: number; max: number; exact: number } {
  let within1 = 0;
  let exact = 0;
  let max = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (d <= 1) within1++;
    if (d === 0) exact++;
    max = Math.max(max, d);
  }
  return { within1: within1 / expected.length, exact: exact / expected.length, max };
}

describe('resizeGray8 against torchvision (SiglipImageProcessor, resized224/*.tv.png)', () => {
  it('has the reference images to check', () => {
    expect(names.length).toBe(13);
  });

  it.each(names)('%s', (name) => {
    const src = greyPng(join(modelViews, `${name}.png`));
    const ref = greyPng(join(fixtures, 'resized224', `${name}.tv.png`));
    const out = resizeGray8(src.data, src.width, src.height, 224, 224);
    const r = compare(out, ref.data);
    expect(r.within1).toBeGreaterThanOrEqual(0.99);
    expect(r.max).toBeLessThanOrEqual(2);
    // Integer arithmetic identical to torch's uint8 kernel: every pixel equal, not just within tolerance.
    expect(r.exact).toBe(1);
  });

  it('enlarges small images with the plain (non-widened) bicubic and keeps flat images flat', () => {
    const flat = new Uint8Array(10 * 7).fill(77);
    expect(resizeGray8(flat, 10, 7, 224, 224).every((v) => v === 77)).toBe(true);
    const step = new Uint8Array(8 * 8).map((_, i) => (i % 8 < 4 ? 0 : 255));
    const up = resizeGray8(step, 8, 8, 32, 32);
    // Keys cubic overshoots at an edge; the result must be clamped, not wrapped.
    expect(Math.min(...up)).toBe(0);
    expect(Math.max(...up)).toBe(255);
    expect(up[0]).toBe(0);
    expect(up[31]).toBe(255);
  });

  it('refuses a buffer that does not match its dimensions', () => {
    expect(() => resizeGray8(new Uint8Array(10), 4, 4, 2, 2)).toThrow(ResizeError);
    expect(() => resizeGray8(new Uint8Array(16), 4, 4, 0, 2)).toThrow(ResizeError);
  });
});

describe('pixel values', () => {
  const name = names[0];
  const ref = greyPng(join(fixtures, 'resized224', `${name}.tv.png`));

  it('normalises x / 127.5 − 1 into three equal NCHW planes', () => {
    const pv = toPixelValues(ref.data, 224);
    expect(pv).toHaveLength(3 * 224 * 224);
    const plane = 224 * 224;
    for (const i of [0, 1000, plane - 1]) {
      expect(pv[i]).toBeCloseTo(ref.data[i] / 127.5 - 1, 6);
      expect(pv[plane + i]).toBe(pv[i]);
      expect(pv[2 * plane + i]).toBe(pv[i]);
    }
    expect(toPixelValues(new Uint8Array([0, 255, 0, 255]), 2).slice(0, 2)).toEqual(new Float32Array([-1, 1]));
  });

  it('reads a PNG at model size as --pixel-values', () => {
    const pv = readPixelValuesFile(join(fixtures, 'resized224', `${name}.tv.png`), 224);
    expect(sameFloats(pv, toPixelValues(ref.data, 224))).toBe(true);
    expect(() => readPixelValuesFile(join(fixtures, 'resized224', `${name}.tv.png`), 448)).toThrow(/224×224 but the model takes 448×448/);
  });

  it('reads a raw little-endian float32 tensor and checks its size', () => {
    const dir = mkdtempSync(join(tmpdir(), 'radraft-pv-'));
    const values = new Float32Array(3 * 4 * 4).map((_, i) => i / 10 - 1);
    const bytes = Buffer.alloc(values.length * 4);
    values.forEach((v, i) => bytes.writeFloatLE(v, i * 4));
    writeFileSync(join(dir, 'x.f32'), bytes);
    expect(readPixelValuesFile(join(dir, 'x.f32'), 4)).toEqual(values);
    expect(() => parseF32PixelValues(bytes.subarray(4), 4)).toThrow(PixelValuesError);
    writeFileSync(join(dir, 'x.txt'), 'hello');
    expect(() => readPixelValuesFile(join(dir, 'x.txt'), 4)).toThrow(/neither a PNG nor a JPEG/);
  });

  it('goes from a model-view PNG file to the reference model input', () => {
    const image = readImageFile(join(modelViews, `${name}.png`));
    expect(image.channels).toBe(1);
    expect(sameFloats(preprocessRaster(image, 224), toPixelValues(ref.data, 224))).toBe(true);
  });
});

describe('image files', () => {
  const src = greyPng(join(modelViews, `${names[0]}.png`));

  it('decodes a JPEG of a grey image to one channel close to the original', () => {
    const rgba = new Uint8Array(src.data.length * 4);
    src.data.forEach((v, i) => rgba.set([v, v, v, 255], i * 4));
    const encoded = jpeg.encode({ width: src.width, height: src.height, data: rgba }, 95);
    const image = decodeImage(encoded.data, 'x.jpg');
    expect([image.width, image.height, image.channels]).toEqual([src.width, src.height, 1]);
    let err = 0;
    for (let i = 0; i < src.data.length; i++) err += Math.abs(image.data[i] - src.data[i]);
    expect(err / src.data.length).toBeLessThan(2);
  });

  it('keeps colour images as three channels and resizes each', () => {
    const png = new PNG({ width: 3, height: 2 });
    for (let i = 0; i < 6; i++) png.data.set([200, 100, 50, 128], i * 4);
    const image = decodeImage(PNG.sync.write(png), 'c.png');
    expect(image.channels).toBe(3);
    const pv = preprocessRaster(image, 4);
    expect([pv[0], pv[16], pv[32]].map((v) => Math.round((v + 1) * 127.5))).toEqual([200, 100, 50]);
  });

  it('explains unreadable files', () => {
    expect(() => decodeImage(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]), 'broken.png')).toThrow(ImageReadError);
    expect(() => decodeImage(new Uint8Array([0xff, 0xd8, 0xff, 0, 0]), 'broken.jpg')).toThrow(/broken.jpg is not a readable JPEG/);
    expect(() => readImageFile(join(fixtures, 'nope.png'))).toThrow(/cannot read/);
  });
});
