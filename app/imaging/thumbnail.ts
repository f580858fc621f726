// Thumbnails for the study's image strip: the 8-bit model view (what the viewer opens with) shrunk to fit a small
// square. Each thumbnail pixel averages a bounded grid of samples of its cell (at most 4×4), so the cost is at most
// 16 reads per thumbnail pixel whatever the film's size: about 0.26 M reads for a 128-pixel thumbnail.
import type { Gray8View } from './gray8';

export interface Thumbnail {
  width: number;
  height: number;
  /** 8-bit grey, row by row. */
  pixels: Uint8Array<ArrayBuffer>;
}

const SAMPLES_PER_AXIS = 4;

export function thumbnailOf(view: Pick<Gray8View, 'width' | 'height' | 'data'>, maxSide: number): Thumbnail {
  const scale = Math.min(1, maxSide / Math.max(view.width, view.height));
  const width = Math.max(1, Math.round(view.width * scale));
  const height = Math.max(1, Math.round(view.height * scale));
  const pixels = new Uint8Array(width * height);
  const cellW = view.width / width;
  const cellH = view.height / height;
  const nx = Math.min(SAMPLES_PER_AXIS, Math.max(1, Math.floor(cellW)));
  const ny = Math.min(SAMPLES_PER_AXIS, Math.max(1, Math.floor(cellH)));
  for (let ty = 0; ty < height; ty++) {
    for (let tx = 0; tx < width; tx++) {
      let sum = 0;
      for (let j = 0; j < ny; j++) {
        const y = Math.min(view.height - 1, Math.floor(ty * cellH + ((j + 0.5) * cellH) / ny));
        for (let i = 0; i < nx; i++) {
          const x = Math.min(view.width - 1, Math.floor(tx * cellW + ((i + 0.5) * cellW) / nx));
          sum += view.data[y * view.width + x];
        }
      }
      pixels[ty * width + tx] = Math.round(sum / (nx * ny));
    }
  }
  return { width, height, pixels };
}
