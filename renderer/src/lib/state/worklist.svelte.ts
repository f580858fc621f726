// The study list as a worklist: the search, the date order, each study's report status, and the moves between
// studies (next, previous, next unreported, close). Which study is on screen stays library.svelte.ts's.
import { afterClosing, matchesSearch, nextUnreported, stepStudy, visibleStudies, type StudyOrder } from '../../../../app/domain/worklist';
import { reportProgress, type ReportProgress } from '../../../../app/report/review';
import { api } from '../api';
import { alerts } from './alerts.svelte';
import { library } from './library.svelte';
import { reporting } from './reporting.svelte';
import { errorText, toasts } from './toasts.svelte';

class Worklist {
  query = $state('');
  order = $state<StudyOrder>('newest');
  /** Each study's report status as main last told (the study on screen is read from its editor instead). */
  stored = $state<Record<string, ReportProgress>>({});
  #seq = 0;

  /** The studies as the list shows them: the search's, and the one on screen. */
  get visible() {
    return visibleStudies(library.studies, this.query, this.order, library.selectedStudyUid);
  }

  /** How many studies the search finds (the one on screen not counted when it is only kept in view). */
  get found(): number {
    return library.studies.filter((s) => matchesSearch(s, this.query)).length;
  }

  /** A study's report status; the one on screen as its editor holds it now, so typing or signing shows at once. */
  progress(uid: string): ReportProgress {
    const s = reporting.session;
    if (s && s.studyInstanceUid === uid) {
      // While the model writes, the text is the model's even before main has recorded it as a draft.
      if (s.drafting) return 'ai-draft';
      return reportProgress({ sections: s.sections, ai: s.ai, status: s.record?.status ?? 'draft', addenda: s.record?.addenda ?? [] });
    }
    return this.stored[uid] ?? 'none';
  }

  /** Keeps the status the editor shows for its study, so it is right in the list once another study is on screen. */
  remember(uid: string, progress: ReportProgress): void {
    if (this.stored[uid] !== progress) this.stored = { ...this.stored, [uid]: progress };
  }

  /** Asks main where every open study's report stands (after opening, closing and leaving a study). */
  async refresh(): Promise<void> {
    const seq = ++this.#seq;
    const uids = library.studies.map((s) => s.studyInstanceUid);
    if (uids.length === 0) return;
    try {
      const progress = await api.reportProgress(uids);
      if (seq === this.#seq) this.stored = progress;
    } catch (err) {
      toasts.push('error', 'The report status of the studies could not be read', errorText(err));
    }
  }

  toggleOrder(): void {
    this.order = this.order === 'newest' ? 'oldest' : 'newest';
  }

  next(): void {
    this.#go(stepStudy(this.visible, library.selectedStudyUid, 1), 'This is the last study in the list.');
  }

  previous(): void {
    this.#go(stepStudy(this.visible, library.selectedStudyUid, -1), 'This is the first study in the list.');
  }

  nextUnreported(): void {
    const uid = nextUnreported(this.visible, library.selectedStudyUid, (u) => this.progress(u));
    if (uid !== null && uid === library.selectedStudyUid) toasts.push('info', 'This is the last study not yet signed', undefined, { key: 'worklist-end' });
    else this.#go(uid, this.query ? 'Every study the search shows is signed.' : 'Every study in the list is signed.');
  }

  /** Closes a study; the list then selects the one after it (before it at the end) when it was on screen. */
  async close(uid: string | null = library.selectedStudyUid): Promise<void> {
    if (!uid) return;
    if (uid === library.selectedStudyUid) await reporting.session?.flush();
    const ok = await library.close(uid, afterClosing(this.visible, uid));
    if (ok) alerts.forgetStudy(uid);
  }

  #go(uid: string | null, atEnd: string): void {
    if (uid !== null) library.select(uid);
    else if (this.visible.length > 0) toasts.push('info', atEnd, undefined, { key: 'worklist-end' });
  }
}

export const worklist = new Worklist();
