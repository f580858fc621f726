// InferenceClient: the engine behind a worker thread. Same shapes as PaliGemmaModel.generate, but the caller's
// thread never runs onnxruntime. Abort is a shared-memory flag the worker reads after every decode step, so it
// takes effect within one step even while the worker is busy.
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ManifestError } from '../manifest';
import { ImportError } from '../import/import-model';
import { PromptError } from '../tokenizer/prompt';
import { TokenizerLoadError } from '../tokenizer/tokenizer';
import { InvalidInputError, ModelFileCorruptError, ModelFileMissingError, ModelLoadError, PromptTooLongError, UnsupportedArchitectureError } from './errors';
import type { GenerateRequest, GenerateResult, LoadOptions } from './model';
import type { FromWorker, ModelInfo, ToWorker, WireError } from './protocol';

export type { ModelInfo } from './protocol';

/** An error raised in the worker, with the worker's error name kept (`ModelFileCorruptError`, …). */
export class InferenceWorkerError extends Error {
  override name = 'InferenceWorkerError';
}

export class InferenceWorkerExitedError extends Error {
  override name = 'InferenceWorkerExitedError';
}

const TYPED: Record<string, new (message: string) => Error> = {
  InvalidInputError,
  ModelLoadError,
  ManifestError,
  ImportError,
  UnsupportedArchitectureError,
  PromptTooLongError,
  ModelFileMissingError,
  ModelFileCorruptError,
  PromptError,
  TokenizerLoadError,
};

/** Rebuilds the typed errors callers branch on; their messages were already written in the worker. */
function rebuild(e: WireError): Error {
  const Ctor = TYPED[e.name];
  if (Ctor) return new Ctor(e.message);
  const err = new InferenceWorkerError(e.message);
  if (e.name) err.name = e.name;
  return err;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  onToken?: GenerateRequest['onToken'];
}

export interface InferenceClientOptions {
  /** Path of the bundled worker (default: dist/workers/inference.worker.cjs next to the running bundle). */
  workerPath?: string;
  /** Extra node flags for the worker (tests pass ['--import', 'tsx'] to run the TypeScript source). */
  execArgv?: string[];
}

export function defaultWorkerPath(): string {
  // Bundles live in dist/<part>/, workers in dist/workers/.
  return join(__dirname, '..', 'workers', 'inference.worker.cjs');
}

export class InferenceClient {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private exited: Error | null = null;

  constructor(opts: InferenceClientOptions = {}) {
    this.worker = new Worker(opts.workerPath ?? defaultWorkerPath(), { execArgv: opts.execArgv });
    this.worker.on('message', (msg: FromWorker) => this.onMessage(msg));
    this.worker.on('error', (error) => this.fail(new InferenceWorkerExitedError(`the inference worker failed: ${error.message}`)));
    this.worker.on('exit', (code) => this.fail(new InferenceWorkerExitedError(`the inference worker exited (code ${code})`)));
  }

  private fail(error: Error): void {
    this.exited ??= error;
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }

  private onMessage(msg: FromWorker): void {
    const p = this.pending.get(msg.id);
    if (!p) return;
    switch (msg.type) {
      case 'token':
        p.onToken?.(msg.piece, msg.info);
        return;
      case 'loaded':
        this.pending.delete(msg.id);
        p.resolve(msg.info);
        return;
      case 'result':
        this.pending.delete(msg.id);
        p.resolve(msg.result);
        return;
      case 'unloaded':
        this.pending.delete(msg.id);
        p.resolve(undefined);
        return;
      case 'error':
        this.pending.delete(msg.id);
        p.reject(rebuild(msg.error));
        return;
    }
  }

  private call<T>(msg: ToWorker, onToken?: GenerateRequest['onToken']): Promise<T> {
    if (this.exited) return Promise.reject(this.exited);
    return new Promise<T>((resolve, reject) => {
      this.pending.set(msg.id, { resolve: resolve as (v: unknown) => void, reject, onToken });
      this.worker.postMessage(msg);
    });
  }

  /** Loads (or replaces) the worker's model. */
  load(modelDir: string, opts: LoadOptions = {}): Promise<ModelInfo> {
    return this.call<ModelInfo>({ type: 'load', id: this.nextId++, modelDir, opts });
  }

  /** As PaliGemmaModel.generate; requests run one at a time in call order. */
  generate(req: GenerateRequest): Promise<GenerateResult> {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const abort = (): void => {
      Atomics.store(flag, 0, 1);
    };
    if (req.signal?.aborted) abort();
    req.signal?.addEventListener('abort', abort, { once: true });
    const id = this.nextId++;
    const done = this.call<GenerateResult>(
      { type: 'generate', id, req: { pixelValues: req.pixelValues, prompt: req.prompt, inputIds: req.inputIds, maxTokens: req.maxTokens, abortFlag: flag } },
      req.onToken,
    );
    return done.finally(() => req.signal?.removeEventListener('abort', abort));
  }

  async unload(): Promise<void> {
    await this.call<void>({ type: 'unload', id: this.nextId++ });
  }

  /** Stops the worker (pending calls reject). */
  async dispose(): Promise<void> {
    await this.worker.terminate();
  }
}
