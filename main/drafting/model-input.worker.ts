// Worker: the 8-bit model view → the model's input tensor (resize to S×S + normalise), off the main thread.
// Long-lived (TaskWorker), so it starts once per session.
import { parentPort } from 'node:worker_threads';
import { preprocessRaster } from '../../models/preprocess';
import { serveTasks } from '../workers/serve';

export interface ModelInputRequest {
  width: number;
  height: number;
  /** 8-bit grey model view, row-major. */
  data: Uint8Array;
  size: number;
}

serveTasks<ModelInputRequest, Float32Array>(parentPort, async (req) => {
  const pixelValues = preprocessRaster({ width: req.width, height: req.height, channels: 1, data: req.data }, req.size);
  return { value: pixelValues, transfer: [pixelValues.buffer as ArrayBuffer] };
});
