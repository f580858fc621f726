// Models → Validate: runs a validation of an installed model in a worker (eval.worker.ts) on a dataset folder or on
// the reports signed in this Radraft, reports progress as models:validateProgress, and keeps the record beside the
// model (validation-store.ts) for its card and for exports.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelSummary, ValidationProgress } from '../../app/domain/model';
import { AppError } from '../ipc/errors';
import type { WorkerScript } from '../workers/bundled-worker';
import { runWorkerTask, TaskCancelledError } from '../workers/task';
import type { ModelsRegistry } from '../models-registry/registry';
import type { ReportStore } from '../storage/report-store';
import type { EvalWorkerRequest, EvalWorkerResult, EvalWorkerStep } from './eval.worker';
import { signedCasesOf } from './signed-dataset';
import { findValidationBySha, reportPath, validationDir } from './validation-store';
import type { ValidationRecord } from '../../app/eval/validation-record';

export class ValidationRunError extends AppError {
  readonly code = 'model' as const;
  override name = 'ValidationRunError';
}

export interface ValidationDeps {
  registry: ModelsRegistry;
  modelsDir: string;
  store: ReportStore;
  /** Folder picker: the dataset folder, or the folder with the signed studies' images. */
  chooseFolder(purpose: 'dataset' | 'images' | 'export'): Promise<string | null>;
  worker: WorkerScript;
  emit(progress: ValidationProgress): void;
  radraftVersion: string;
  /** Opens a file with the system's default application (Electron's shell.openPath); absent in tests. */
  openPath?: (path: string) => Promise<string>;
}

export interface ValidateRequest {
  modelId: string;
  source: 'folder' | 'signed';
  limit?: number;
}

export class ValidationService {
  private running: { jobId: string; controller: AbortController } | null = null;

  constructor(private readonly deps: ValidationDeps) {}

  async validate(req: ValidateRequest): Promise<{ cancelled: boolean; jobId: string | null; model: ModelSummary | null }> {
    if (this.running) throw new ValidationRunError('A validation is already running; wait for it to finish or stop it first.');
    const { dir, demo } = await this.deps.registry.locate(req.modelId);
    let source: EvalWorkerRequest['source'];
    if (req.source === 'signed') {
      const reports = signedCasesOf(this.deps.store.signedReports());
      if (reports.length === 0) throw new ValidationRunError('No report has been signed in this Radraft yet: there is nothing to validate against.');
      const imageDir = await this.deps.chooseFolder('images');
      if (imageDir === null) return { cancelled: true, jobId: null, model: null };
      source = { kind: 'signed', reports, imageDir };
    } else {
      const folder = await this.deps.chooseFolder('dataset');
      if (folder === null) return { cancelled: true, jobId: null, model: null };
      source = { kind: 'folder', dir: folder };
    }
    const jobId = randomUUID();
    const controller = new AbortController();
    this.running = { jobId, controller };
    const emit = (step: EvalWorkerStep): void => this.deps.emit({ jobId, modelId: req.modelId, ...step });
    try {
      const request: EvalWorkerRequest = {
        modelDir: dir,
        modelId: req.modelId,
        modelsDir: this.deps.modelsDir,
        demo,
        source,
        workDir: join(validationDir(this.deps.modelsDir, req.modelId), 'runs'),
        limit: req.limit ?? null,
        radraftVersion: this.deps.radraftVersion,
      };
      await runWorkerTask<EvalWorkerRequest, EvalWorkerResult, EvalWorkerStep>(this.deps.worker, request, emit, controller.signal);
      const model = (await this.deps.registry.list()).find((m) => m.id === req.modelId) ?? null;
      return { cancelled: false, jobId, model };
    } catch (error) {
      if (error instanceof TaskCancelledError) return { cancelled: true, jobId, model: null };
      throw new ValidationRunError(`The validation could not finish: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.running = null;
    }
  }

  /** Stops the running validation; every case drafted so far is kept, and validating again continues from there. */
  cancel(jobId: string): { cancelled: boolean } {
    if (this.running?.jobId !== jobId) return { cancelled: false };
    this.running.controller.abort();
    return { cancelled: true };
  }

  async openReport(modelId: string): Promise<{ path: string; opened: boolean }> {
    const path = reportPath(this.deps.modelsDir, modelId);
    if (!existsSync(path)) throw new ValidationRunError('This model has no validation report yet: validate it first.');
    if (!this.deps.openPath) return { path, opened: false };
    const problem = await this.deps.openPath(path);
    if (problem !== '') throw new ValidationRunError(`The report could not be opened (${problem}); it is at ${path}.`);
    return { path, opened: true };
  }

  /** The record of the model with this manifest, for exports. */
  recordFor(manifestSha256: string): Promise<ValidationRecord | null> {
    return findValidationBySha(this.deps.modelsDir, manifestSha256);
  }
}
