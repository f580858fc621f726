// The one place the main process starts a worker thread.
import { SHARE_ENV, Worker } from 'node:worker_threads';
import { disableOrtTelemetry } from '../../models/engine/ort-telemetry';
import type { WorkerScript } from './bundled-worker';

/**
 * Starts `script` as a worker thread. onnxruntime's telemetry is switched off for the process first (any worker may
 * load the engine), and the worker shares the process environment (SHARE_ENV) instead of a private copy, so the
 * worker-side check in models/engine/ort-telemetry.ts sees the environment onnxruntime's native code will read.
 */
export function startWorker(script: WorkerScript, workerData?: unknown): Worker {
  disableOrtTelemetry();
  return new Worker(script.path, { workerData, execArgv: script.execArgv, env: SHARE_ENV });
}
