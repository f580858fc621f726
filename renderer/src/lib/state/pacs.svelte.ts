// The hospital integration as the window sees it: the PACS settings (nodes, Radraft's own DICOM node, pre-drafting,
// the cache), the worklist of the chosen node, the study being retrieved, and the background pre-drafting queue.
// Main does the work; this keeps what it answered and what it announces (retrieve progress, queue changes, studies
// that arrived on their own).
import type {
  CacheSettings,
  ConnectionTestResult,
  ListenerSettings,
  PacsSettingsView,
  PredraftStatus,
  RetrieveProgress,
  SaveNodeRequest,
  WorklistEntry,
} from '../../../../app/domain/pacs';
import { worklistOrder } from '../../../../app/domain/pacs';
import { api, on } from '../api';
import { library } from './library.svelte';
import { reporting } from './reporting.svelte';
import { errorText, toasts } from './toasts.svelte';

function todayNow(): Date {
  return new Date(Date.now());
}

/** Today as DICOM writes dates (YYYYMMDD), in the workstation's time zone. */
export function dicomToday(now: Date = todayNow()): string {
  return `${now.getFullYear()}${String(now.getMonth() + 1).padStart(2, '0')}${String(now.getDate()).padStart(2, '0')}`;
}

class Pacs {
  settings = $state<PacsSettingsView | null>(null);
  /** The node the worklist shows. */
  nodeId = $state<string | null>(null);
  from = $state(dicomToday());
  to = $state(dicomToday());
  entries = $state<WorklistEntry[]>([]);
  querying = $state(false);
  queryError = $state<string | null>(null);
  /** The study being retrieved for the clinician, with its progress. */
  retrieving = $state<RetrieveProgress | null>(null);
  queue = $state<PredraftStatus>({ enabled: false, paused: false, jobs: [] });
  #listening = false;

  get nodes(): PacsSettingsView['nodes'] {
    return this.settings?.nodes ?? [];
  }

  /** Subscribes to main's announcements; called once at start-up. */
  listen(): void {
    if (this.#listening) return;
    this.#listening = true;
    // Only the study the clinician is opening shows progress; the queue's own retrieves show in the queue.
    on('pacs:retrieveProgress', (p) => {
      if (this.retrieving?.studyInstanceUid === p.studyInstanceUid) this.retrieving = p;
    });
    on('predraft:changed', (status) => this.#queueChanged(status));
    on('studies:changed', () => void library.refresh());
    void this.load();
    void api.predraftStatus().then((s) => (this.queue = s), () => undefined);
  }

  async load(): Promise<void> {
    try {
      this.settings = await api.pacsSettings();
      if (!this.nodeId || !this.nodes.some((n) => n.id === this.nodeId)) this.nodeId = this.nodes[0]?.id ?? null;
    } catch (err) {
      toasts.push('error', 'Could not read the PACS settings', errorText(err));
    }
  }

  #queueChanged(status: PredraftStatus): void {
    const before = new Map(this.queue.jobs.map((j) => [j.studyInstanceUid, j.state]));
    this.queue = status;
    // Worklist badges follow the queue.
    const states = new Map(status.jobs.map((j) => [j.studyInstanceUid, j.state]));
    this.entries = this.entries.map((e) => ({ ...e, predraft: states.get(e.studyInstanceUid) ?? e.predraft }));
    // The study on screen was drafted in the background: show the draft now (unless the clinician is typing).
    const open = library.selectedStudyUid;
    if (open && states.get(open) === 'ready' && before.get(open) !== 'ready') void reporting.refreshFromMain();
    if ([...states].some(([uid, s]) => s === 'ready' && before.get(uid) !== 'ready')) void library.refresh();
  }

  async saveNode(request: SaveNodeRequest): Promise<boolean> {
    try {
      this.settings = await api.saveNode(request);
      this.nodeId ??= this.nodes[0]?.id ?? null;
      toasts.push('ok', `Saved ${request.node.name}`);
      return true;
    } catch (err) {
      toasts.push('error', 'The PACS node was not saved', errorText(err));
      return false;
    }
  }

  async deleteNode(nodeId: string): Promise<void> {
    try {
      this.settings = await api.deleteNode(nodeId);
      if (this.nodeId === nodeId) this.nodeId = this.nodes[0]?.id ?? null;
    } catch (err) {
      toasts.push('error', 'The PACS node was not removed', errorText(err));
    }
  }

  async testNode(node: SaveNodeRequest['node'], secret: string | null): Promise<ConnectionTestResult | string> {
    try {
      return await api.testNode({ node, secret });
    } catch (err) {
      return errorText(err);
    }
  }

  async saveListener(listener: ListenerSettings): Promise<void> {
    try {
      this.settings = await api.saveListener(listener);
      toasts.push('ok', listener.enabled ? `Listening as ${listener.aeTitle} on port ${listener.port}` : 'Radraft’s DICOM listener is off');
    } catch (err) {
      toasts.push('error', 'Radraft’s DICOM listener did not start', errorText(err));
      await this.load();
    }
  }

  async savePredraft(enabled: boolean, threads: number | null): Promise<void> {
    try {
      const wasEnabled = this.settings?.predraft.enabled ?? false;
      this.settings = await api.savePredraft({ enabled, threads });
      this.queue = await api.predraftStatus();
      // Turned on with a worklist on screen: ask again, so its studies are queued now (a query queues them).
      if (enabled && !wasEnabled && this.entries.length > 0) await this.query();
    } catch (err) {
      toasts.push('error', 'Pre-drafting settings were not saved', errorText(err));
    }
  }

  async chooseWatchedFolder(clear: boolean): Promise<void> {
    try {
      this.settings = await api.chooseWatchedFolder(clear);
    } catch (err) {
      toasts.push('error', 'The watched folder was not changed', errorText(err));
    }
  }

  async saveCache(cache: CacheSettings): Promise<void> {
    try {
      this.settings = await api.saveCache(cache);
    } catch (err) {
      toasts.push('error', 'The cache limit was not saved', errorText(err));
    }
  }

  async query(): Promise<void> {
    if (!this.nodeId || this.querying) return;
    this.querying = true;
    this.queryError = null;
    try {
      this.entries = (await api.queryWorklist({ nodeId: this.nodeId, from: this.from, to: this.to })).sort(worklistOrder);
      this.queue = await api.predraftStatus();
    } catch (err) {
      this.queryError = errorText(err);
    } finally {
      this.querying = false;
    }
  }

  /** Retrieves the entry's study (or takes it from the cache) and shows it. */
  async open(entry: WorklistEntry): Promise<void> {
    if (this.retrieving?.state === 'retrieving') return;
    this.retrieving = { studyInstanceUid: entry.studyInstanceUid, nodeId: entry.nodeId, state: 'retrieving', done: 0, total: entry.images, bytes: 0, message: 'Asking the PACS' };
    try {
      const result = await api.openWorklistStudy(entry.nodeId, entry.studyInstanceUid);
      if (result.cancelled) return;
      await library.refresh();
      const study = result.studies.find((s) => s.studyInstanceUid === entry.studyInstanceUid || s.splitFrom === entry.studyInstanceUid) ?? result.studies[0];
      if (study) library.select(study.studyInstanceUid);
      this.entries = this.entries.map((e) => (e.studyInstanceUid === entry.studyInstanceUid ? { ...e, cached: true } : e));
      this.retrieving = null;
    } catch (err) {
      toasts.push('error', 'The study could not be retrieved', errorText(err));
      this.retrieving = null;
    }
  }

  async cancelRetrieve(): Promise<void> {
    const r = this.retrieving;
    if (!r) return;
    await api.cancelRetrieve(r.studyInstanceUid).catch(() => undefined);
    this.retrieving = null;
  }

  async setPaused(paused: boolean): Promise<void> {
    this.queue = await api.setPredraftPaused(paused).catch((err: unknown) => {
      toasts.push('error', 'Pre-drafting could not be paused', errorText(err));
      return this.queue;
    });
  }

  /** The clinician opened this study: its pre-draft (if queued) goes first. */
  prioritise(studyInstanceUid: string): void {
    const job = this.queue.jobs.find((j) => j.studyInstanceUid === studyInstanceUid);
    if (!job || job.state === 'ready') return;
    void api.prioritise(studyInstanceUid).then((s) => (this.queue = s), () => undefined);
  }

  async retryFailed(): Promise<void> {
    this.queue = await api.retryFailed();
  }

  async clearFinished(): Promise<void> {
    this.queue = await api.clearFinished();
  }
}

export const pacs = new Pacs();
