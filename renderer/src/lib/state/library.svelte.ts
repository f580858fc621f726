// The studies the user has opened (kept by main) and which one is on screen.
import type { FileProblem, ImageSummary, OpenResult, StudySummary } from '../../../../app/domain/study';
import { preferredImage } from '../../../../app/domain/views';
import { api } from '../api';
import { drafting } from './drafting.svelte';
import { errorText, toasts } from './toasts.svelte';

class Library {
  studies = $state<StudySummary[]>([]);
  problems = $state<FileProblem[]>([]);
  busy = $state(false);
  selectedStudyUid = $state<string | null>(null);
  selectedImageId = $state<string | null>(null);

  get selectedStudy(): StudySummary | undefined {
    return this.studies.find((s) => s.studyInstanceUid === this.selectedStudyUid);
  }

  get selectedImage(): ImageSummary | undefined {
    return this.selectedStudy?.images.find((i) => i.imageId === this.selectedImageId);
  }

  async refresh(): Promise<void> {
    try {
      this.studies = await api.listStudies();
    } catch (err) {
      toasts.push('error', 'Could not list the open studies', errorText(err));
    }
  }

  async #open(what: string, run: () => Promise<OpenResult>): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const result = await run();
      if (result.cancelled) return;
      this.problems = result.problems;
      await this.refresh();
      const first = result.studies[0];
      if (first) this.select(first.studyInstanceUid);
      const images = result.studies.reduce((n, s) => n + s.images.length, 0);
      if (images > 0)
        toasts.opened(
          images,
          result.studies.map((s) => s.studyInstanceUid),
        );
      else if (result.problems.length === 0) toasts.push('info', `No DICOM images found in ${what}`);
    } catch (err) {
      toasts.push('error', `Could not open ${what}`, errorText(err));
    } finally {
      this.busy = false;
    }
  }

  openFiles = () => this.#open('the files', () => api.openDialog('files'));
  openFolder = () => this.#open('the folder', () => api.openDialog('folder'));
  openSamples = () => this.#open('the samples', () => api.openSamples());
  openPaths = (paths: string[]) => this.#open('the dropped files', () => api.openPaths(paths));

  /** Opens what the operating system handed over ("Open with", an associated .dcm), if anything is waiting. */
  openFromSystem = async () => {
    let paths: string[];
    try {
      paths = await api.takePendingOpens();
    } catch (err) {
      toasts.push('error', 'Could not open the files from the system', errorText(err));
      return;
    }
    if (paths.length > 0) await this.#open('the files opened from the system', () => api.openPaths(paths));
  };

  select(studyInstanceUid: string, imageId?: string): void {
    const study = this.studies.find((s) => s.studyInstanceUid === studyInstanceUid);
    if (!study) return;
    if (drafting.running && studyInstanceUid !== this.selectedStudyUid) {
      // The draft streams into this study's report; switching now would leave two editors on one report.
      toasts.push('info', 'A draft is being written', 'Wait for it to finish or cancel it before opening another study.');
      return;
    }
    this.selectedStudyUid = studyInstanceUid;
    this.selectedImageId = imageId ?? preferredImage(study.images)?.imageId ?? null;
  }

  /** Takes a study off the list (its report stays stored; opening its files brings it back). */
  async close(studyInstanceUid: string, selectNext: string | null): Promise<boolean> {
    try {
      const wasSelected = studyInstanceUid === this.selectedStudyUid;
      this.studies = await api.closeStudy(studyInstanceUid);
      if (wasSelected) {
        this.selectedStudyUid = null;
        this.selectedImageId = null;
        if (selectNext) this.select(selectNext);
      }
      return true;
    } catch (err) {
      toasts.push('error', 'The study was not closed', errorText(err), { studyInstanceUid });
      return false;
    }
  }

  dismissProblems(): void {
    this.problems = [];
  }
}

export const library = new Library();
