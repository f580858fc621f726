// Messages between decode-pool.ts (main process) and decode.worker.ts. Pixel buffers are transferred, not copied.
import type { WireError } from '../workers/wire-error';
import type { ModelView } from './model-view';
import type { DecodedImage } from './types';

export interface DecodeRequest {
  id: number;
  filePath: string;
  frame: number;
  modelView: boolean;
}

export type DecodeReply =
  | { id: number; ok: true; image: DecodedImage; modelView: ModelView | null }
  | { id: number; ok: false; error: WireError };
