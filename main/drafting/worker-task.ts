// One-shot worker threads for heavy main-process jobs (image preparation, model import): the Electron main thread
// only posts the input and receives the result.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

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
