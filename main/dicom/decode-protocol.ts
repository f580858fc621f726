// Messages between decode-pool.ts (main process) and decode.worker.ts. Pixel buffers are transferred, not copied.
import type { WireError } from '../workers/wire-error';
import type { ModelView } from './model-view';
import type { DecodedImage, DicomHeader } from './types';

/** A frame to decode, or a header to read (the study list opens folders of untrusted files: never on main). */
export type DecodeRequest =
  | { id: number; kind: 'decode'; filePath: string; frame: number; modelView: boolean }
  | { id: number; kind: 'header'; filePath: string };

export type DecodeReply =
  | { id: number; ok: true; kind: 'decode'; image: DecodedImage; modelView: ModelView | null }
  | { id: number; ok: true; kind: 'header'; header: DicomHeader }
  | { id: number; ok: false; error: WireError };
