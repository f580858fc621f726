// Pixels for the viewer come from the DICOM engine's worker pool: decoding never runs on the main thread.
import type { ImagePixels } from '../../app/domain/study';
import { DecodePool, toImagePixels } from '../dicom';
import type { WorkerScript } from '../drafting/worker-task';

export interface PixelSource {
  load(filePath: string, frame: number, imageId: string): Promise<ImagePixels>;
  dispose(): Promise<void>;
}

export function createPixelSource(decodeWorker: WorkerScript): PixelSource {
  const pool = new DecodePool({ workerPath: decodeWorker.path, execArgv: decodeWorker.execArgv });
  return {
    async load(filePath, frame, imageId) {
      return toImagePixels(await pool.decode(filePath, frame), imageId);
    },
    dispose: () => pool.close(),
  };
}
