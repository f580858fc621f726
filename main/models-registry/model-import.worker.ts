// Worker: imports a Hugging Face PaliGemma 2 checkpoint folder with the engine, reporting progress.
import { parentPort, workerData } from 'node:worker_threads';
import type { WeightDtype } from '../../app/domain/model';
import { importCheckpoint, type Manifest } from '../../models/engine';
import { serveOneTask } from '../workers/serve';

export interface ImportRequest {
  sourceDir: string;
  outDir: string;
  dtype: WeightDtype;
  name?: string;
}

export interface ImportStep {
  fraction: number;
  message: string;
}

void serveOneTask<Manifest, ImportStep>(parentPort, (progress) => {
  const req = workerData as ImportRequest;
  let last = -1;
  return importCheckpoint(req.sourceDir, req.outDir, {
    dtype: req.dtype,
    name: req.name,
    onProgress: (fraction, message) => {
      // Per-tensor callbacks are many; a percent step is enough for a progress bar.
      const pct = Math.floor(fraction * 100);
      if (pct === last) return;
      last = pct;
      progress({ fraction, message });
    },
  });
});
