// The editor's copy of one report and its autosave: every edit is saved within a second (debounced), one save in
// flight at a time, a failure is shown and retried, never dropped.
import type { ReportRecord, ReportSections } from '../../../../app/domain/report';
import { emptySections, type SectionName } from '../report/sections';

export type SaveState = 'saved' | 'pending' | 'saving' | 'failed';

export interface SaveRequest {
  studyInstanceUid: string;
  sections: ReportSections;
  baseRevision: number;
  acceptAi?: boolean;
}

export interface AutosaveOptions {
  save: (request: SaveRequest) => Promise<ReportRecord>;
  /** Reads the stored record, to re-base on it after a conflict. */
  load?: () => Promise<ReportRecord | null>;
  /** Quiet time after the last keystroke before saving; ≤ 1 s so a crash loses at most a second. */
  debounceMs?: number;
  retryMs?: number;
}

export class ReportSession {
  readonly studyInstanceUid: string;
  sections = $state<ReportSections>(emptySections());
  record = $state<ReportRecord | null>(null);
  saveState = $state<SaveState>('saved');
  saveError = $state<string | null>(null);
  /** The stored report changed elsewhere (or was signed): retrying cannot help, the clinician decides. */
  conflict = $state<'conflict' | 'signed' | null>(null);
  lastSavedAt = $state<Date | null>(null);
  /** The clinician accepted the AI-written text as it stands (AI marks go away without editing). */
  aiAccepted = $state(false);

  #save: AutosaveOptions['save'];
  #load: AutosaveOptions['load'];
  #debounceMs: number;
  #retryMs: number;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #inFlight: Promise<void> | null = null;
  #again = false;
  #revision = 0;
  #closed = false;
  #acceptPending = false;

  constructor(studyInstanceUid: string, record: ReportRecord | null, options: AutosaveOptions) {
    this.studyInstanceUid = studyInstanceUid;
    this.#save = options.save;
    this.#load = options.load;
    this.#debounceMs = options.debounceMs ?? 600;
    this.#retryMs = options.retryMs ?? 3000;
    if (record) {
      this.#adopt(record);
      this.sections = { ...record.sections };
      // Reviewed with every AI section untouched can only mean accepted (or signed).
      const p = record.provenance;
      this.aiAccepted =
        record.status === 'final' || (!!p && p.reviewed && (Object.keys(p.aiDraft) as SectionName[]).every((k) => p.aiDraft[k] === record.sections[k]));
    }
  }

  /** Marks the AI text reviewed as it stands and saves that with the report. */
  acceptAi(): Promise<void> {
    this.aiAccepted = true;
    this.#acceptPending = true;
    if (this.saveState === 'saved') this.saveState = 'pending';
    return this.flush();
  }

  get isFinal(): boolean {
    return this.record?.status === 'final';
  }

  get hasUnsaved(): boolean {
    return this.saveState !== 'saved';
  }

  #adopt(record: ReportRecord): void {
    this.record = record;
    this.#revision = record.revision;
  }

  /** Replaces one section's text and schedules a save. */
  edit(name: SectionName, text: string): void {
    if (this.sections[name] === text) return;
    this.sections[name] = text;
    this.schedule();
  }

  /** Replaces several sections at once (a model draft, for instance). */
  editMany(patch: Partial<ReportSections>): void {
    this.sections = { ...this.sections, ...patch };
    this.schedule();
  }

  /** Applies a record main returned (signing) without saving again. */
  replaceRecord(record: ReportRecord): void {
    this.#adopt(record);
    this.sections = { ...record.sections };
  }

  /** After a conflict: store the text on screen over the newer stored version (that version stays in history). */
  async keepMine(): Promise<void> {
    if (!this.#load) return;
    try {
      const latest = await this.#load();
      if (latest?.status === 'final') {
        this.conflict = 'signed';
        this.saveError = `This report was signed by ${latest.signedBy ?? 'a clinician'} and can no longer be edited.`;
        return;
      }
      this.#revision = latest?.revision ?? 0;
      this.conflict = null;
      this.saveState = 'pending';
      await this.flush();
    } catch (err) {
      this.saveError = err instanceof Error ? err.message : String(err);
    }
  }

  /** After a conflict: show the stored version instead (the text on screen is dropped). */
  async takeTheirs(): Promise<void> {
    if (!this.#load) return;
    try {
      const latest = await this.#load();
      if (latest) this.replaceRecord(latest);
      this.conflict = null;
      this.saveError = null;
      this.saveState = 'saved';
    } catch (err) {
      this.saveError = err instanceof Error ? err.message : String(err);
    }
  }

  schedule(delay = this.#debounceMs): void {
    if (this.#closed) return;
    // A conflict waits for the clinician's choice; typing must not silently retry over it.
    if (this.conflict) {
      this.saveState = 'failed';
      return;
    }
    if (this.saveState !== 'failed') this.saveState = 'pending';
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.flush();
    }, delay);
  }

  /** Saves now (if anything is unsaved) and resolves when the text on screen is stored or the save failed. */
  flush(): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    if (this.#inFlight) {
      // The running loop picks up the newer text before it ends.
      this.#again = true;
      return this.#inFlight;
    }
    const loop = async () => {
      do {
        this.#again = false;
        if (this.saveState === 'saved') break;
        await this.#runSave();
      } while (this.#again && this.saveState !== 'failed');
    };
    this.#inFlight = loop().finally(() => {
      this.#inFlight = null;
    });
    return this.#inFlight;
  }

  async #runSave(): Promise<void> {
    // Sections are flat strings: a spread is a full copy (and works the same in server-compiled tests).
    const snapshot: ReportSections = { ...this.sections };
    const acceptAi = this.#acceptPending;
    this.saveState = 'saving';
    try {
      const record = await this.#save({ studyInstanceUid: this.studyInstanceUid, sections: snapshot, baseRevision: this.#revision, ...(acceptAi ? { acceptAi } : {}) });
      if (acceptAi) this.#acceptPending = false;
      this.#adopt(record);
      this.saveError = null;
      // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a new Date replaces the old on each save; none is mutated.
      this.lastSavedAt = new Date();
      // Typing during the save leaves newer text on screen: save again.
      const unchanged = (Object.keys(snapshot) as SectionName[]).every((k) => snapshot[k] === this.sections[k]);
      this.saveState = unchanged ? 'saved' : 'pending';
      if (!unchanged) this.#again = true;
    } catch (err) {
      this.saveState = 'failed';
      this.saveError = err instanceof Error ? err.message : String(err);
      const code = (err as { code?: unknown }).code;
      if (code === 'conflict' || code === 'signed') {
        this.conflict = code;
        return;
      }
      // Keep trying in the background; the indicator stays red until a save succeeds.
      if (!this.#closed) this.schedule(this.#retryMs);
    }
  }

  /** Stops timers; call after a last flush when the study is closed. */
  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
