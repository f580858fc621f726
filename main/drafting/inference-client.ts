// InferenceClient: the engine behind a worker thread (inference.worker.ts). Same shapes as the engine's
// PaliGemmaModel.generate, but the caller's thread never runs onnxruntime. Abort is a shared-memory flag the worker reads
// after every decode step, so it takes effect within one step even while the worker is busy.
import type { Worker } from 'node:worker_threads';
import type { GenerateRequest, GenerateResult, LoadOptions } from '../../models/engine';
import type { WorkerScript } from '../workers/bundled-worker';
import { reviveError } from '../workers/revive-error';
import { startWorker } from '../workers/start-worker';
import { WorkerExitedError } from '../workers/wire-error';
import type { FromWorker, ModelInfo, ToWorker } from './inference-protocol';

export type { ModelInfo } from './inference-protocol';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  onToken?: GenerateRequest['onToken'];
}

export class InferenceClient {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private exited: Error | null = null;

  /** Starts the worker: `script` is main/workers' bundledWorker('inference.worker') in the app. */
  constructor(script: WorkerScript) {
    this.worker = startWorker(script);
    this.worker.on('message', (msg: FromWorker) => this.onMessage(msg));
    this.worker.on('error', (error) => this.fail(new WorkerExitedError(`the inference worker failed: ${error.message}`)));
    this.worker.on('exit', (code) => this.fail(new WorkerExitedError(`the inference worker exited (code ${code})`)));
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
      case 'corpusSet':
        this.pending.delete(msg.id);
        p.resolve(undefined);
        return;
      case 'error':
        this.pending.delete(msg.id);
        p.reject(reviveError(msg.error));
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

  /** Loads (or replaces) the worker's model; `background` lowers the worker's scheduling priority first. */
  load(modelDir: string, opts: LoadOptions = {}, background = false): Promise<ModelInfo> {
    return this.call<ModelInfo>({ type: 'load', id: this.nextId++, modelDir, opts, background });
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

  /**
   * The texts later drafts guess ahead from (lossless speculative decoding: the tokens written are greedy's either
   * way, only faster where the model writes what these texts say). Kept across model loads; [] turns it off.
   */
  async setCorpus(texts: string[]): Promise<void> {
    await this.call<void>({ type: 'corpus', id: this.nextId++, texts });
  }

  async unload(): Promise<void> {
    await this.call<void>({ type: 'unload', id: this.nextId++ });
  }

  /** Stops the worker (pending calls reject). */
  async dispose(): Promise<void> {
    await this.worker.terminate();
  }
}
