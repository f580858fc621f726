// Reading what the viewer actually shows: canvas pixels sampled on a grid over the displayed image.
import type { Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';

export interface Grid {
  n: number;
  /** n×n grey levels (0–255), row-major, top row first. */
  values: number[];
}

/**
 * Samples the viewport canvas at the centres of an n×n grid laid over the image, assuming the image is fitted to the
 * window (cornerstone's fit: centred, uniform scale), unrotated and unflipped.
 */
export async function sampleCanvas(page: Page, rows: number, columns: number, n: number): Promise<Grid> {
  const values = await page.evaluate(
    ({ rows, columns, n }) => {
      const canvas = document.querySelector<HTMLCanvasElement>('[data-testid=viewport] canvas');
      if (!canvas) throw new Error('no viewport canvas');
      const ctx = canvas.getContext('2d');
      if (!ctx) throw new Error('no 2d context');
      const scale = Math.min(canvas.width / columns, canvas.height / rows);
      const x0 = (canvas.width - columns * scale) / 2;
      const y0 = (canvas.height - rows * scale) / 2;
      const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      const out: number[] = [];
      for (let j = 0; j < n; j++) {
        for (let i = 0; i < n; i++) {
          const x = Math.floor(x0 + ((i + 0.5) / n) * columns * scale);
          const y = Math.floor(y0 + ((j + 0.5) / n) * rows * scale);
          const k = (y * canvas.width + x) * 4;
          out.push((data[k] + data[k + 1] + data[k + 2]) / 3);
        }
      }
      return out;
    },
    { rows, columns, n },
  );
  return { n, values };
}

/** The same grid over a grey PNG (the golden model view). */
export function samplePng(file: string, n: number): Grid {
  const png = PNG.sync.read(readFileSync(file));
  const values: number[] = [];
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const x = Math.floor(((i + 0.5) / n) * png.width);
      const y = Math.floor(((j + 0.5) / n) * png.height);
      values.push(png.data[(y * png.width + x) * 4]);
    }
  }
  return { n, values };
}

export function flipVertical(g: Grid): Grid {
  const values: number[] = [];
  for (let j = g.n - 1; j >= 0; j--) values.push(...g.values.slice(j * g.n, (j + 1) * g.n));
  return { n: g.n, values };
}

export function invert(g: Grid): Grid {
  return { n: g.n, values: g.values.map((v) => 255 - v) };
}

export function correlation(a: Grid, b: Grid): number {
  const n = a.values.length;
  const ma = a.values.reduce((s, v) => s + v, 0) / n;
  const mb = b.values.reduce((s, v) => s + v, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a.values[i] - ma;
    const db = b.values[i] - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return sab / Math.sqrt(saa * sbb || 1);
}

/** Mean grey level inside a box given in fractions of the grid (x0, y0, x1, y1 in 0..1). */
export function regionMean(g: Grid, x0: number, y0: number, x1: number, y1: number): number {
  let sum = 0;
  let count = 0;
  for (let j = 0; j < g.n; j++) {
    for (let i = 0; i < g.n; i++) {
      const x = (i + 0.5) / g.n;
      const y = (j + 0.5) / g.n;
      if (x >= x0 && x <= x1 && y >= y0 && y <= y1) {
        sum += g.values[j * g.n + i];
        count++;
      }
    }
  }
  return sum / Math.max(count, 1);
}

export function spread(g: Grid): number {
  return Math.max(...g.values) - Math.min(...g.values);
}

/** The same grid over an 8-bit grey image held in memory (a model view). */
export function sampleGrey(image: { width: number; height: number; data: ArrayLike<number> }, n: number): Grid {
  const values: number[] = [];
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const x = Math.floor(((i + 0.5) / n) * image.width);
      const y = Math.floor(((j + 0.5) / n) * image.height);
      values.push(image.data[y * image.width + x]);
    }
  }
  return { n, values };
}

/** Mean absolute difference of two grids, in grey levels. */
export function meanAbsDiff(a: Grid, b: Grid): number {
  let sum = 0;
  for (let i = 0; i < a.values.length; i++) sum += Math.abs(a.values[i] - b.values[i]);
  return sum / a.values.length;
}
