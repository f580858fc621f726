// Worker: DICOM file → the model's input tensor (decode, 8-bit model view, resize + normalise), off the main thread.
import { parentPort, workerData } from 'node:worker_threads';
import { decodeFile, renderModelView } from '../dicom';
import { preprocessRaster } from '../../models/preprocess';
import type { TaskMessage } from './worker-task';

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

async function run(req: ModelInputRequest): Promise<ModelInput> {
  const decoded = await decodeFile(req.filePath, req.frame);
  const view = renderModelView(decoded);
  const pixelValues = preprocessRaster({ width: view.width, height: view.height, channels: 1, data: view.data }, req.size);
  return { pixelValues, rows: view.height, columns: view.width, window: view.window };
}

run(workerData as ModelInputRequest).then(
  (value) => parentPort?.postMessage({ type: 'result', value } satisfies TaskMessage<ModelInput, never>, [value.pixelValues.buffer as ArrayBuffer]),
  (error: unknown) =>
    parentPort?.postMessage({ type: 'error', name: error instanceof Error ? error.name : 'Error', message: error instanceof Error ? error.message : String(error) } satisfies TaskMessage<ModelInput, never>),
);
