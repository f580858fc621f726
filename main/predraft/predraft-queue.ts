// Background pre-drafting: studies from the worklist, pushed to Radraft's storage SCP or dropped into the watched
// folder are retrieved (when they come from a PACS), opened and drafted with the active model, one at a time, so the
// clinician finds the draft waiting. The queue is kept in the database (it survives a restart: what was running
// starts again), can be paused, and the study the clinician opens always goes first. Whether an image was already
// drafted with the active model, and what a background draft may touch, is the drafting service's rule.
import type { OpenResult } from '../../app/domain/study';
import type { PredraftSettings, PredraftStatus, PredraftSource } from '../../app/domain/pacs';
import type { BackgroundDraftOutcome } from '../drafting/drafting-service';
import type { PacsStore, StoredJob } from '../pacs/pacs-store';
import { PacsCancelledError } from '../pacs/errors';

export interface PredraftQueueDeps {
  store: PacsStore;
  settings(): PredraftSettings;
  /** Whether the queue was paused (kept across restarts). */
  pausedSetting: { get(): boolean; set(paused: boolean): void };
  /** The study's image files: retrieved from the PACS first when it comes from one. */
  filesFor(job: StoredJob, signal: AbortSignal): Promise<string[]>;
  /** Opens files the way the clinician's Open does (the study list shows them). */
  open(paths: string[]): Promise<OpenResult>;
  draft(studyInstanceUid: string, signal: AbortSignal): Promise<BackgroundDraftOutcome>;
  /** Nothing to do for a while: the background model copy may go. */
  idle(): Promise<void>;
  emit(status: PredraftStatus): void;
  /** How long the queue waits with nothing to do before calling idle() (ms). */
  idleAfterMs?: number;
}

export interface QueuedStudy {
  studyInstanceUid: string;
  source: PredraftSource;
  patientName: string;
  accessionNumber: string;
}

/** Jobs listed to the renderer: the running and waiting ones all, then the latest finished ones. */
const LISTED_FINISHED = 500;

export class PredraftQueue {
  private current: { studyInstanceUid: string; controller: AbortController } | null = null;
  private wakeUp: (() => void) | null = null;
  private stopped = false;
  private loop: Promise<void> | null = null;
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: PredraftQueueDeps) {}

  /** Starts working through the queue (work a previous run left half-done goes back to waiting first). */
  start(): void {
    if (this.loop) return;
    this.deps.store.requeueInterrupted();
    this.loop = this.run();
  }

  async dispose(): Promise<void> {
    this.stopped = true;
    this.current?.controller.abort();
    this.wake();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    await this.loop;
  }

  get paused(): boolean {
    return this.deps.pausedSetting.get();
  }

  enqueue(job: QueuedStudy): void {
    this.enqueueAll([job]);
  }

  /** Queues several studies in this order, announcing the queue once (a worklist of hundreds is one change). */
  enqueueAll(jobs: readonly QueuedStudy[]): void {
    let added = false;
    for (const job of jobs) if (this.deps.store.enqueue(job)) added = true;
    if (added) {
      this.changed();
      this.wake();
    }
  }

  /** The clinician opened this study: it goes first, and whatever else is running gives way. */
  prioritise(studyInstanceUid: string): void {
    const job = this.deps.store.job(studyInstanceUid);
    if (!job || job.state === 'ready') return;
    this.deps.store.moveToFront(studyInstanceUid);
    if (job.state === 'failed') this.deps.store.setJobState(studyInstanceUid, 'waiting');
    if (this.current && this.current.studyInstanceUid !== studyInstanceUid) this.current.controller.abort();
    this.changed();
    this.wake();
  }

  setPaused(paused: boolean): void {
    this.deps.pausedSetting.set(paused);
    if (paused) this.current?.controller.abort();
    this.changed();
    this.wake();
  }

  retryFailed(): void {
    this.deps.store.retryFailed();
    this.changed();
    this.wake();
  }

  clearFinished(): void {
    this.deps.store.clearFinished();
    this.changed();
  }

  /** Settings changed (pre-drafting turned on or off): re-check. */
  settingsChanged(): void {
    if (!this.deps.settings().enabled) this.current?.controller.abort();
    this.changed();
    this.wake();
  }

  status(): PredraftStatus {
    const jobs = this.deps.store.jobs();
    const running = jobs.filter((j) => j.state === 'retrieving' || j.state === 'drafting');
    const waiting = jobs.filter((j) => j.state === 'waiting');
    const finished = jobs.filter((j) => j.state === 'ready' || j.state === 'failed').sort((a, b) => b.updatedAt.localeCompare(a.updatedAt)).slice(0, LISTED_FINISHED);
    return {
      enabled: this.deps.settings().enabled,
      paused: this.paused,
      jobs: [...running, ...waiting, ...finished].map(({ priority: _priority, ...job }) => job),
    };
  }

  private changed(): void {
    this.deps.emit(this.status());
  }

  private wake(): void {
    const wake = this.wakeUp;
    this.wakeUp = null;
    wake?.();
  }

  private next(): StoredJob | null {
    if (!this.deps.settings().enabled || this.paused) return null;
    return this.deps.store.jobs().find((j) => j.state === 'waiting') ?? null;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const job = this.next();
      if (!job) {
        this.scheduleIdle();
        await new Promise<void>((resolve) => (this.wakeUp = resolve));
        continue;
      }
      if (this.idleTimer) clearTimeout(this.idleTimer);
      this.idleTimer = null;
      await this.runJob(job);
    }
  }

  private scheduleIdle(): void {
    if (this.idleTimer) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      void this.deps.idle().catch(() => undefined);
    }, this.deps.idleAfterMs ?? 60_000);
    this.idleTimer.unref();
  }

  private async runJob(job: StoredJob): Promise<void> {
    const { store } = this.deps;
    const uid = job.studyInstanceUid;
    const controller = new AbortController();
    this.current = { studyInstanceUid: uid, controller };
    const set = (state: StoredJob['state'], reason: string | null = null): void => {
      store.setJobState(uid, state, reason);
      this.changed();
    };
    try {
      set('retrieving');
      const files = await this.deps.filesFor(job, controller.signal);
      if (controller.signal.aborted) return set('waiting');
      const opened = await this.deps.open(files);
      if (!opened.studies.some((s) => s.studyInstanceUid === uid || s.splitFrom === uid)) {
        return set('failed', opened.problems[0]?.reason ?? 'none of its files could be opened');
      }
      set('drafting');
      const outcome = await this.deps.draft(uid, controller.signal);
      if (outcome.kind === 'drafted') set('ready');
      else if (outcome.kind === 'skipped') set('ready', `Not drafted: ${outcome.reason}`);
      else set('waiting');
    } catch (error) {
      if (controller.signal.aborted || error instanceof PacsCancelledError) set('waiting');
      else set('failed', error instanceof Error ? error.message : String(error));
    } finally {
      this.current = null;
    }
  }
}
