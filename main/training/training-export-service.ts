// Models → Export training data: the signed reports as a de-identified fine-tuning set for the active model (its
// image size and prompt templates), written by a worker into an empty folder the user picks.
import { existsSync, readdirSync } from 'node:fs';
import { AppError } from '../ipc/errors';
import type { WorkerScript } from '../workers/bundled-worker';
import { runWorkerTask } from '../workers/task';
import type { ModelsRegistry } from '../models-registry/registry';
import type { ReportStore } from '../storage/report-store';
import { exportCasesFrom, type ExportSummary } from './export-dataset';
import type { ExportWorkerRequest } from './export-dataset.worker';

export class TrainingExportRunError extends AppError {
  readonly code = 'export' as const;
  override name = 'TrainingExportRunError';
}

export interface TrainingExportDeps {
  registry: ModelsRegistry;
  store: ReportStore;
  chooseFolder(purpose: 'images' | 'export'): Promise<string | null>;
  worker: WorkerScript;
  radraftVersion: string;
}

export class TrainingExportService {
  private busy = false;

  constructor(private readonly deps: TrainingExportDeps) {}

  async export(since?: string): Promise<{ cancelled: boolean; outDir: string | null; train: number; validation: number; patients: number; skipped: number }> {
    const none = { cancelled: true, outDir: null, train: 0, validation: 0, patients: 0, skipped: 0 };
    if (this.busy) throw new TrainingExportRunError('A training-data export is already running.');
    const cases = exportCasesFrom(this.deps.store, since);
    if (cases.length === 0) throw new TrainingExportRunError('No report has been signed in this Radraft yet: there is nothing to export.');
    const model = await this.deps.registry.active();
    const imageDir = await this.deps.chooseFolder('images');
    if (imageDir === null) return none;
    const outDir = await this.deps.chooseFolder('export');
    if (outDir === null) return none;
    if (existsSync(outDir) && readdirSync(outDir).length > 0) throw new TrainingExportRunError(`${outDir} is not empty: choose an empty folder so no earlier export is mixed in.`);
    this.busy = true;
    try {
      const request: ExportWorkerRequest = {
        cases,
        imageDirs: [imageDir],
        outDir,
        imageSize: model.manifest.imageSize,
        promptTemplates: model.manifest.promptTemplates,
        radraftVersion: this.deps.radraftVersion,
        since: since ?? null,
      };
      const s = await runWorkerTask<ExportWorkerRequest, ExportSummary, { done: number; total: number }>(this.deps.worker, request);
      return { cancelled: false, outDir: s.outDir, train: s.train, validation: s.validation, patients: s.patients, skipped: s.skipped.length };
    } catch (error) {
      throw new TrainingExportRunError(`The training data could not be written: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.busy = false;
    }
  }
}
