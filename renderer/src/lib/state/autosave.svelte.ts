// The editor's copy of one report and everything that changes it in main. Edits are autosaved within a second
// (debounced), a failure is shown and retried, never dropped. Saves and the report's other actions (putting a draft
// in, taking it out, signing, addenda) run one at a time in order, each on the revision the one before left, so a
// save can never overtake a signature. What counts as unreviewed AI text comes from app/report/review.ts.
import {
  emptySections,
  SECTION_LABELS,
  SECTION_MAX_CHARS,
  SECTION_NAMES,
  sameSections,
  sectionTooLongMessage,
  type ReportRecord,
  type ReportSections,
  type SectionName,
  type SectionsAi,
} from '../../../../app/domain/report';
import { aiAfterAcceptance, DRAFTED_SECTIONS, sectionOrigin, unreviewedAiSections, type SectionOrigin } from '../../../../app/report/review';

export type SaveState = 'saved' | 'pending' | 'saving' | 'failed';

export interface SaveRequest {
  studyInstanceUid: string;
  sections: ReportSections;
  baseRevision: number;
  accept?: SectionName[];
}

/** Main's report operations the session uses; each answers with the stored record. */
export interface ReportOps {
  save(request: SaveRequest): Promise<ReportRecord>;
  /** Reads the stored record, to re-base on it after a conflict. */
  load?(): Promise<ReportRecord | null>;
  insertDraft?(request: { studyInstanceUid: string; draftId: string; baseRevision: number }): Promise<ReportRecord>;
  discardDraft?(request: { studyInstanceUid: string; baseRevision: number }): Promise<ReportRecord>;
  sign?(request: { studyInstanceUid: string; signedBy: string; sections: ReportSections; baseRevision: number; accept: SectionName[] }): Promise<ReportRecord>;
  saveAddendum?(request: { studyInstanceUid: string; text: string; baseRevision: number }): Promise<ReportRecord>;
  signAddendum?(request: { studyInstanceUid: string; signedBy: string; text: string; baseRevision: number }): Promise<ReportRecord>;
}

export interface AutosaveOptions extends ReportOps {
  /** Quiet time after the last keystroke before saving; ≤ 1 s so a crash loses at most a second. */
  debounceMs?: number;
  retryMs?: number;
}

/** An action could not run because the text on screen is not saved (or does not fit); nothing was sent. */
export class NotSavedError extends Error {
  override name = 'NotSavedError';
}

export class ReportSession {
  readonly studyInstanceUid: string;
  sections = $state<ReportSections>(emptySections());
  record = $state<ReportRecord | null>(null);
  /** The addendum being written to a signed report. */
  addendum = $state('');
  saveState = $state<SaveState>('saved');
  saveError = $state<string | null>(null);
  /** The stored report changed elsewhere (or was signed): retrying cannot help, the clinician decides. */
  conflict = $state<'conflict' | 'signed' | null>(null);
  lastSavedAt = $state<Date | null>(null);
  /** Sections the clinician accepted whose acceptance is not stored yet. */
  pendingAccept = $state<SectionName[]>([]);
  /** A draft is being written into the drafted sections: what is on screen there is not the report yet. */
  drafting = $state(false);

  #ops: ReportOps;
  #debounceMs: number;
  #retryMs: number;
  #timer: ReturnType<typeof setTimeout> | null = null;
  /** Every save and action runs after the one before it. */
  #chain: Promise<unknown> = Promise.resolve();
  #flushQueued: Promise<void> | null = null;
  #dirty = false;
  #revision = 0;
  #closed = false;
  /** Save even when the text equals the stored record as this session last saw it (Keep mine after a conflict). */
  #force = false;
  /** The drafted sections as they were when the draft started: what is stored there while the draft streams. */
  #before: Partial<ReportSections> = {};

  constructor(studyInstanceUid: string, record: ReportRecord | null, options: AutosaveOptions) {
    this.studyInstanceUid = studyInstanceUid;
    this.#ops = options;
    this.#debounceMs = options.debounceMs ?? 600;
    this.#retryMs = options.retryMs ?? 3000;
    if (record) this.replaceRecord(record);
  }

  get isFinal(): boolean {
    return this.record?.status === 'final';
  }

  get hasUnsaved(): boolean {
    return this.saveState !== 'saved';
  }

  /** The AI text of each section as the clinician sees it: stored review plus acceptances not stored yet. */
  get ai(): SectionsAi {
    return aiAfterAcceptance(this.sections, this.record?.ai ?? {}, this.pendingAccept);
  }

  origin(name: SectionName): SectionOrigin {
    return sectionOrigin(this.sections[name], this.ai[name]);
  }

  /** Sections holding AI text nobody accepted or edited; the sign dialog lists them. */
  get unreviewed(): SectionName[] {
    return unreviewedAiSections(this.sections, this.ai);
  }

  /** The last inserted draft is still as the model wrote it: Undo takes it out again. */
  get draftUntouched(): boolean {
    const undo = this.record?.undo;
    if (!undo || this.drafting || this.isFinal) return false;
    return (Object.keys(undo.sections) as SectionName[]).every((k) => this.sections[k] === (this.record?.ai[k]?.text ?? ''));
  }

  /** A clear message for each section (or the addendum) over the size limit; nothing is saved until it fits. */
  get tooLong(): string[] {
    const out = SECTION_NAMES.filter((k) => this.sections[k].length > SECTION_MAX_CHARS).map((k) => sectionTooLongMessage(SECTION_LABELS[k], this.sections[k].length));
    if (this.addendum.length > SECTION_MAX_CHARS) out.push(sectionTooLongMessage('The addendum', this.addendum.length));
    return out;
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

  /** Replaces several sections at once (a model draft as it streams, for instance). */
  editMany(patch: Partial<ReportSections>): void {
    this.sections = { ...this.sections, ...patch };
    this.schedule();
  }

  editAddendum(text: string): void {
    if (this.addendum === text) return;
    this.addendum = text;
    this.schedule();
  }

  /** Marks these sections' AI text accepted as it stands and saves that with the report. */
  accept(names: readonly SectionName[]): Promise<void> {
    this.pendingAccept = [...this.pendingAccept, ...names.filter((k) => !this.pendingAccept.includes(k))];
    this.schedule();
    return this.flush();
  }

  /** A draft starts streaming into the drafted sections; until it is inserted, saves keep their text from before. */
  beginDraft(): void {
    this.#before = Object.fromEntries(DRAFTED_SECTIONS.map((k) => [k, this.sections[k]]));
    this.drafting = true;
  }

  /** The draft was cancelled or failed: the drafted sections get back what they held. */
  abandonDraft(): void {
    if (!this.drafting) return;
    this.drafting = false;
    this.editMany(this.#before);
  }

  /** Puts the finished draft into the stored report (main decides where each part goes) and shows that. */
  async insertDraft(draftId: string): Promise<void> {
    const insert = this.#need('insertDraft');
    try {
      await this.#act((baseRevision) => insert({ studyInstanceUid: this.studyInstanceUid, draftId, baseRevision }), (record) => {
        const filled = Object.keys(record.undo?.sections ?? {}) as SectionName[];
        this.drafting = false;
        this.sections = { ...this.sections, ...Object.fromEntries(DRAFTED_SECTIONS.map((k) => [k, filled.includes(k) ? record.sections[k] : this.#before[k]])) };
      });
    } catch (error) {
      this.abandonDraft();
      throw error;
    }
  }

  /** Takes the last inserted draft out: the sections it filled get back the text from before it. */
  discardDraft(): Promise<ReportRecord> {
    const discard = this.#need('discardDraft');
    return this.#act((baseRevision) => discard({ studyInstanceUid: this.studyInstanceUid, baseRevision }), (record) => {
      this.sections = { ...record.sections };
    });
  }

  /** Signs the text on screen; `accept` lists the AI sections the clinician accepted in the sign dialog. */
  sign(signedBy: string, accept: SectionName[]): Promise<ReportRecord> {
    const sign = this.#need('sign');
    return this.#act((baseRevision) => sign({ studyInstanceUid: this.studyInstanceUid, signedBy, sections: { ...this.sections }, baseRevision, accept }), (record) =>
      this.replaceRecord(record),
    );
  }

  /** Signs the addendum on screen, with its own time. */
  signAddendum(signedBy: string): Promise<ReportRecord> {
    const sign = this.#need('signAddendum');
    return this.#act((baseRevision) => sign({ studyInstanceUid: this.studyInstanceUid, signedBy, text: this.addendum, baseRevision }), (record) => this.replaceRecord(record));
  }

  /** Applies a record main returned without saving again. */
  replaceRecord(record: ReportRecord): void {
    this.#adopt(record);
    this.sections = { ...record.sections };
    const last = record.addenda[record.addenda.length - 1];
    this.addendum = last?.status === 'draft' ? last.text : '';
    this.pendingAccept = [];
    this.#dirty = false;
  }

  /**
   * Main changed the stored report on its own (a background draft went in): take the stored version when nothing on
   * screen is unsaved and no draft is streaming; answers whether it was taken.
   */
  refreshIfUntouched(): Promise<boolean> {
    const load = this.#ops.load;
    if (!load) return Promise.resolve(false);
    return this.#serial(async () => {
      if (this.#closed || this.#dirty || this.drafting || this.conflict || this.saveState !== 'saved') return false;
      const latest = await load();
      if (!latest || this.#dirty || latest.revision === this.record?.revision) return false;
      this.replaceRecord(latest);
      return true;
    });
  }

  /** After a conflict: store the text on screen over the newer stored version (that version stays in history). */
  async keepMine(): Promise<void> {
    const load = this.#ops.load;
    if (!load) return;
    try {
      const latest = await load();
      if (latest?.status === 'final' && !this.isFinal) {
        this.conflict = 'signed';
        this.saveError = `This report was signed by ${latest.signedBy ?? 'a clinician'} and can no longer be edited.`;
        return;
      }
      this.#revision = latest?.revision ?? 0;
      this.conflict = null;
      this.#dirty = true;
      this.#force = true;
      this.saveState = 'pending';
      await this.flush();
    } catch (err) {
      this.saveError = err instanceof Error ? err.message : String(err);
    }
  }

  /** After a conflict: show the stored version instead (the text on screen is dropped). */
  async takeTheirs(): Promise<void> {
    const load = this.#ops.load;
    if (!load) return;
    try {
      const latest = await load();
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
    this.#dirty = true;
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
    this.#clearTimer();
    if (this.#flushQueued) return this.#flushQueued;
    const queued = this.#serial(async () => {
      this.#flushQueued = null;
      await this.#saveLoop();
    });
    this.#flushQueued = queued;
    return queued;
  }

  /** Stops timers; call after a last flush when the study is closed. */
  close(): void {
    this.#closed = true;
    this.#clearTimer();
  }

  #need<K extends keyof ReportOps>(op: K): NonNullable<ReportOps[K]> {
    const fn = this.#ops[op];
    if (!fn) throw new Error(`This report session cannot ${op}.`);
    return fn.bind(this.#ops) as NonNullable<ReportOps[K]>;
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#chain.then(task);
    this.#chain = run.catch(() => undefined);
    return run;
  }

  /** An action on the stored report: saves first, then sends it on the revision that save left. */
  #act(send: (baseRevision: number) => Promise<ReportRecord>, apply: (record: ReportRecord) => void): Promise<ReportRecord> {
    this.#clearTimer();
    return this.#serial(async () => {
      await this.#saveLoop();
      if (this.saveState === 'failed') throw new NotSavedError(`The latest text is not saved yet: ${this.saveError ?? 'retrying'}`);
      const record = await send(this.#revision);
      this.#adopt(record);
      apply(record);
      this.#settle();
      return record;
    });
  }

  /** After an action: anything typed meanwhile still differs from the stored text and is saved next. */
  #settle(): void {
    const stored = this.record?.sections ?? emptySections();
    this.#dirty = !sameSections(this.#persisted(), stored) || this.pendingAccept.length > 0 || this.#addendumUnsaved();
    this.saveState = this.#dirty ? 'pending' : 'saved';
    if (this.#dirty) this.schedule();
  }

  /** What a save stores: while a draft streams, the drafted sections keep their text from before it. */
  #persisted(): ReportSections {
    return this.drafting ? { ...this.sections, ...this.#before } : { ...this.sections };
  }

  #addendumUnsaved(): boolean {
    const last = this.record?.addenda[this.record.addenda.length - 1];
    return this.isFinal && this.addendum !== (last?.status === 'draft' ? last.text : '');
  }

  async #saveLoop(): Promise<void> {
    while (this.#dirty && !this.conflict) {
      await this.#runSave();
      if (this.saveState === 'failed') return;
    }
  }

  async #runSave(): Promise<void> {
    this.#dirty = false;
    const tooLong = this.tooLong;
    if (tooLong.length > 0) {
      // Main would refuse it; the clinician shortens the text and the next edit saves it.
      this.saveState = 'failed';
      this.saveError = tooLong.join(' ');
      return;
    }
    const final = this.isFinal;
    const snapshot = this.#persisted();
    const addendum = this.addendum;
    const accept = [...this.pendingAccept];
    const stored = this.record?.sections ?? emptySections();
    const force = this.#force;
    this.#force = false;
    if (!force && !final && accept.length === 0 && sameSections(snapshot, stored)) {
      this.saveState = 'saved';
      this.saveError = null;
      return;
    }
    if (!force && final && !this.#addendumUnsaved()) {
      this.saveState = 'saved';
      this.saveError = null;
      return;
    }
    this.saveState = 'saving';
    try {
      const record = final
        ? await this.#need('saveAddendum')({ studyInstanceUid: this.studyInstanceUid, text: addendum, baseRevision: this.#revision })
        : await this.#ops.save({ studyInstanceUid: this.studyInstanceUid, sections: snapshot, baseRevision: this.#revision, ...(accept.length > 0 ? { accept } : {}) });
      this.#adopt(record);
      this.pendingAccept = this.pendingAccept.filter((k) => !accept.includes(k));
      this.saveError = null;
      // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a new Date replaces the old on each save; none is mutated.
      this.lastSavedAt = new Date();
      // Typing during the save leaves newer text on screen: save again.
      const changed = final ? addendum !== this.addendum : !sameSections(snapshot, this.#persisted());
      if (changed || this.pendingAccept.length > 0) this.#dirty = true;
      this.saveState = this.#dirty ? 'pending' : 'saved';
    } catch (err) {
      this.#dirty = true;
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
}
