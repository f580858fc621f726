// Task workers for heavy main-process jobs (image preparation, model import): the Electron main thread only posts
// the input and receives the result. One-shot (runWorkerTask) or long-lived (TaskWorker + serveTasks).
import { existsSync } from 'node:fs';
import type { TransferListItem, Worker } from 'node:worker_threads';
import type { WorkerScript } from './bundled-worker';
import { startWorker } from './start-worker';
import { reviveError } from './revive-error';
import { WorkerExitedError, type WireError } from './wire-error';

/** Messages a one-shot task worker posts: any number of progress updates, then exactly one result or error. */
export type TaskMessage<R, P> = { type: 'progress'; progress: P } | { type: 'result'; value: R } | { type: 'error'; error: WireError };

/** The task was cancelled by its caller. */
export class TaskCancelledError extends Error {
  override name = 'TaskCancelledError';
}

const missing = (script: WorkerScript): WorkerExitedError => new WorkerExitedError(`The worker ${script.path} is missing; run \`npm run build\`.`);

export function runWorkerTask<I, R, P = never>(script: WorkerScript, input: I, onProgress?: (progress: P) => void, signal?: AbortSignal): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    if (!existsSync(script.path)) {
      reject(missing(script));
      return;
    }
    const worker = startWorker(script, input);
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
      void worker.terminate();
    };
    const onAbort = (): void => finish(() => reject(new TaskCancelledError('Cancelled.')));
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (msg: TaskMessage<R, P>) => {
      if (msg.type === 'progress') onProgress?.(msg.progress);
      else if (msg.type === 'result') finish(() => resolve(msg.value));
      else finish(() => reject(reviveError(msg.error)));
    });
    worker.on('error', (error) => finish(() => reject(new WorkerExitedError(`The worker failed: ${error.message}`))));
    worker.on('exit', (code) => finish(() => reject(new WorkerExitedError(`The worker stopped unexpectedly (exit code ${code}).`))));
  });
}

/** Request/reply messages of a long-lived task worker (see serveTasks). */
export type TaskRequest<I> = { id: number; input: I };
export type TaskReply<R> = { id: number } & ({ type: 'result'; value: R } | { type: 'error'; error: WireError });

/**
 * A long-lived worker that runs one task at a time: module loading (codecs, WebAssembly) is paid once per session
 * instead of once per task. A crashed worker is replaced on the next call.
 */
export class TaskWorker<I, R> {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: R) => void; reject: (error: Error) => void }>();

  constructor(private readonly script: WorkerScript) {}

  run(input: I, transfer: TransferListItem[] = []): Promise<R> {
    const worker = this.ensure();
    if (!worker) return Promise.reject(missing(this.script));
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, input } satisfies TaskRequest<I>, transfer);
    });
  }

  /** Starts the worker ahead of its first task. */
  warm(): void {
    this.ensure();
  }

  async dispose(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.failAll(new WorkerExitedError('The worker was stopped.'));
    await worker?.terminate();
  }

  private ensure(): Worker | null {
    if (this.worker) return this.worker;
    if (!existsSync(this.script.path)) return null;
    const worker = startWorker(this.script);
    worker.on('message', (reply: TaskReply<R>) => {
      const pending = this.pending.get(reply.id);
      if (!pending) return;
      this.pending.delete(reply.id);
      if (reply.type === 'result') pending.resolve(reply.value);
      else pending.reject(reviveError(reply.error));
    });
    const lost = (message: string): void => {
      if (this.worker === worker) this.worker = null;
      this.failAll(new WorkerExitedError(message));
    };
    worker.on('error', (error) => lost(`The worker failed: ${error.message}`));
    worker.on('exit', (code) => lost(`The worker stopped unexpectedly (exit code ${code}).`));
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private failAll(error: Error): void {
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }
}
