// Worker: one validation run for the app (Models → Validate), off the Electron main thread: reads the dataset, loads
// the model with the engine in this thread, drafts and scores every case, writes the JSON and HTML results.
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { serveOneTask } from '../workers/serve';
import { loadModel } from '../../models/engine/index';
import { loadFolderDataset } from './folder-dataset';
import { loadSignedDataset, type SignedCase } from './signed-dataset';
import { manifestSha256 } from './model-identity';
import { runEval } from './run-eval';
import { saveValidation } from './validation-store';
import type { ValidationRecord } from '../../app/eval/validation-record';

export interface EvalWorkerRequest {
  modelDir: string;
  modelId: string;
  /** Where the validation record is kept (validation-store.ts). */
  modelsDir: string;
  demo: boolean;
  source: { kind: 'folder'; dir: string } | { kind: 'signed'; reports: SignedCase[]; imageDir: string };
  /** Runs go in WORK_DIR/<model>-<dataset>/: validating the same model on the same data again continues a run the
   * app stopped (cancelling terminates this worker; every finished case is already on disk). */
  workDir: string;
  limit: number | null;
  radraftVersion: string;
}

export interface EvalWorkerStep {
  done: number;
  total: number;
  message: string;
}

export interface EvalWorkerResult {
  record: ValidationRecord;
  resultFile: string;
}

void serveOneTask<EvalWorkerResult, EvalWorkerStep>(parentPort, async (progress) => {
  const req = workerData as EvalWorkerRequest;
  progress({ done: 0, total: 0, message: 'Reading the dataset…' });
  const dataset =
    req.source.kind === 'folder' ? await loadFolderDataset(req.source.dir, req.limit) : await loadSignedDataset(req.source.reports, [req.source.imageDir], req.limit);
  progress({ done: 0, total: dataset.cases.length, message: 'Loading the model…' });
  const model = await loadModel(req.modelDir);
  const sha = manifestSha256(req.modelDir);
  try {
    const output = await runEval({
      dataset,
      engine: { manifest: model.manifest, manifestSha256: sha, loadMs: model.loadMs, demo: req.demo, generate: (r) => model.generate(r) },
      outDir: join(req.workDir, `${sha.slice(0, 12)}-${dataset.fingerprint.slice(0, 12)}`),
      radraftVersion: req.radraftVersion,
      limit: req.limit,
      onProgress: (p) => progress({ done: p.done, total: p.total, message: `Drafted ${p.done} of ${p.total} cases` }),
    });
    const record = await saveValidation(req.modelsDir, req.modelId, output.result, output.htmlFile);
    return { record, resultFile: output.resultFile };
  } finally {
    await model.dispose();
  }
});
