// Where each worker's bundle is: `npm run build` turns every `*.worker.ts` into dist/workers/NAME.cjs.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The workers the app starts. */
export const WORKER_NAMES = ['decode.worker', 'model-input.worker', 'model-import.worker', 'inference.worker', 'eval.worker', 'export-dataset.worker', 'export.worker'] as const;
export type WorkerName = (typeof WORKER_NAMES)[number];

/** Where a worker script is and how to start it (tests run bundles of their own, or the TypeScript source with tsx). */
export interface WorkerScript {
  path: string;
  execArgv?: string[];
}

/**
 * The bundled worker `dist/workers/NAME.cjs`: next to the running bundle (dist/main, dist/cli → dist/workers; inside
 * app.asar when packaged) or, when main runs from its sources (tests, e2e), in the build output under the project root.
 */
export function bundledWorker(name: WorkerName): WorkerScript {
  const candidates = [join(__dirname, '..', 'workers', `${name}.cjs`), join(__dirname, '..', '..', 'dist', 'workers', `${name}.cjs`)];
  return { path: candidates.find((p) => existsSync(p)) ?? candidates[0] };
}
