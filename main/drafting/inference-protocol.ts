// Messages between InferenceClient and inference.worker.ts. Plain data only (structured clone).
import type { GenerateResult, LoadOptions, Manifest, TokenInfo } from '../../models/engine';
import type { WireError } from '../workers/wire-error';

export interface WireGenerateRequest {
  pixelValues: Float32Array;
  prompt?: string;
  inputIds?: number[];
  maxTokens?: number;
  /** Int32Array over a SharedArrayBuffer: the client stores 1 to abort. Read by the worker after every step. */
  abortFlag: Int32Array;
}

export type ToWorker =
  /** `background`: this worker drafts in the background: its thread (and the model's threads) run at low priority. */
  | { type: 'load'; id: number; modelDir: string; opts: LoadOptions; background?: boolean }
  | { type: 'generate'; id: number; req: WireGenerateRequest }
  /** Texts drafts are guessed from (prompt lookup; models/engine/prompt-lookup.ts); none: no speculative decoding. */
  | { type: 'corpus'; id: number; texts: string[] }
  | { type: 'unload'; id: number };

export interface ModelInfo {
  modelDir: string;
  manifest: Manifest;
  loadMs: number;
}

export type FromWorker =
  | { type: 'loaded'; id: number; info: ModelInfo }
  | { type: 'token'; id: number; piece: string; info: TokenInfo }
  | { type: 'result'; id: number; result: GenerateResult }
  | { type: 'unloaded'; id: number }
  | { type: 'corpusSet'; id: number }
  | { type: 'error'; id: number; error: WireError };
