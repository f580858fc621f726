// One-shot worker threads for heavy main-process jobs (image preparation, model import): the Electron main thread
// only posts the input and receives the result.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker, type MessagePort, type TransferListItem } from 'node:worker_threads';

/** Where a worker script is and how to start it (tests run the TypeScript source with tsx). */
export interface WorkerScript {
  path: string;
  execArgv?: string[];
}

/** Messages a task worker posts: any number of progress updates, then exactly one result or error. */
export type TaskMessage<R, P> = { type: 'progress'; progress: P } | { type: 'result'; value: R } | { type: 'error'; name: string; message: string };

export class WorkerTaskError extends Error {
  constructor(
    readonly workerErrorName: string,
    message: string,
  ) {
    super(message);
    this.name = 'WorkerTaskError';
  }
}

/**
 * The bundled worker `dist/workers/NAME.cjs`: next to the main bundle (dist/main → dist/workers) or, when main runs
 * from sources (tests, e2e), in the build output under the project root.
 */
export function bundledWorker(name: string): WorkerScript {
  const candidates = [join(__dirname, '..', 'workers', `${name}.cjs`), join(__dirname, '..', '..', 'dist', 'workers', `${name}.cjs`)];
  const found = candidates.find((p) => existsSync(p));
  return { path: found ?? candidates[0] };
}

export function runWorkerTask<I, R, P = never>(script: WorkerScript, input: I, onProgress?: (progress: P) => void, signal?: AbortSignal): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    if (!existsSync(script.path)) {
      reject(new WorkerTaskError('MissingWorker', `The worker ${script.path} is missing; run \`npm run build\`.`));
      return;
    }
    const worker = new Worker(script.path, { workerData: input, execArgv: script.execArgv });
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
      void worker.terminate();
    };
    const onAbort = (): void => finish(() => reject(new WorkerTaskError('AbortError', 'Cancelled.')));
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (msg: TaskMessage<R, P>) => {
      if (msg.type === 'progress') onProgress?.(msg.progress);
      else if (msg.type === 'result') finish(() => resolve(msg.value));
      else finish(() => reject(new WorkerTaskError(msg.name, msg.message)));
    });
    worker.on('error', (error) => finish(() => reject(new WorkerTaskError(error.name, error.message))));
    worker.on('exit', (code) => finish(() => reject(new WorkerTaskError('WorkerExited', `The worker stopped unexpectedly (exit code ${code}).`))));
  });
}

/** Request/reply messages of a long-lived task worker (see serveTasks). */
export type TaskRequest<I> = { id: number; input: I };
export type TaskReply<R> = { id: number } & ({ type: 'result'; value: R } | { type: 'error'; name: string; message: string });

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
    if (!worker) return Promise.reject(new WorkerTaskError('MissingWorker', `The worker ${this.script.path} is missing; run \`npm run build\`.`));
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
    this.failAll(new WorkerTaskError('Disposed', 'The worker was stopped.'));
    await worker?.terminate();
  }

  private ensure(): Worker | null {
    if (this.worker) return this.worker;
    if (!existsSync(this.script.path)) return null;
    const worker = new Worker(this.script.path, { execArgv: this.script.execArgv });
    worker.on('message', (reply: TaskReply<R>) => {
      const pending = this.pending.get(reply.id);
      if (!pending) return;
      this.pending.delete(reply.id);
      if (reply.type === 'result') pending.resolve(reply.value);
      else pending.reject(new WorkerTaskError(reply.name, reply.message));
    });
    const lost = (message: string): void => {
      if (this.worker === worker) this.worker = null;
      this.failAll(new WorkerTaskError('WorkerExited', message));
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

/** Worker side of TaskWorker: answers each request with `handle`'s result or error, one at a time. */
export function serveTasks<I, R>(port: MessagePort | null, handle: (input: I) => Promise<{ value: R; transfer?: TransferListItem[] }>): void {
  let queue = Promise.resolve();
  port?.on('message', (req: TaskRequest<I>) => {
    queue = queue.then(async () => {
      try {
        const { value, transfer } = await handle(req.input);
        port.postMessage({ id: req.id, type: 'result', value } satisfies TaskReply<R>, transfer ?? []);
      } catch (error) {
        port.postMessage({ id: req.id, type: 'error', name: error instanceof Error ? error.name : 'Error', message: error instanceof Error ? error.message : String(error) } satisfies TaskReply<R>);
      }
    });
  });
}
