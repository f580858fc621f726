// Drafting: the active model, run in the engine's inference worker, on the study's frontal image. Progress, text and
// the final answer stream out as draft:event; what the model saw and wrote is kept with the report (provenance).
import { randomUUID } from 'node:crypto';
import type { DraftEvent, DraftStage } from '../../app/domain/model';
import { isEmptyReport, type DraftProvenance, type ReportSections } from '../../app/domain/report';
import { DRAFTED_SECTIONS } from '../../app/report/review';
import type { ImageSummary } from '../../app/domain/study';
import { parseLocBoxes } from '../../app/report/loc-tokens';
import { splitReportText } from '../../app/report/sections';
import type { GenerateResult } from '../../models/engine';
import { draftImage } from '../../app/domain/views';
import { AppError } from '../ipc/errors';
import type { ActiveModel, ModelsRegistry } from '../models-registry/registry';
import type { ReportStore } from '../storage/report-store';
import type { StudyIndex } from '../studies/study-index';
import type { WorkerScript } from '../workers/bundled-worker';
import { TaskWorker } from '../workers/task';
import { WorkerExitedError } from '../workers/wire-error';
import type { DraftCorpus } from './draft-corpus';
import { InferenceClient } from './inference-client';
import type { ModelInputRequest } from './model-input.worker';
import type { ModelView } from '../dicom';

export interface DraftRequest {
  studyInstanceUid: string;
  imageId: string;
  task: 'report' | 'detect';
  indication?: string;
  detectLabel?: string;
}

export class DraftError extends AppError {
  readonly code = 'draft' as const;
  override name = 'DraftError';
}

/** The report cannot be signed, exported or copied while a draft is being written into it. */
export class DraftInProgressError extends AppError {
  readonly code = 'draft' as const;
  override name = 'DraftInProgressError';
}

/** What a background draft came to. */
export type BackgroundDraftOutcome =
  | { kind: 'drafted'; draftId: string }
  /** Nothing to do, and why (already drafted with this model, the report has text, …). */
  | { kind: 'skipped'; reason: string }
  /** An interactive draft needed the model, or the queue was paused: run it again later. */
  | { kind: 'preempted' };

export interface BackgroundDraftOptions {
  /** onnxruntime threads for the background worker (its model is loaded with this budget). */
  threads: number;
  signal: AbortSignal;
  /** A draft of this image with this model is already recorded (pre-drafting never repeats one). */
  alreadyDrafted(sopInstanceUid: string, manifestSha256: string): boolean;
}

export interface DraftingDeps {
  registry: ModelsRegistry;
  index: StudyIndex;
  store: ReportStore;
  emit(event: DraftEvent): void;
  /** The 8-bit model view of an open image (decoded in the DICOM worker pool; cached for images on screen). */
  modelView(imageId: string, frame: number): Promise<ModelView>;
  inputWorker: WorkerScript;
  inferenceWorker: WorkerScript;
  /** Signed reports and templates drafts are guessed ahead from (./draft-corpus.ts). */
  corpus(): DraftCorpus;
  now: () => Date;
}

/** The prompt from the manifest's templates; the indication is added only where the model was trained for it. */
export function buildPrompt(templates: Record<string, string>, req: Pick<DraftRequest, 'task' | 'indication' | 'detectLabel'>): string {
  if (req.task === 'detect') {
    const template = templates.detect ?? 'detect {label}';
    return template.replace('{label}', (req.detectLabel ?? '').trim() || 'pneumothorax');
  }
  const indication = (req.indication ?? '').replace(/\s+/g, ' ').trim();
  if (indication !== '' && templates.reportWithIndication) return templates.reportWithIndication.replace('{indication}', indication);
  return templates.report ?? 'report en';
}

export class DraftingService {
  private client: InferenceClient | null = null;
  private loadedDir: string | null = null;
  private readonly running = new Map<string, { controller: AbortController; studyInstanceUid: string; task: DraftRequest['task'] }>();
  private readonly inputs: TaskWorker<ModelInputRequest, Float32Array>;
  /** Drafts run one after another: there is one model in one worker. */
  private queue: Promise<void> = Promise.resolve();
  /**
   * Background drafts (pre-drafting) have a worker of their own, at low priority with a thread budget, so the
   * interactive one keeps all the cores; it holds a second copy of the model while pre-drafting runs
   * (releaseBackground frees it). An interactive draft stops a background one, which runs again afterwards.
   */
  private background: { client: InferenceClient; dir: string | null; threads: number } | null = null;
  private backgroundRun: AbortController | null = null;
  /** The corpus key each worker was last given (a new worker is not in here, and is given the corpus). */
  private readonly corpusKeys = new WeakMap<InferenceClient, string>();

  constructor(private readonly deps: DraftingDeps) {
    this.inputs = new TaskWorker(deps.inputWorker);
  }

  start(req: DraftRequest): { draftId: string } {
    const study = this.deps.index.study(req.studyInstanceUid);
    if (!study) throw new DraftError('This study is no longer open; open it again to draft.');
    if (req.task === 'report') this.deps.index.requireOnePatient(study.studyInstanceUid, 'draft');
    const image = draftImage(study.images, req.imageId);
    if (!image) throw new DraftError('This study has no image to draft from.');
    if (req.task === 'report' && this.deps.store.get(req.studyInstanceUid)?.status === 'final') {
      throw new DraftError('This report is signed; a new AI draft cannot be added to it.');
    }
    const draftId = randomUUID();
    const controller = new AbortController();
    // The clinician is waiting for this one: a background draft gives way (and runs again later).
    this.backgroundRun?.abort();
    this.running.set(draftId, { controller, studyInstanceUid: req.studyInstanceUid, task: req.task });
    this.queue = this.queue.then(() => this.run(draftId, req, image, controller.signal)).finally(() => this.running.delete(draftId));
    return { draftId };
  }

  cancel(draftId: string): { cancelled: boolean } {
    const controller = this.running.get(draftId)?.controller;
    if (!controller || controller.signal.aborted) return { cancelled: false };
    controller.abort();
    return { cancelled: true };
  }

  /** A report draft for this study is queued or being written. */
  isDrafting(studyInstanceUid: string): boolean {
    for (const run of this.running.values()) if (run.task === 'report' && run.studyInstanceUid === studyInstanceUid && !run.controller.signal.aborted) return true;
    return false;
  }

  async dispose(): Promise<void> {
    for (const run of this.running.values()) run.controller.abort();
    this.backgroundRun?.abort();
    await this.queue.catch(() => undefined);
    await this.client?.dispose();
    this.client = null;
    await this.releaseBackground();
    await this.inputs.dispose();
  }

  /** Drafting in the background is over for now: its worker and model copy go. */
  async releaseBackground(): Promise<void> {
    const bg = this.background;
    this.background = null;
    await bg?.client.dispose().catch(() => undefined);
  }

  /**
   * Drafts a study's report in the background, as an interactive draft would (same image choice, prompt, provenance,
   * stored as unreviewed AI text), but never repeating an image already drafted with the active model, never over
   * text in the report, and giving way to interactive drafts. The study must be open in the index.
   */
  async draftInBackground(studyInstanceUid: string, opts: BackgroundDraftOptions): Promise<BackgroundDraftOutcome> {
    const study = this.deps.index.study(studyInstanceUid);
    if (!study) throw new DraftError('The study is not open; it could not be drafted in the background.');
    this.deps.index.requireOnePatient(studyInstanceUid, 'draft it');
    const image = draftImage(study.images, '');
    if (!image) return { kind: 'skipped', reason: 'the study has no image to draft from' };
    const existing = this.deps.store.get(studyInstanceUid);
    if (existing?.status === 'final') return { kind: 'skipped', reason: 'the report is signed' };
    if (existing?.provenance) return { kind: 'skipped', reason: 'the report already has an AI draft' };
    if (existing && !isEmptyReport(existing.sections)) return { kind: 'skipped', reason: 'the report already has text' };
    const model = await this.deps.registry.active();
    if (opts.alreadyDrafted(image.sopInstanceUid, model.summary.manifestSha256)) return { kind: 'skipped', reason: 'this image was already drafted with this model' };
    // Interactive drafts first: wait until none is queued or running.
    while (this.running.size > 0) {
      if (opts.signal.aborted) return { kind: 'preempted' };
      await this.queue.catch(() => undefined);
    }
    const controller = new AbortController();
    const stop = (): void => controller.abort();
    opts.signal.addEventListener('abort', stop, { once: true });
    this.backgroundRun = controller;
    const draftId = randomUUID();
    const startedAt = this.deps.now().toISOString();
    try {
      const client = await this.backgroundClient(model.dir, opts.threads);
      if (controller.signal.aborted) return { kind: 'preempted' };
      const view = await this.deps.modelView(image.imageId, 0);
      const pixelValues = await this.inputs.run({ width: view.width, height: view.height, data: view.data, size: model.manifest.imageSize });
      if (controller.signal.aborted) return { kind: 'preempted' };
      const prompt = buildPrompt(model.manifest.promptTemplates, { task: 'report' });
      await this.giveCorpus(client);
      const result = await client.generate({ pixelValues, prompt, signal: controller.signal });
      if (result.stopReason === 'aborted' || controller.signal.aborted) return { kind: 'preempted' };
      const provenance = draftProvenance({ draftId, model, image, window: view.window, prompt, startedAt, finishedAt: this.deps.now().toISOString(), text: result.text });
      // Not while an interactive draft writes into this very report (the clinician opened it meanwhile).
      if (this.isDrafting(studyInstanceUid)) return { kind: 'preempted' };
      const stored = this.deps.store.recordBackgroundDraft(studyInstanceUid, provenance);
      return stored ? { kind: 'drafted', draftId } : { kind: 'skipped', reason: 'the report was written in meanwhile' };
    } catch (error) {
      if (error instanceof WorkerExitedError) await this.releaseBackground();
      if (controller.signal.aborted) return { kind: 'preempted' };
      throw error;
    } finally {
      opts.signal.removeEventListener('abort', stop);
      if (this.backgroundRun === controller) this.backgroundRun = null;
    }
  }

  /** The background worker with the model loaded under this thread budget (reloaded when either changes). */
  private async backgroundClient(dir: string, threads: number): Promise<InferenceClient> {
    if (this.background && this.background.threads !== threads) await this.releaseBackground();
    this.background ??= { client: new InferenceClient(this.deps.inferenceWorker), dir: null, threads };
    const bg = this.background;
    if (bg.dir !== dir) {
      try {
        await bg.client.load(dir, { verify: 'once', threads }, true);
        bg.dir = dir;
      } catch (error) {
        await this.releaseBackground();
        throw error;
      }
    }
    return bg.client;
  }

  private async run(draftId: string, req: DraftRequest, image: ImageSummary, signal: AbortSignal): Promise<void> {
    const stage = (s: DraftStage): void => this.deps.emit({ type: 'stage', draftId, stage: s });
    const startedAt = this.deps.now().toISOString();
    try {
      if (signal.aborted) return stage('cancelled');
      stage('loading-model');
      const model = await this.deps.registry.active();
      const client = await this.loaded(model.dir);
      if (signal.aborted) return stage('cancelled');

      stage('reading-image');
      const view = await this.deps.modelView(image.imageId, 0);
      // Copied, not transferred: the cached view stays usable for the next draft.
      const pixelValues = await this.inputs.run({ width: view.width, height: view.height, data: view.data, size: model.manifest.imageSize });
      if (signal.aborted) return stage('cancelled');

      const prompt = buildPrompt(model.manifest.promptTemplates, req);
      await this.giveCorpus(client);
      stage('reading-prompt');
      let firstTokenAt = 0;
      let tokens = 0;
      const result: GenerateResult = await client.generate({
        pixelValues,
        prompt,
        signal,
        onToken: (piece, info) => {
          if (tokens === 0) {
            firstTokenAt = performance.now();
            stage('writing');
          }
          tokens++;
          const seconds = (performance.now() - firstTokenAt) / 1000;
          this.deps.emit({ type: 'token', draftId, text: piece, probability: info.probability, tokensPerSecond: seconds > 0 ? (tokens - 1) / seconds : 0 });
        },
      });
      if (result.stopReason === 'aborted' || signal.aborted) return stage('cancelled');

      const boxes = req.task === 'detect' ? parseLocBoxes(result.text, { rows: view.height, columns: view.width }) : [];
      if (req.task === 'report') {
        const provenance = draftProvenance({ draftId, model, image, window: view.window, prompt, startedAt, finishedAt: this.deps.now().toISOString(), text: result.text });
        this.deps.store.recordProvenance(req.studyInstanceUid, provenance);
      }
      this.deps.emit({ type: 'done', draftId, text: result.text, boxes });
      stage('done');
    } catch (error) {
      if (error instanceof WorkerExitedError) {
        // A crashed worker cannot be reused; the next draft starts a fresh one.
        await this.client?.dispose().catch(() => undefined);
        this.client = null;
      }
      if (signal.aborted) return stage('cancelled');
      const message = error instanceof Error ? error.message : String(error);
      this.deps.emit({ type: 'error', draftId, message: `Drafting failed: ${message}` });
      stage('error');
    }
  }

  /**
   * Gives the worker the signed reports and templates to guess ahead from, when they changed since it was last given
   * them. Guesses only make drafts faster, so a corpus that cannot be read is logged and the draft goes on without.
   */
  private async giveCorpus(client: InferenceClient): Promise<void> {
    try {
      const corpus = this.deps.corpus();
      if (this.corpusKeys.get(client) === corpus.key) return;
      await client.setCorpus(corpus.texts());
      this.corpusKeys.set(client, corpus.key);
    } catch (error) {
      if (error instanceof WorkerExitedError) throw error;
      console.warn(`radraft: drafts are written without guessing ahead from signed reports (${error instanceof Error ? error.name : 'error'})`);
    }
  }

  /**
   * Loads the active model in the background (when a study opens) so the first Draft does not wait for it. A failure
   * here is not reported: the next draft loads again and reports it with its own error event.
   */
  prewarm(): void {
    this.queue = this.queue.then(async () => {
      try {
        const model = await this.deps.registry.active();
        await this.loaded(model.dir);
        this.inputs.warm();
      } catch (error) {
        console.warn(`radraft: preloading the model failed; the next draft will report it (${error instanceof Error ? error.name : 'error'})`);
      }
    });
  }

  /** One worker for the session; a model is loaded once and kept until another becomes active. */
  private async loaded(dir: string): Promise<InferenceClient> {
    if (!this.client) {
      this.client = new InferenceClient(this.deps.inferenceWorker);
      this.loadedDir = null;
    }
    if (this.loadedDir !== dir) {
      try {
        // Every file is hashed the first time this app run loads it, and again if it changed (models/integrity.ts).
        await this.client.load(dir, { verify: 'once' });
        this.loadedDir = dir;
      } catch (error) {
        // A crashed worker cannot be reused; start a fresh one next time.
        await this.client.dispose().catch(() => undefined);
        this.client = null;
        throw error;
      }
    }
    return this.client;
  }
}

/** What the model saw and wrote for one report draft, interactive or background, as stored with the report. */
function draftProvenance(d: { draftId: string; model: ActiveModel; image: ImageSummary; window: DraftProvenance['window']; prompt: string; startedAt: string; finishedAt: string; text: string }): DraftProvenance {
  return {
    draftId: d.draftId,
    modelName: d.model.summary.name,
    manifestSha256: d.model.summary.manifestSha256,
    dtype: d.model.summary.dtype,
    prompt: d.prompt,
    sopInstanceUid: d.image.sopInstanceUid,
    window: d.window,
    generation: { maxTokens: d.model.manifest.maxNewTokens, greedy: true },
    startedAt: d.startedAt,
    finishedAt: d.finishedAt,
    aiDraft: modelSections(splitReportText(d.text)),
  };
}

/** What the model wrote for the sections a draft may fill (never Indication), leaving out empty ones. */
function modelSections(sections: ReportSections): DraftProvenance['aiDraft'] {
  return Object.fromEntries(DRAFTED_SECTIONS.filter((k) => sections[k].trim() !== '').map((k) => [k, sections[k]]));
}
