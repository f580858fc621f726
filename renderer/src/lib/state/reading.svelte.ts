// How the selected study hangs in the viewer (issue 11): the layout (1×1, 1×2, 2×2), which image each viewport shows,
// which viewport is active, and the comparison with a prior. The hanging rules themselves are app/domain/views.ts.
import type { ImageSummary, StudySummary } from '../../../../app/domain/study';
import type { PriorStudy } from '../../../../app/ipc/contract';
import { cellCount, defaultLayout, hangImages, type Layout } from '../../../../app/domain/views';
import { comparisonText } from '../../../../app/domain/priors';
import { invoke } from '../api';
import { library } from './library.svelte';
import { reporting } from './reporting.svelte';
import { errorText, toasts } from './toasts.svelte';

class Reading {
  layout = $state<Layout>('1x1');
  /** The image id each viewport shows (null: empty), in reading order: left to right, then top to bottom. */
  cells = $state<Array<string | null>>([null]);
  active = $state(0);
  /** The study the viewports were hung for. */
  hungUid = $state<string | null>(null);
  /** The selected study's earlier studies, most recent first (app/domain/priors.ts). */
  priors = $state<PriorStudy[]>([]);
  /** The prior shown beside the current study, or null. */
  comparing = $state<PriorStudy | null>(null);
  /** Zoom, pan and window follow from one viewport to the others. */
  linked = $state(false);
  /** Opening a prior's files. */
  busy = $state(false);
  #priorSeq = 0;

  /** The image on the active viewport. */
  get activeImageId(): string | null {
    return this.cells[this.active] ?? null;
  }

  /** An image of the selected study or of the prior being compared. */
  image(imageId: string | null | undefined): ImageSummary | undefined {
    if (!imageId) return undefined;
    return library.selectedStudy?.images.find((i) => i.imageId === imageId) ?? this.comparing?.study.images.find((i) => i.imageId === imageId);
  }

  /** Whether the image belongs to the prior on comparison (not to the study being reported). */
  isPrior(imageId: string | null | undefined): boolean {
    return !!imageId && !!this.comparing?.study.images.some((i) => i.imageId === imageId);
  }

  /** Follows the study list's selection: a newly selected study is hung by the protocol, a chosen image is shown. */
  follow(study: StudySummary | undefined, imageId: string | null): void {
    const uid = study?.studyInstanceUid ?? null;
    if (uid !== this.hungUid) {
      this.hungUid = uid;
      this.comparing = null;
      this.priors = [];
      this.hang(study ? defaultLayout(study.images) : '1x1');
      if (study) void this.loadPriors(study.studyInstanceUid);
    }
    if (!imageId || this.cells[this.active] === imageId) return;
    // An image shown already (perhaps in two viewports) makes its first viewport active; another takes the active one.
    if (this.cells.includes(imageId)) this.active = this.cells.indexOf(imageId);
    else this.place(this.active, imageId);
  }

  /** Hangs the study (and the prior on comparison) in `layout` by the protocol. */
  hang(layout: Layout): void {
    const study = library.selectedStudy;
    this.layout = layout;
    this.cells = study ? hangImages(layout, study.images, this.comparing?.study.images ?? null) : Array.from({ length: cellCount(layout) }, () => null);
    this.active = 0;
    this.#select();
  }

  /** Changes the layout, keeping what the viewports that remain show; new viewports get the next images. */
  setLayout(layout: Layout): void {
    if (layout === this.layout) return;
    const study = library.selectedStudy;
    const count = cellCount(layout);
    const protocol = study ? hangImages(layout, study.images, this.comparing?.study.images ?? null) : [];
    const kept = this.cells.slice(0, count);
    const rest = protocol.filter((id) => id !== null && !kept.includes(id));
    this.cells = Array.from({ length: count }, (_, i) => kept[i] ?? rest.shift() ?? null);
    this.layout = layout;
    this.active = Math.min(this.active, count - 1);
    this.#select();
  }

  /** Shows the image in viewport `cell` (a click or a drop from the thumbnail strip) and makes it active. */
  place(cell: number, imageId: string): void {
    if (cell < 0 || cell >= this.cells.length) return;
    const next = [...this.cells];
    next[cell] = imageId;
    this.cells = next;
    this.active = cell;
    this.#select();
  }

  activate(cell: number): void {
    if (cell < 0 || cell >= this.cells.length || cell === this.active) return;
    this.active = cell;
    this.#select();
  }

  /** The study list marks the active image when it is the current study's (a prior's image is not drafted from). */
  #select(): void {
    const id = this.activeImageId;
    if (id && library.selectedStudy?.images.some((i) => i.imageId === id)) library.selectedImageId = id;
  }

  async loadPriors(studyInstanceUid: string): Promise<void> {
    const seq = ++this.#priorSeq;
    try {
      const priors = await invoke('studies:priors', { studyInstanceUid });
      if (seq === this.#priorSeq && this.hungUid === studyInstanceUid) this.priors = priors;
    } catch (err) {
      if (seq === this.#priorSeq) toasts.push('error', 'The earlier studies of this patient could not be looked up', errorText(err));
    }
  }

  /**
   * Compare: the prior's frontal beside the current one (1×2), its report beside them, and the report's Comparison
   * section prefilled with the prior's kind and date when it is still empty.
   */
  async compare(prior: PriorStudy | undefined = this.priors[0]): Promise<void> {
    const current = library.selectedStudy;
    if (!prior || !current || this.busy) return;
    this.busy = true;
    try {
      const study = prior.open ? prior.study : await invoke('studies:openPrior', { studyInstanceUid: prior.study.studyInstanceUid });
      if (library.selectedStudyUid !== current.studyInstanceUid) return;
      if (!prior.open) await library.refresh();
      this.comparing = { ...prior, study, open: true };
      this.hang(this.layout === '2x2' ? '2x2' : '1x2');
      const session = reporting.session;
      if (session && !session.isFinal && session.studyInstanceUid === current.studyInstanceUid && session.sections.comparison.trim() === '') {
        session.edit('comparison', comparisonText(study));
      }
    } catch (err) {
      toasts.push('error', 'The earlier study could not be opened', errorText(err));
    } finally {
      this.busy = false;
    }
  }

  /** Back to the current study alone. */
  endCompare(): void {
    if (!this.comparing) return;
    this.comparing = null;
    const study = library.selectedStudy;
    this.hang(study ? defaultLayout(study.images) : '1x1');
  }

  toggleCompare(): void {
    if (this.comparing) this.endCompare();
    else void this.compare();
  }
}

export const reading = new Reading();
