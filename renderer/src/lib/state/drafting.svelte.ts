// Drafting from the renderer's side: starts a model run, streams its text into the editor, shows progress, cancels,
// and remembers what the model wrote (for AI marks, confidence tints and located boxes). The model itself runs in
// main's inference worker; nothing here blocks the UI.
import type { Box, DraftEvent, DraftStage } from '../../../../app/domain/model';
import type { ReportSections } from '../../../../app/domain/report';
import type { StudySummary } from '../../../../app/domain/study';
import { draftImage } from '../../../../app/domain/views';
import { draftInsertion } from '../../../../app/report/review';
import { splitReportText } from '../../../../app/report/sections';
import { api, on } from '../api';
import type { ReportSession } from './autosave.svelte';
import { errorText, toasts } from './toasts.svelte';

/** A token's place in the generated text and how sure the model was of it. */
export interface TokenSpan {
  start: number;
  end: number;
  probability: number;
}

/** What the model wrote in this session for one study: its text, per-token confidence and section split. */
export interface AiText {
  text: string;
  spans: TokenSpan[];
  sections: Partial<ReportSections>;
}

export const STAGE_LABELS: Record<DraftStage, string> = {
  'loading-model': 'Loading the model',
  'reading-image': 'Reading the image',
  'reading-prompt': 'Reading the prompt',
  writing: 'Writing',
  done: 'Done',
  cancelled: 'Cancelled',
  error: 'Failed',
};

interface Run {
  draftId: string | null;
  task: 'report' | 'detect';
  studyInstanceUid: string;
  boxesImageId: string;
  session: ReportSession | null;
  /** Sections as they were before the draft: what app/report/review.ts's draftInsertion fills from. */
  before: ReportSections | null;
  text: string;
  spans: TokenSpan[];
  /** Events that arrived before draft:start answered with the id. */
  early: DraftEvent[];
}

class Drafting {
  running = $state(false);
  task = $state<'report' | 'detect'>('report');
  stage = $state<DraftStage | null>(null);
  tokens = $state(0);
  tokensPerSecond = $state(0);
  error = $state<string | null>(null);
  /** AI text per study, for this session. */
  ai = $state<Record<string, AiText>>({});
  /** Located boxes per image id. */
  boxes = $state<Record<string, Box[]>>({});

  #run: Run | null = null;
  #unsubscribe: (() => void) | null = null;

  /** Subscribes to draft events; called at start-up so no early event of a first draft can be missed. */
  listen(): void {
    if (this.#unsubscribe) return;
    this.#unsubscribe = on('draft:event', (event) => this.#onEvent(event));
  }

  /**
   * Starts a report draft. The caller has already asked before replacing clinician text. The text streams into the
   * editor but is not the report until main inserts it when the draft is done (ReportSession.insertDraft).
   */
  async draft(study: StudySummary, shownImageId: string, session: ReportSession): Promise<void> {
    if (this.running) return;
    const before = { ...session.sections };
    session.beginDraft();
    this.#begin({
      draftId: null,
      task: 'report',
      studyInstanceUid: study.studyInstanceUid,
      boxesImageId: '',
      session,
      before,
      text: '',
      spans: [],
      early: [],
    });
    await this.#start({
      studyInstanceUid: study.studyInstanceUid,
      imageId: shownImageId,
      task: 'report',
      indication: before.indication.trim() || undefined,
    });
  }

  /** Runs the model's detect prompt and keeps the boxes for the image it ran on. */
  async locate(study: StudySummary, shownImageId: string, label: string): Promise<void> {
    if (this.running) return;
    // The image main drafts from, so the boxes land on the right image.
    const image = draftImage(study.images, shownImageId);
    if (!image) return;
    this.#begin({ draftId: null, task: 'detect', studyInstanceUid: study.studyInstanceUid, boxesImageId: image.imageId, session: null, before: null, text: '', spans: [], early: [] });
    await this.#start({ studyInstanceUid: study.studyInstanceUid, imageId: shownImageId, task: 'detect', detectLabel: label.trim() || undefined });
  }

  async cancel(): Promise<void> {
    const run = this.#run;
    if (!run) return;
    if (!run.draftId) {
      // draft:start has not answered yet; cancel as soon as it does.
      run.early.push({ type: 'stage', draftId: '', stage: 'cancelled' });
      return;
    }
    try {
      await api.cancelDraft(run.draftId);
    } catch (err) {
      toasts.push('error', 'Could not cancel the draft', errorText(err));
    }
  }

  #begin(run: Run): void {
    this.listen();
    this.#run = run;
    this.running = true;
    this.task = run.task;
    this.stage = null;
    this.tokens = 0;
    this.tokensPerSecond = 0;
    this.error = null;
  }

  async #start(request: Parameters<typeof api.startDraft>[0]): Promise<void> {
    const run = this.#run!;
    try {
      const { draftId } = await api.startDraft(request);
      run.draftId = draftId;
      const early = run.early;
      run.early = [];
      if (early.some((e) => e.type === 'stage' && e.stage === 'cancelled' && e.draftId === '')) void api.cancelDraft(draftId).catch(() => undefined);
      for (const e of early) if (e.draftId === draftId) this.#onEvent(e);
    } catch (err) {
      this.#finish(run, 'error', errorText(err));
    }
  }

  #onEvent(event: DraftEvent): void {
    const run = this.#run;
    if (!run) return;
    if (!run.draftId) {
      run.early.push(event);
      return;
    }
    if (event.draftId !== run.draftId) return;
    switch (event.type) {
      case 'stage':
        this.stage = event.stage;
        if (event.stage === 'cancelled') this.#finish(run, 'cancelled');
        break;
      case 'token': {
        const start = run.text.length;
        run.text += event.text;
        run.spans.push({ start, end: run.text.length, probability: event.probability });
        this.tokens++;
        this.tokensPerSecond = event.tokensPerSecond;
        if (run.task === 'report') this.#apply(run, splitReportText(run.text, { final: false }));
        break;
      }
      case 'done':
        if (run.task === 'report') {
          // The final text is the authority; token confidences only count when the pieces add up to it.
          const text = event.text;
          const sections = splitReportText(text);
          this.#apply(run, sections);
          const spans = run.text === text ? run.spans : [];
          this.ai = { ...this.ai, [run.studyInstanceUid]: { text, spans, sections: pick(sections) } };
          if (run.session) void this.#insert(run.session, run.draftId);
        } else {
          this.boxes = { ...this.boxes, [run.boxesImageId]: event.boxes };
          if (event.boxes.length === 0) toasts.push('info', 'The model located nothing for this label');
        }
        this.#finish(run, 'done');
        break;
      case 'error':
        this.#finish(run, 'error', event.message);
        break;
    }
  }

  /** Shows the text so far where main will put it (the same rule main applies when it inserts the draft). */
  #apply(run: Run, sections: ReportSections): void {
    if (!run.session || !run.before) return;
    run.session.editMany(draftInsertion(run.before, sections));
  }

  /** The draft is done: main puts it into the stored report; a failure there leaves the report as it was. */
  async #insert(session: ReportSession, draftId: string): Promise<void> {
    try {
      await session.insertDraft(draftId);
    } catch (err) {
      toasts.push('error', 'The draft could not be put into the report', errorText(err));
    }
  }

  #finish(run: Run, outcome: 'done' | 'cancelled' | 'error', message?: string): void {
    if (this.#run !== run) return;
    // A cancelled or failed draft leaves the report as it was.
    if (outcome !== 'done') run.session?.abandonDraft();
    if (outcome === 'error') {
      this.error = message ?? 'Drafting failed.';
      toasts.push('error', run.task === 'report' ? 'The draft could not be written' : 'Locate failed', this.error);
    }
    this.stage = outcome === 'done' ? 'done' : outcome === 'cancelled' ? 'cancelled' : 'error';
    this.running = false;
    this.#run = null;
  }

  clearBoxes(imageId: string): void {
    const next = { ...this.boxes };
    delete next[imageId];
    this.boxes = next;
  }
}

function pick(sections: ReportSections): Partial<ReportSections> {
  return Object.fromEntries(Object.entries(sections).filter(([k, text]) => k !== 'indication' && text.trim() !== '')) as Partial<ReportSections>;
}

export const drafting = new Drafting();
