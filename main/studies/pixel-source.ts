// Pixels for the viewer come from the DICOM engine.
import type { ImagePixels } from '../../app/domain/study';
import { decodeFile, toImagePixels } from '../dicom';

export interface PixelSource {
  load(filePath: string, frame: number, imageId: string): Promise<ImagePixels>;
  dispose(): Promise<void>;
}

// TODO(decode-pool): switch to the engine's worker pool (main/dicom/decode-pool.ts, decodeInWorker) as soon as it
// lands, so decoding leaves the main thread; until then decoding runs in-process.
export function createPixelSource(): PixelSource {
  return {
    async load(filePath, frame, imageId) {
      return toImagePixels(await decodeFile(filePath, frame), imageId);
    },
    async dispose() {},
  };
}
