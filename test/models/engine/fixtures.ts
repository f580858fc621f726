// Shared test helpers: the tiny PaliGemma 2 fixtures (copied from shared/golden) and their reference generations.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { importCheckpoint, type WeightDtype, type WriteModelOptions } from '../../../models/engine/index';

export const FIXTURES = join(__dirname, '../../fixtures/models');
export const IMAGE_TOKEN = 2152;

export interface StepRef {
  ids: number[];
  logits: number[];
}

export interface GoldenCase {
  id: string;
  prompt: string;
  pixel_values_png?: string;
  pixel_values?: string;
  image_tokens?: number;
  text_ids?: number[];
  input_ids_len?: number;
  generated_ids: number[];
  generated_text?: string;
  steps_top5: StepRef[];
}

export function cxrCases(): GoldenCase[] {
  return (JSON.parse(readFileSync(join(FIXTURES, 'tiny-paligemma2-cxr/cases.json'), 'utf8')) as { cases: GoldenCase[] }).cases;
}

export function randnCase(name: string): GoldenCase {
  return JSON.parse(readFileSync(join(FIXTURES, name, 'case.json'), 'utf8')) as GoldenCase;
}

export function inputIds(c: GoldenCase): number[] {
  return [...new Array<number>(c.image_tokens ?? 0).fill(IMAGE_TOKEN), ...(c.text_ids ?? [])];
}

/** Model input from an 8-bit grey PNG: value / 127.5 − 1 in all three channels (NCHW). */
export function pixelsFromPng(path: string): Float32Array {
  const png = PNG.sync.read(readFileSync(path));
  const n = png.width * png.height;
  const out = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) {
    const v = png.data[4 * i] / 127.5 - 1;
    out[i] = v;
    out[n + i] = v;
    out[2 * n + i] = v;
  }
  return out;
}

export function pixelsFromF32(path: string): Float32Array {
  const b = readFileSync(path);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

export function casePixels(c: GoldenCase, dir: string): Float32Array {
  if (c.pixel_values_png) return pixelsFromPng(join(FIXTURES, c.pixel_values_png));
  const p = join(FIXTURES, dir, c.pixel_values ?? 'pixel_values.png');
  return p.endsWith('.f32') ? pixelsFromF32(p) : pixelsFromPng(p);
}

export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `radraft-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Imports a fixture checkpoint into a fresh temp folder. */
export function importFixture(name: string, dtype: WeightDtype = 'fp32', opts: Partial<WriteModelOptions> = {}): { dir: string; cleanup: () => void } {
  const t = tempDir(`${name}-${dtype}`);
  importCheckpoint(join(FIXTURES, name), t.dir, { ...opts, dtype });
  return t;
}

/** Largest |ours − reference| over each step's top-5 logits; -1 when a step's top-5 ids differ. */
export function maxLogitDiff(steps: { top5Ids: number[]; top5Logits: number[] }[], ref: StepRef[]): number {
  let worst = 0;
  for (let i = 0; i < Math.min(steps.length, ref.length); i++) {
    const ours = steps[i];
    for (let j = 0; j < 5; j++) {
      // Near-ties may swap places in the top 5; compare logits by id.
      const k = ours.top5Ids.indexOf(ref[i].ids[j]);
      const value = k >= 0 ? ours.top5Logits[k] : Number.NEGATIVE_INFINITY;
      worst = Math.max(worst, Math.abs(value - ref[i].logits[j]));
    }
  }
  return worst;
}
