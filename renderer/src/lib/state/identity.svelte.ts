// Patient identity before a report is written: a study whose files share a Study Instance UID but name different
// patients (main flags it as identityConflict) is not drafted or signed until the clinician answers — the same
// patient after all, or one study per patient. The draft and sign flows ask cleared() first.
import type { StudySummary } from '../../../../app/domain/study';
import { api } from '../api';
import { library } from './library.svelte';
import { errorText, toasts } from './toasts.svelte';

export type IdentityChoice = 'same-patient' | 'separate' | 'cancel';

/** True while the study's files name different patients and the clinician has not confirmed they are one. */
export function unresolvedIdentity(study: StudySummary | undefined): boolean {
  return !!study?.identityConflict && !study.identityConflict.confirmed;
}

class IdentityCheck {
  /** The study the dialog asks about, while it is open. */
  asking = $state<StudySummary | null>(null);
  /** The flow to run again once the clinician confirms one patient. */
  #then: (() => void) | null = null;

  /**
   * True when the study may be drafted or signed now (one patient, or confirmed). Otherwise asks the clinician and
   * returns false; `then` runs once they confirm one patient ("separate studies" splits it instead, and the
   * clinician goes on with the part they mean). Synchronous when there is nothing to ask.
   */
  cleared(study: StudySummary | undefined, then: () => void): boolean {
    if (!study) return false;
    if (!unresolvedIdentity(study)) return true;
    this.asking = study;
    this.#then = then;
    return false;
  }

  async choose(choice: IdentityChoice): Promise<void> {
    const study = this.asking;
    const then = this.#then;
    this.asking = null;
    this.#then = null;
    if (!study || choice === 'cancel') return;
    try {
      library.studies = await api.resolveIdentity(study.studyInstanceUid, choice);
    } catch (err) {
      toasts.push('error', 'Could not record the answer', errorText(err));
      return;
    }
    if (choice === 'same-patient') return then?.();
    // Show the part that holds the image on screen; the clinician drafts or signs it as its own study.
    const shown = library.selectedImageId;
    const part = library.studies.find((s) => s.splitFrom === study.studyInstanceUid && s.images.some((i) => i.imageId === shown));
    if (part) library.select(part.studyInstanceUid, shown ?? undefined);
    toasts.push('info', 'Opened as separate studies', 'Each patient’s images are now a study of their own, with their own report.');
  }
}

export const identity = new IdentityCheck();
