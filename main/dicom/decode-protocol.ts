// Messages between decode-pool.ts (main process) and decode.worker.ts. Pixel buffers are transferred, not copied.
import type { ModelView } from './model-view';
import type { DecodedImage } from './types';

export interface DecodeRequest {
  id: number;
  filePath: string;
  frame: number;
  modelView: boolean;
}

export interface SerializedError {
  name: string;
  message: string;
  /** Present for DicomErrors and FrameOutOfRangeError. */
  filePath?: string;
  reason?: string;
}

export type DecodeReply =
  | { id: number; ok: true; image: DecodedImage; modelView: ModelView | null }
  | { id: number; ok: false; error: SerializedError };
