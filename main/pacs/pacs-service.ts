// The hospital integration behind the IPC contract: PACS nodes and their secrets, Radraft's own DICOM node (storage
// SCP), the worklist and retrieval into the local cache, and background pre-drafting (worklist, pushed and watched
// studies). Composes the parts in main/pacs and main/predraft; the study index, the report store and drafting are
// the app's own, passed in.
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Handlers } from '../../app/ipc/contract';
import {
  DEFAULT_CALLING_AE_TITLE,
  nodeProblem,
  worklistOrder,
  type PacsNode,
  type PacsSettings,
  type PacsSettingsView,
  type PredraftSource,
  type PredraftStatus,
  type RetrieveProgress,
  type WorklistEntry,
} from '../../app/domain/pacs';
import type { OpenResult, StudySummary } from '../../app/domain/study';
import type { DraftingService } from '../drafting/drafting-service';
import type { ImageHeader } from '../studies/header';
import { PredraftQueue } from '../predraft/predraft-queue';
import { WatchedFolder } from '../predraft/watched-folder';
import { testConnection } from './connection-test';
import type { DimseTarget } from './dimse';
import { PacsCancelledError, PacsError } from './errors';
import { CACHE_DIR, ImageCache } from './image-cache';
import { PacsStore, type StoredJob } from './pacs-store';
import { RetrieveService } from './retrieve';
import { SecretStore, type OsEncryption } from './secrets';
import { PacsSettingsStore, type SettingsAccess } from './settings';
import { StorageScp, type ListenerConfig } from './storage-scp';
import { queryWorklist } from './worklist';

type PacsChannels =
  | 'pacs:settings'
  | 'pacs:saveNode'
  | 'pacs:deleteNode'
  | 'pacs:testNode'
  | 'pacs:saveListener'
  | 'pacs:savePredraft'
  | 'pacs:chooseWatchedFolder'
  | 'pacs:saveCache'
  | 'worklist:query'
  | 'worklist:open'
  | 'worklist:cancel'
  | 'predraft:status'
  | 'predraft:setPaused'
  | 'predraft:prioritise'
  | 'predraft:retryFailed'
  | 'predraft:clearFinished';

export interface PacsServiceDeps {
  userDataDir: string;
  /** The report database file (the PACS tables live in it too). */
  databaseFile: string;
  settings: SettingsAccess;
  /** Electron's safeStorage; null where there is none (then secrets are stored plain only on request). */
  osEncryption: OsEncryption | null;
  /** A file's image header, read in the DICOM engine's worker pool. */
  readHeader(filePath: string): Promise<ImageHeader & { sopClassUid?: string }>;
  /** Opens files as the clinician's Open does (study index + remembered studies). */
  open(paths: readonly string[]): Promise<OpenResult>;
  /** Studies open this session (their cached files are in use). */
  openStudies(): StudySummary[];
  reportStatus(studyInstanceUid: string): WorklistEntry['report'];
  drafting: DraftingService;
  chooseFolder(): Promise<string | null>;
  emitStudiesChanged(): void;
  emitRetrieveProgress(progress: RetrieveProgress): void;
  emitPredraft(status: PredraftStatus): void;
  now: () => Date;
  /** Log lines of the storage SCP (default console.warn); never patient data. */
  log?: (line: string) => void;
}

/** Pushed instances of one study are opened together, once they stop arriving for this long. */
const RECEIVED_SETTLE_MS = 1500;

export class PacsService {
  readonly store: PacsStore;
  readonly settings: PacsSettingsStore;
  readonly secrets: SecretStore;
  readonly cache: ImageCache;
  readonly scp: StorageScp;
  readonly retrieve: RetrieveService;
  readonly queue: PredraftQueue;
  private readonly watched: WatchedFolder;
  private readonly receivedTimers = new Map<string, { timer: NodeJS.Timeout; callingAe: string }>();
  /** Studies the clinician asked for (worklist open): the queue never cancels their retrieve. */
  private readonly wanted = new Set<string>();

  constructor(private readonly deps: PacsServiceDeps) {
    this.store = PacsStore.open(deps.databaseFile, deps.now);
    this.settings = new PacsSettingsStore(deps.settings);
    this.secrets = new SecretStore(this.store, deps.osEncryption);
    this.cache = new ImageCache({
      dir: join(deps.userDataDir, CACHE_DIR),
      store: this.store,
      readHeader: (f) => deps.readHeader(f),
      isSigned: (uid) => deps.reportStatus(uid) === 'signed',
    });
    this.scp = new StorageScp({
      cache: this.cache,
      onStored: (result, callingAe) => this.received(result.studyInstanceUid, result.bytes, callingAe),
      log: deps.log,
    });
    this.retrieve = new RetrieveService({
      cache: this.cache,
      node: (id) => this.node(id),
      secret: (id) => this.secrets.get(id),
      callingAeTitle: () => this.callingAeTitle(),
      listener: () => ({ listening: this.scp.status().listening, aeTitle: this.settings.get().listener.aeTitle }),
      emit: (progress) => deps.emitRetrieveProgress(progress),
    });
    this.queue = new PredraftQueue({
      store: this.store,
      settings: () => this.settings.get().predraft,
      pausedSetting: { get: () => deps.settings.get('predraft:paused') === true, set: (paused) => deps.settings.set('predraft:paused', paused) },
      filesFor: (job, signal) => this.filesFor(job, signal),
      open: (paths) => deps.open(paths),
      draft: (uid, signal) =>
        deps.drafting.draftInBackground(uid, { threads: this.backgroundThreads(), signal, alreadyDrafted: (sop, sha) => this.store.hasDraft(sop, sha) }).then((outcome) => {
          this.store.touchStudy(uid);
          return outcome;
        }),
      idle: () => deps.drafting.releaseBackground(),
      emit: (status) => deps.emitPredraft(status),
    });
    this.watched = new WatchedFolder({ onFiles: (paths) => this.openWatched(paths) });
  }

  /** Start-up: leftovers of killed transfers go, the listener starts if it is on, the queue and the watch run. */
  async start(): Promise<void> {
    this.cache.removeLeftovers();
    const stray = this.cache.removeUnindexed();
    if (stray > 0) console.warn(`radraft: removed ${stray} cache file(s) a previous run left unrecorded`);
    const { listener } = this.settings.get();
    if (listener.enabled) {
      await this.scp.start(this.listenerConfig()).catch((error: unknown) => {
        console.warn(`radraft: the DICOM listener did not start: ${error instanceof Error ? error.message : String(error)}`);
      });
    }
    this.queue.start();
    this.watched.watch(this.settings.get().predraft.enabled ? this.settings.get().predraft.watchedFolder : null);
  }

  async dispose(): Promise<void> {
    this.watched.stop();
    for (const { timer } of this.receivedTimers.values()) clearTimeout(timer);
    await this.queue.dispose();
    await this.retrieve.cancelAll();
    await this.scp.stop();
    this.store.close();
  }

  callingAeTitle(): string {
    return this.settings.get().listener.aeTitle || DEFAULT_CALLING_AE_TITLE;
  }

  node(nodeId: string): PacsNode {
    const node = this.settings.get().nodes.find((n) => n.id === nodeId);
    if (!node) throw new PacsError('This PACS node is not in the settings any more; choose another one.');
    return node;
  }

  /** Where a C-STORE to a configured node goes (Send to PACS). */
  dimseTarget(nodeId: string): DimseTarget {
    return { node: this.node(nodeId), callingAeTitle: this.callingAeTitle() };
  }

  /** Background drafts' onnxruntime threads: the setting, else half the cores (at least one). */
  backgroundThreads(): number {
    return this.settings.get().predraft.threads ?? Math.max(1, Math.floor(availableParallelism() / 2));
  }

  view(): PacsSettingsView {
    const settings = this.settings.get();
    const status = this.scp.status();
    return {
      ...settings,
      nodes: settings.nodes.map((n) => ({ ...n, secret: this.secrets.state(n.id) })),
      listenerStatus: { listening: status.listening, problem: settings.listener.enabled ? status.problem : null },
      cacheUsedBytes: this.cache.usedBytes(),
      encryptionAvailable: this.secrets.encryptionAvailable(),
    };
  }

  private listenerConfig(settings: PacsSettings = this.settings.get()): ListenerConfig {
    // Configured PACS nodes may always send (C-MOVE answers come from them), besides the listed AE titles.
    const allowed = new Set([...settings.listener.allowedCallingAes, ...settings.nodes.map((n) => n.aeTitle)].map((ae) => ae.trim()));
    return { aeTitle: settings.listener.aeTitle.trim(), port: settings.listener.port, loopbackOnly: settings.listener.loopbackOnly, allowedCallingAes: allowed };
  }

  /** Restarts the listener when it runs, so that a changed node list (allowed AEs) applies. */
  private async refreshListener(): Promise<void> {
    const settings = this.settings.get();
    if (!settings.listener.enabled) {
      await this.scp.stop();
      return;
    }
    await this.scp.start(this.listenerConfig(settings)).catch((error: unknown) => {
      console.warn(`radraft: the DICOM listener did not start: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  private inUse(): Set<string> {
    const uids = new Set<string>();
    for (const s of this.deps.openStudies()) uids.add(s.splitFrom ?? s.studyInstanceUid);
    for (const j of this.store.jobs()) if (j.state !== 'ready' && j.state !== 'failed') uids.add(j.studyInstanceUid);
    for (const uid of this.retrieve.retrievingStudies()) uids.add(uid);
    return uids;
  }

  /** Keeps the cache under its size limit (docs/pacs.md: the purge policy). */
  async purge(): Promise<void> {
    const limit = this.settings.get().cache.limitGiB * 1024 ** 3;
    const removed = await this.cache.purge(limit, this.inUse()).catch((error: unknown) => {
      console.warn(`radraft: the image cache could not be trimmed (${error instanceof Error ? error.name : 'error'})`);
      return [];
    });
    if (removed.length > 0) console.warn(`radraft: the image cache was over its limit; ${removed.length} stud${removed.length === 1 ? 'y was' : 'ies were'} removed from it`);
  }

  private async filesFor(job: StoredJob, signal: AbortSignal): Promise<string[]> {
    if (job.source.kind !== 'pacs') {
      const files = this.cache.files(job.studyInstanceUid);
      const open = this.deps.openStudies().find((s) => (s.splitFrom ?? s.studyInstanceUid) === job.studyInstanceUid);
      // Watched-folder studies are opened where they are; received ones from the cache.
      return files.length > 0 ? files : (open?.images.map((i) => i.filePath) ?? []);
    }
    const nodeId = job.source.nodeId;
    const uid = job.studyInstanceUid;
    const onAbort = (): void => {
      if (!this.wanted.has(uid)) this.retrieve.cancel(uid);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const files = await this.retrieve.retrieve(nodeId, uid);
      void this.purge();
      return files;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  private received(studyInstanceUid: string, bytes: number, callingAe: string): void {
    this.retrieve.noteArrival(studyInstanceUid, bytes);
    const pending = this.receivedTimers.get(studyInstanceUid);
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.receivedTimers.delete(studyInstanceUid);
      void this.openReceived(studyInstanceUid, callingAe);
    }, RECEIVED_SETTLE_MS);
    timer.unref();
    this.receivedTimers.set(studyInstanceUid, { timer, callingAe });
  }

  /** A pushed study (or a C-MOVE's) is in the cache: it appears in the study list, and is queued for a draft. */
  private async openReceived(studyInstanceUid: string, callingAe: string): Promise<void> {
    // A retrieve in progress opens its study itself when it is complete.
    if (this.retrieve.isRetrieving(studyInstanceUid)) return;
    try {
      const result = await this.deps.open(this.cache.files(studyInstanceUid));
      this.deps.emitStudiesChanged();
      this.enqueueStudies(result.studies, { kind: 'received', callingAe });
      await this.purge();
    } catch (error) {
      console.warn(`radraft: a received study could not be opened (${error instanceof Error ? error.name : 'error'})`);
    }
  }

  private async openWatched(paths: string[]): Promise<void> {
    const result = await this.deps.open(paths);
    if (result.studies.length > 0) this.deps.emitStudiesChanged();
    this.enqueueStudies(result.studies, { kind: 'folder' });
  }

  private enqueueStudies(studies: readonly StudySummary[], source: PredraftSource): void {
    if (!this.settings.get().predraft.enabled) return;
    this.queue.enqueueAll(
      studies
        .filter((s) => this.deps.reportStatus(s.studyInstanceUid) !== 'signed')
        .map((s) => ({ studyInstanceUid: s.studyInstanceUid, source, patientName: s.patientName, accessionNumber: s.accessionNumber })),
    );
  }

  handlers(): Pick<Handlers, PacsChannels> {
    return {
      'pacs:settings': async () => this.view(),
      'pacs:saveNode': async ({ node, secret, allowPlainSecret }) => {
        const problem = nodeProblem(node);
        if (problem) throw new PacsError(problem);
        const id = node.id ?? randomUUID();
        const settings = this.settings.get();
        if (!node.id && settings.nodes.length >= 32) throw new PacsError('Radraft keeps at most 32 PACS nodes; remove one first.');
        if (settings.nodes.some((n) => n.id !== id && n.name.toLowerCase() === node.name.toLowerCase())) throw new PacsError(`A node named "${node.name}" exists already; choose another name.`);
        // The secret first: a refused secret (no key store, no plain consent) changes nothing.
        if (secret !== null && secret !== '') this.secrets.put(id, secret, allowPlainSecret);
        if (secret === '' || node.auth.kind === 'none') this.secrets.delete(id);
        const saved: PacsNode = { ...node, id };
        this.settings.update((s) => ({ ...s, nodes: s.nodes.some((n) => n.id === id) ? s.nodes.map((n) => (n.id === id ? saved : n)) : [...s.nodes, saved] }));
        await this.refreshListener();
        return this.view();
      },
      'pacs:deleteNode': async ({ nodeId }) => {
        this.settings.update((s) => ({ ...s, nodes: s.nodes.filter((n) => n.id !== nodeId) }));
        this.secrets.delete(nodeId);
        await this.refreshListener();
        return this.view();
      },
      'pacs:testNode': async ({ node, secret }) => {
        const problem = nodeProblem(node);
        if (problem) throw new PacsError(problem);
        const stored = node.id && node.auth.kind !== 'none' && secret === null ? this.secrets.get(node.id) : null;
        return testConnection({ ...node, id: node.id ?? 'unsaved' }, { secret: secret ?? stored, callingAeTitle: this.callingAeTitle() });
      },
      'pacs:saveListener': async (listener) => {
        this.settings.update((s) => ({ ...s, listener }));
        await this.refreshListener();
        const view = this.view();
        if (listener.enabled && view.listenerStatus.problem) throw new PacsError(view.listenerStatus.problem);
        return view;
      },
      'pacs:savePredraft': async ({ enabled, threads }) => {
        const before = this.settings.get().predraft.threads;
        this.settings.update((s) => ({ ...s, predraft: { ...s.predraft, enabled, threads } }));
        if (before !== threads) await this.deps.drafting.releaseBackground();
        this.queue.settingsChanged();
        this.watched.watch(enabled ? this.settings.get().predraft.watchedFolder : null);
        return this.view();
      },
      'pacs:chooseWatchedFolder': async ({ clear }) => {
        const folder = clear ? null : await this.deps.chooseFolder();
        if (!clear && folder === null) return this.view();
        this.settings.update((s) => ({ ...s, predraft: { ...s.predraft, watchedFolder: folder } }));
        this.watched.watch(this.settings.get().predraft.enabled ? folder : null);
        return this.view();
      },
      'pacs:saveCache': async (cache) => {
        this.settings.update((s) => ({ ...s, cache }));
        await this.purge();
        return this.view();
      },
      'worklist:query': async ({ nodeId, from, to }) => {
        const node = this.node(nodeId);
        const studies = await queryWorklist(node, { secret: node.auth.kind === 'none' ? null : this.secrets.get(node.id), callingAeTitle: this.callingAeTitle() }, { from, to });
        const jobs = new Map(this.store.jobs().map((j) => [j.studyInstanceUid, j]));
        const cached = this.store.cachedStudies();
        const entries: WorklistEntry[] = studies.map((s) => ({ ...s, report: this.deps.reportStatus(s.studyInstanceUid), predraft: jobs.get(s.studyInstanceUid)?.state ?? null, cached: cached.has(s.studyInstanceUid) }));
        entries.sort(worklistOrder);
        // With pre-drafting on, every unreported worklist study is queued (in worklist order).
        if (this.settings.get().predraft.enabled) {
          const queued = entries.filter((e) => e.report !== 'signed' && !jobs.has(e.studyInstanceUid));
          this.queue.enqueueAll(queued.map((e) => ({ studyInstanceUid: e.studyInstanceUid, source: { kind: 'pacs' as const, nodeId }, patientName: e.patientName, accessionNumber: e.accessionNumber })));
          for (const e of queued) e.predraft = 'waiting';
        }
        return entries;
      },
      'worklist:open': async ({ nodeId, studyInstanceUid }) => {
        this.wanted.add(studyInstanceUid);
        try {
          // The study the clinician opens goes first in the pre-drafting queue too.
          this.queue.prioritise(studyInstanceUid);
          const files = await this.retrieve.retrieve(nodeId, studyInstanceUid);
          this.store.touchStudy(studyInstanceUid);
          const result = await this.deps.open(files);
          void this.purge();
          return result;
        } catch (error) {
          if (error instanceof PacsCancelledError) return { studies: [], problems: [], cancelled: true };
          throw error;
        } finally {
          this.wanted.delete(studyInstanceUid);
        }
      },
      'worklist:cancel': async ({ studyInstanceUid }) => ({ cancelled: this.retrieve.cancel(studyInstanceUid) }),
      'predraft:status': async () => this.queue.status(),
      'predraft:setPaused': async ({ paused }) => {
        this.queue.setPaused(paused);
        return this.queue.status();
      },
      'predraft:prioritise': async ({ studyInstanceUid }) => {
        this.queue.prioritise(studyInstanceUid);
        return this.queue.status();
      },
      'predraft:retryFailed': async () => {
        this.queue.retryFailed();
        return this.queue.status();
      },
      'predraft:clearFinished': async () => {
        this.queue.clearFinished();
        return this.queue.status();
      },
    };
  }
}
