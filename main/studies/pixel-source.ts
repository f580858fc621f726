// Pixels for the viewer come from the DICOM engine's worker pool, never from the main thread.
import type { ImagePixels } from '../../app/domain/study';
import { AppError } from '../ipc/errors';

export interface PixelSource {
  load(filePath: string, frame: number, imageId: string): Promise<ImagePixels>;
  dispose(): Promise<void>;
}

export class DecoderUnavailableError extends AppError {
  readonly code = 'dicom' as const;
  override name = 'DecoderUnavailableError';
}

// Placeholder until main/dicom's decode pool lands.
export function createPixelSource(): PixelSource {
  return {
    async load() {
      throw new DecoderUnavailableError('The DICOM decoder is not available in this build.');
    },
    async dispose() {},
  };
}
