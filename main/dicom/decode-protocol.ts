// Messages between decode-pool.ts (main process) and decode.worker.ts. Pixel buffers are transferred, not copied.
import type { ZipListing } from '../archives/zip-listing';
import type { WireError } from '../workers/wire-error';
import type { DicomDirectory } from './dicomdir';
import type { ModelView } from './model-view';
import type { DicomSource } from './source';
import type { DecodedImage, DicomHeader } from './types';

/**
 * A frame to decode, a header or DICOMDIR to read, or a zip archive to list: every job that parses a file the user
 * opened (untrusted, maybe huge) runs in the pool, never on main.
 */
export type DecodeRequest =
  | { id: number; kind: 'decode'; source: DicomSource; frame: number; modelView: boolean }
  | { id: number; kind: 'header'; source: DicomSource }
  | { id: number; kind: 'dicomdir'; source: DicomSource }
  | { id: number; kind: 'zip'; source: DicomSource; maxEntries: number };

export type DecodeReply =
  | { id: number; ok: true; kind: 'decode'; image: DecodedImage; modelView: ModelView | null }
  | { id: number; ok: true; kind: 'header'; header: DicomHeader }
  | { id: number; ok: true; kind: 'dicomdir'; directory: DicomDirectory }
  | { id: number; ok: true; kind: 'zip'; listing: ZipListing }
  | { id: number; ok: false; error: WireError };
