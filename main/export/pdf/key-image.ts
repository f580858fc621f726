// The key image for the PDF: the image's 8-bit model view (Modality and VOI LUT applied by the DICOM engine, as the
// model and the viewer's default see it), at most 1200 pixels on its long side, as a grey PNG.
import { PNG } from 'pngjs';
import { decodeBytes, renderModelView } from '../../dicom/index';
import { resizeGray8 } from '../../../models/preprocess/resize';
import type { KeyImage } from './report-pdf';

const MAX_SIDE = 1200;

export async function keyImageFrom(filePath: string, bytes: Uint8Array, caption: string): Promise<KeyImage> {
  const view = renderModelView(await decodeBytes(filePath, bytes));
  const scale = Math.min(1, MAX_SIDE / Math.max(view.width, view.height));
  const width = Math.max(1, Math.round(view.width * scale));
  const height = Math.max(1, Math.round(view.height * scale));
  const data = scale < 1 ? resizeGray8(view.data, view.width, view.height, width, height) : view.data;
  const png = new PNG({ width, height, colorType: 0, inputColorType: 0, bitDepth: 8, inputHasAlpha: false });
  png.data = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return { png: new Uint8Array(PNG.sync.write(png, { colorType: 0, inputColorType: 0, bitDepth: 8, inputHasAlpha: false })), width, height, caption };
}
