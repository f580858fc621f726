// The models the app can draft with: the embedded demo model plus every model imported into the models folder.
// Each is a folder with a radraft-model.json manifest (models/manifest.ts) listing its files with sha256.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { ImportProgress, ModelSummary } from '../../app/domain/model';
import { MANIFEST_FILE, readManifest, type Manifest } from '../../models/manifest';
import { checkModelFolder } from '../../models/integrity';
import { AppError } from '../ipc/errors';
import type { WorkerScript } from '../workers/bundled-worker';
import { runWorkerTask } from '../workers/task';
import { sha256OfFile } from '../files/sha256';
import { readValidation, validationSummary } from '../eval/validation-store';
import type { ImportRequest, ImportStep } from './model-import.worker';

export const DEMO_ID = 'demo';
export const DEMO_NAME = 'Radraft demo model (tiny PaliGemma 2) — NOT FOR CLINICAL USE';
const DEMO_USE =
  'Demonstration only: a tiny model that memorised 11 training images. Its text is meaningless on any other image. Never use it for patient care.';
const IMPORTED_USE = 'Drafts radiology reports for a clinician to review, edit and sign; the clinician stays responsible for the report.';
const ACTIVE_KEY = 'models.active';

export class ModelUnavailableError extends AppError {
  readonly code = 'model' as const;
  override name = 'ModelUnavailableError';
}

export interface Settings {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

export interface RegistryDeps {
  /** Writable folder of imported models (one sub-folder each). */
  modelsDir: string;
  /** Bundled resources/models: `demo/` (imported at build time) or `demo-checkpoint/` (imported on first run). */
  bundledModelsDir: string;
  settings: Settings;
  importWorker: WorkerScript;
  emitProgress(progress: ImportProgress): void;
}

export interface ActiveModel {
  id: string;
  dir: string;
  manifest: Manifest;
  summary: ModelSummary;
}

interface Entry {
  id: string;
  dir: string;
  demo: boolean;
}

export class ModelsRegistry {
  private demoReady: Promise<void> | null = null;
  private demoProblem: string | null = null;

  constructor(private readonly deps: RegistryDeps) {}

  /** Every model with a quick check (files present, sizes right); `verify` does the full sha256 check. */
  async list(): Promise<ModelSummary[]> {
    await this.ensureDemo();
    const entries = await this.entries();
    const activeId = this.activeId(entries);
    const models = await Promise.all(entries.map((e) => this.summarise(e, activeId, 'size')));
    if (this.demoProblem !== null && !entries.some((e) => e.demo)) models.unshift(this.brokenDemo(this.demoProblem));
    return models;
  }

  /** Shown in the Models panel when the first-run import of the demo failed, so the reason is not lost. */
  private brokenDemo(problem: string): ModelSummary {
    return {
      id: DEMO_ID,
      name: DEMO_NAME,
      dtype: '',
      imageSize: 0,
      sizeBytes: 0,
      manifestSha256: '',
      intendedUse: DEMO_USE,
      demo: true,
      active: false,
      status: 'broken',
      problem: `The demo model could not be set up: ${problem}. Reinstall Radraft, or import a model.`,
      validation: null,
    };
  }

  async setActive(id: string): Promise<ModelSummary[]> {
    const entries = await this.entries();
    if (!entries.some((e) => e.id === id)) throw new ModelUnavailableError(`There is no installed model "${id}".`);
    this.deps.settings.set(ACTIVE_KEY, id);
    return this.list();
  }

  async verify(id: string): Promise<ModelSummary> {
    await this.ensureDemo();
    const entries = await this.entries();
    const entry = entries.find((e) => e.id === id);
    if (!entry) throw new ModelUnavailableError(`There is no installed model "${id}".`);
    return this.summarise(entry, this.activeId(entries), 'full');
  }

  /** Where an installed model's files are (validation runs the engine on them directly). */
  async locate(id: string): Promise<{ dir: string; demo: boolean }> {
    await this.ensureDemo();
    const entry = (await this.entries()).find((e) => e.id === id);
    if (!entry) throw new ModelUnavailableError(`There is no installed model "${id}".`);
    return { dir: entry.dir, demo: entry.demo };
  }

  /** The model drafting should use, or an error that says how to fix the situation. */
  async active(): Promise<ActiveModel> {
    await this.ensureDemo();
    const entries = await this.entries();
    const id = this.activeId(entries);
    const entry = entries.find((e) => e.id === id);
    if (!entry) {
      throw new ModelUnavailableError(`No model is installed${this.demoProblem ? ` (the demo model could not be set up: ${this.demoProblem})` : ''}. Import one in the Models panel.`);
    }
    const summary = await this.summarise(entry, id, 'size');
    if (summary.status === 'broken') {
      throw new ModelUnavailableError(`The active model "${summary.name}" cannot be used: ${summary.problem ?? 'it is damaged'} Import it again, or choose another model in the Models panel.`);
    }
    return { id: entry.id, dir: entry.dir, manifest: readManifest(entry.dir), summary };
  }

  /** Imports a checkpoint folder in a worker; progress goes out as models:importProgress with `jobId`. */
  async importFolder(sourceDir: string, dtype: ImportRequest['dtype'], jobId: string = randomUUID()): Promise<ModelSummary> {
    await mkdir(this.deps.modelsDir, { recursive: true });
    const name = basename(sourceDir);
    const temp = join(this.deps.modelsDir, `.import-${jobId}`);
    const progress = (p: ImportStep): void => this.deps.emitProgress({ jobId, fraction: p.fraction, message: p.message });
    progress({ fraction: 0, message: `Importing ${name} as ${dtype}` });
    try {
      await runWorkerTask<ImportRequest, Manifest, ImportStep>(this.deps.importWorker, { sourceDir, outDir: temp, dtype, name }, progress);
      const id = await this.freeId(`${slug(name)}-${dtype}`);
      // Rename last: a half-imported folder is never listed as a model.
      await rename(temp, join(this.deps.modelsDir, id));
      progress({ fraction: 1, message: 'Imported' });
      const entries = await this.entries();
      return this.summarise({ id, dir: join(this.deps.modelsDir, id), demo: false }, this.activeId(entries), 'size');
    } catch (error) {
      await rm(temp, { recursive: true, force: true });
      const message = error instanceof Error ? error.message : String(error);
      this.deps.emitProgress({ jobId, fraction: 1, message: `Import failed: ${message}` });
      throw new ModelUnavailableError(`The model in ${sourceDir} could not be imported: ${message}`);
    }
  }

  /** First run: import the bundled demo checkpoint unless a pre-imported demo is bundled. Never throws. */
  ensureDemo(): Promise<void> {
    this.demoReady ??= this.setUpDemo().catch((error: unknown) => {
      this.demoProblem = error instanceof Error ? error.message : String(error);
      this.demoReady = null; // try again next time: a later call may succeed (e.g. disk space freed)
    });
    return this.demoReady;
  }

  private async setUpDemo(): Promise<void> {
    if (existsSync(join(this.deps.bundledModelsDir, DEMO_ID, MANIFEST_FILE))) return;
    const target = join(this.deps.modelsDir, DEMO_ID);
    if (existsSync(join(target, MANIFEST_FILE))) return;
    const checkpoint = join(this.deps.bundledModelsDir, 'demo-checkpoint');
    if (!existsSync(join(checkpoint, 'config.json'))) throw new Error('the demo checkpoint is not part of this installation');
    await mkdir(this.deps.modelsDir, { recursive: true });
    const temp = join(this.deps.modelsDir, `.import-demo-${randomUUID()}`);
    try {
      await runWorkerTask<ImportRequest, Manifest, ImportStep>(this.deps.importWorker, { sourceDir: checkpoint, outDir: temp, dtype: 'fp32', name: DEMO_NAME });
      await rm(target, { recursive: true, force: true });
      await rename(temp, target);
    } finally {
      await rm(temp, { recursive: true, force: true });
    }
  }

  private async entries(): Promise<Entry[]> {
    const list: Entry[] = [];
    const bundledDemo = join(this.deps.bundledModelsDir, DEMO_ID);
    const demoDir = existsSync(join(bundledDemo, MANIFEST_FILE)) ? bundledDemo : join(this.deps.modelsDir, DEMO_ID);
    if (existsSync(demoDir)) list.push({ id: DEMO_ID, dir: demoDir, demo: true });
    const names = await readdir(this.deps.modelsDir, { withFileTypes: true }).catch(() => []);
    for (const d of names.sort((a, b) => a.name.localeCompare(b.name))) {
      // A linked folder counts too: IT may keep large models on another volume and link them into the models folder.
      const folder = d.isDirectory() || (d.isSymbolicLink() && (await stat(join(this.deps.modelsDir, d.name)).catch(() => null))?.isDirectory() === true);
      if (!folder || d.name.startsWith('.') || d.name === DEMO_ID) continue;
      list.push({ id: d.name, dir: join(this.deps.modelsDir, d.name), demo: false });
    }
    return list;
  }

  private activeId(entries: Entry[]): string | null {
    const chosen = this.deps.settings.get(ACTIVE_KEY);
    if (typeof chosen === 'string' && entries.some((e) => e.id === chosen)) return chosen;
    return entries.find((e) => e.demo)?.id ?? entries[0]?.id ?? null;
  }

  private async freeId(base: string): Promise<string> {
    for (let i = 1; ; i++) {
      const id = i === 1 ? base : `${base}-${i}`;
      if (id !== DEMO_ID && !existsSync(join(this.deps.modelsDir, id))) return id;
    }
  }

  private async summarise(entry: Entry, activeId: string | null, check: 'size' | 'full'): Promise<ModelSummary> {
    const base = {
      id: entry.id,
      demo: entry.demo,
      active: entry.id === activeId,
      intendedUse: entry.demo ? DEMO_USE : IMPORTED_USE,
    };
    let manifest: Manifest;
    let manifestBytes: Buffer;
    try {
      manifestBytes = await readFile(join(entry.dir, MANIFEST_FILE));
      manifest = readManifest(entry.dir);
    } catch (error) {
      return {
        ...base,
        name: entry.demo ? DEMO_NAME : entry.id,
        dtype: '',
        imageSize: 0,
        sizeBytes: 0,
        manifestSha256: '',
        status: 'broken',
        problem: `The model folder has no readable manifest (${error instanceof Error ? error.message : String(error)}).`,
        validation: null,
      };
    }
    const problem = await checkFiles(entry.dir, manifest, check);
    const manifestSha256 = createHash('sha256').update(manifestBytes).digest('hex');
    return {
      ...base,
      name: entry.demo ? DEMO_NAME : manifest.name,
      dtype: manifest.dtype,
      imageSize: manifest.imageSize,
      sizeBytes: manifest.files.reduce((n, f) => n + f.bytes, manifestBytes.length),
      manifestSha256,
      status: problem ? 'broken' : 'ok',
      problem,
      validation: validationSummary(readValidation(this.deps.modelsDir, entry.id, manifestSha256), this.deps.modelsDir, entry.id),
    };
  }
}

/**
 * null when every file the manifest lists is a plain file inside the folder with its size (and, for 'full', its
 * sha256). The graphs' external data is checked where they are loaded, in the inference worker (models/integrity.ts).
 */
async function checkFiles(dir: string, manifest: Manifest, check: 'size' | 'full'): Promise<string | null> {
  try {
    checkModelFolder(dir, manifest, { externalData: false });
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  if (check === 'size') return null;
  for (const f of manifest.files) {
    if ((await sha256OfFile(join(dir, f.path))) !== f.sha256) return `${f.path} does not match its sha256 in the manifest (the file was changed or damaged).`;
  }
  return null;
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'model';
}
