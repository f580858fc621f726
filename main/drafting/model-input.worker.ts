// Worker: DICOM file → the model's input tensor (decode, 8-bit model view, resize + normalise), off the main thread.
// Long-lived (TaskWorker): the codecs load once per session.
import { parentPort } from 'node:worker_threads';
import { decodeFile, renderModelView } from '../dicom';
import { preprocessRaster } from '../../models/preprocess';
import { serveTasks } from './worker-task';

export interface ModelInputRequest {
  filePath: string;
  frame: number;
  size: number;
}

export interface ModelInput {
  pixelValues: Float32Array;
  rows: number;
  columns: number;
  /** The VOI window used for the model view, or null when another VOI (LUT, min–max, identity) was used. */
  window: { center: number; width: number } | null;
}

serveTasks<ModelInputRequest, ModelInput>(parentPort, async (req) => {
  const decoded = await decodeFile(req.filePath, req.frame);
  const view = renderModelView(decoded);
  const pixelValues = preprocessRaster({ width: view.width, height: view.height, channels: 1, data: view.data }, req.size);
  return { value: { pixelValues, rows: view.height, columns: view.width, window: view.window }, transfer: [pixelValues.buffer as ArrayBuffer] };
});
