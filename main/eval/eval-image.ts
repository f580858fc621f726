// The image of an evaluation case as the model sees it: a DICOM file's 8-bit model view (the DICOM engine's grey
// rendering, as the app drafts from), or a PNG/JPEG as it is; plus a small thumbnail for the report.
import { readFile } from 'node:fs/promises';
import { collapseGrey, decodeImage, resizeGray8, sniffImageFormat, type Raster8 } from '../../models/preprocess/index';
import { decodeFile, renderModelView } from '../dicom/index';
import { encodeGrayPng } from '../cli/commands/render';

export async function readEvalImage(path: string): Promise<Raster8> {
  const bytes = await readFile(path);
  if (sniffImageFormat(bytes) !== null) return collapseGrey(decodeImage(bytes, path));
  const view = renderModelView(await decodeFile(path));
  return { width: view.width, height: view.height, channels: 1, data: view.data };
}

/** One grey channel: colour images (rare for chest films) as the mean of R, G and B. */
export function toGrey(image: Raster8): Uint8Array {
  if (image.channels === 1) return image.data;
  const grey = new Uint8Array(image.width * image.height);
  for (let i = 0; i < grey.length; i++) grey[i] = Math.round((image.data[3 * i] + image.data[3 * i + 1] + image.data[3 * i + 2]) / 3);
  return grey;
}

/** A PNG data: URI of the image in grey, at most `maxSide` pixels on its longer side. */
export function thumbnailDataUri(image: Raster8, maxSide = 192): string {
  const grey = toGrey(image);
  const scale = Math.min(1, maxSide / Math.max(image.width, image.height));
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  const data = scale === 1 ? grey : resizeGray8(grey, image.width, image.height, width, height);
  return `data:image/png;base64,${encodeGrayPng(data, width, height).toString('base64')}`;
}
