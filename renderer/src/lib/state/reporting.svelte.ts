// The report of the study on screen: its session (opened and let go with the selection) and the report's actions.
// Each action has ONE function here, used by its button, its key and its menu item alike, so a check that must
// come before it has one place to go: requestDraft() before any draft (auto-draft included), requestSign() before
// any sign dialog, sign() / signAddendum() where the signature is sent. A study whose files name different
// patients is cleared by identity.svelte.ts first (startDraft, requestSign).
import { isEmptyReport, type SectionName } from '../../../../app/domain/report';
import { EXPORT_FORMAT_INFO, type ExportFormat, type ExportOptions } from '../../../../app/domain/export';
import { draftWouldReplaceClinicianText, mayPrefillTechnique } from '../../../../app/report/review';
import { techniqueText } from '../../../../app/report/technique';
import { api } from '../api';
import { NotSavedError, ReportSession } from './autosave.svelte';
import { drafting } from './drafting.svelte';
import { identity } from './identity.svelte';
import { library } from './library.svelte';
import { models } from './models.svelte';
import { errorText, toasts } from './toasts.svelte';
import { ui } from './ui.svelte';

class Reporting {
  session = $state<ReportSession | null>(null);
  /** Why the report could not be loaded, or null. */
  error = $state<string | null>(null);
  /** The sign dialog is open, for the report itself or for its addendum. */
  signOpen = $state(false);
  signing = $state<'report' | 'addendum'>('report');
  /** Asking before a draft replaces the clinician's text. */
  replaceOpen = $state(false);
  /** Asking before discarding a draft the clinician has edited since. */
  discardOpen = $state(false);
  /** The export dialog (format and options) is open. */
  exportOpen = $state(false);
  #seq = 0;

  /** The model is writing into the report: what is on screen is not the report yet. */
  get writing(): boolean {
    return (drafting.running && drafting.task === 'report') || !!this.session?.drafting;
  }

  /** Why the report cannot be signed, exported or copied now, or null. */
  get outputBlocked(): string | null {
    if (!this.session) return 'Open a study first';
    if (this.writing) return 'The AI draft is still being written: wait for it to finish or cancel it';
    return null;
  }

  /** Why no draft can be made now, or null. */
  get draftBlocked(): string | null {
    const s = this.session;
    if (!s || !library.selectedStudy || !library.selectedImageId) return 'Open a study first';
    if (s.isFinal) return 'The report is signed';
    if (ui.viewerError) return 'This image cannot be displayed, so nothing is drafted from it';
    if (models.active?.status !== 'ok') return 'No working model is active: open Models';
    return null;
  }

  /** Opens the report of the selected study; the previous one is saved before it is let go. */
  async open(uid: string | null): Promise<void> {
    const seq = ++this.#seq;
    const prev = this.session;
    if (prev && prev.studyInstanceUid === uid) return;
    if (prev) {
      await prev.flush();
      prev.close();
    }
    if (seq !== this.#seq) return;
    this.session = null;
    this.error = null;
    if (!uid) return;
    try {
      const record = await this.#load(uid);
      if (seq !== this.#seq) return;
      this.session = new ReportSession(uid, record, {
        save: (r) => api.saveReport(r),
        load: () => api.getReport(uid),
        insertDraft: (r) => api.insertDraft(r),
        discardDraft: (r) => api.discardDraft(r),
        sign: (r) => api.signReport(r),
        saveAddendum: (r) => api.saveAddendum(r),
        signAddendum: (r) => api.signAddendum(r),
      });
      // A study nobody has written in yet starts with Technique as its images describe it; the clinician edits it freely.
      const technique = !mayPrefillTechnique(record) ? '' : techniqueText(library.studies.find((st) => st.studyInstanceUid === uid)?.images ?? []);
      if (technique) this.session.edit('technique', technique);
      if (models.autoDraft && (!record || isEmptyReport(record.sections)) && !record?.provenance) {
        if (!models.loaded) await models.refresh();
        if (seq === this.#seq) this.requestDraft({ auto: true });
      }
    } catch (err) {
      if (seq === this.#seq) this.error = errorText(err);
    }
  }

  /** The open study's report changed in main (its background draft went in): show it, unless the clinician is editing. */
  async refreshFromMain(): Promise<void> {
    const s = this.session;
    if (!s) return;
    try {
      if (await s.refreshIfUntouched()) toasts.push('info', 'The AI draft is ready', 'It was drafted in the background; review each section before signing.');
    } catch (err) {
      toasts.push('error', 'Could not reload the report', errorText(err));
    }
  }

  /** A stored report that could not be read was set aside by main: say so once, then start a new one. */
  async #load(uid: string): ReturnType<typeof api.getReport> {
    try {
      return await api.getReport(uid);
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'damaged') throw err;
      toasts.push('error', 'The stored report could not be read', errorText(err), { studyInstanceUid: uid });
      return api.getReport(uid);
    }
  }

  /** Every draft starts here: asks first when the clinician's own text would be replaced. */
  requestDraft(options: { auto?: boolean } = {}): void {
    const s = this.session;
    const blocked = this.draftBlocked;
    if (blocked || drafting.running || !s) {
      if (blocked && !drafting.running && !options.auto) toasts.push('info', 'Cannot draft now', blocked);
      return;
    }
    if (draftWouldReplaceClinicianText(s.sections, s.ai)) {
      if (!options.auto) this.replaceOpen = true;
      return;
    }
    this.startDraft();
  }

  /** Runs the draft once the clinician agreed (or nothing of theirs is replaced). */
  startDraft(): void {
    const s = this.session;
    const study = library.selectedStudy;
    const imageId = library.selectedImageId;
    if (!s || !study || !imageId || this.draftBlocked || !identity.cleared(study, () => this.startDraft())) return;
    void drafting.draft(study, imageId, s);
  }

  /** Every signature starts here: the report's sign dialog, or the addendum's once the report is signed. */
  requestSign(): void {
    const s = this.session;
    if (!s) return;
    const blocked = this.outputBlocked;
    if (blocked) {
      toasts.push('info', 'Cannot sign now', blocked);
      return;
    }
    if (!s.isFinal) {
      if (identity.cleared(library.selectedStudy, () => this.requestSign())) this.#openSign('report');
    }
    else if (s.addendum.trim() !== '') this.#openSign('addendum');
    else toasts.push('info', 'This report is signed', 'A signed report is never changed: write an addendum below it and sign that.');
  }

  #openSign(what: 'report' | 'addendum'): void {
    this.signing = what;
    this.signOpen = true;
  }

  /** Signs the text on screen; `accept` lists the AI sections the clinician accepted in the sign dialog. */
  async sign(signedBy: string, accept: SectionName[]): Promise<boolean> {
    const s = this.session;
    if (!s || this.outputBlocked) return false;
    try {
      await s.sign(signedBy, accept);
      toasts.push('ok', `Signed by ${signedBy}`);
      return true;
    } catch (err) {
      toasts.push('error', err instanceof NotSavedError ? 'Not signed: the latest text is not saved yet' : 'Could not sign the report', errorText(err), { studyInstanceUid: s.studyInstanceUid });
      return false;
    }
  }

  async signAddendum(signedBy: string): Promise<boolean> {
    const s = this.session;
    if (!s || this.outputBlocked) return false;
    try {
      await s.signAddendum(signedBy);
      toasts.push('ok', `Addendum signed by ${signedBy}`);
      return true;
    } catch (err) {
      toasts.push('error', err instanceof NotSavedError ? 'Not signed: the addendum is not saved yet' : 'Could not sign the addendum', errorText(err), { studyInstanceUid: s.studyInstanceUid });
      return false;
    }
  }

  /** Every export starts here (button, Ctrl+E, menu): the dialog that chooses the format. */
  requestExport(): void {
    if (!this.session) return;
    const blocked = this.outputBlocked;
    if (blocked) {
      toasts.push('info', 'Not exported', blocked);
      return;
    }
    this.exportOpen = true;
  }

  /** Exports the stored report (saved first) in one format; false when it was not written. */
  async exportReport(format: ExportFormat = 'text', options: ExportOptions = {}): Promise<boolean> {
    const s = await this.#readyToLeave('exported');
    if (!s) return false;
    try {
      const r = await api.exportReport(s.studyInstanceUid, format, options);
      if (r.cancelled || !r.filePath) return false;
      toasts.push('ok', format === 'text' ? 'Report exported' : `Report exported as ${EXPORT_FORMAT_INFO[format].label}`, r.filePath);
      return true;
    } catch (err) {
      toasts.push('error', 'Could not export the report', errorText(err), { studyInstanceUid: s.studyInstanceUid });
      return false;
    }
  }

  /** Sends the signed report as DICOM SR to a configured PACS node (the export dialog's Send to PACS). */
  async sendToPacs(nodeId: string): Promise<boolean> {
    const s = await this.#readyToLeave('sent');
    if (!s) return false;
    try {
      const { node } = await api.sendToPacs(s.studyInstanceUid, nodeId);
      toasts.push('ok', 'Report sent to the PACS as DICOM SR', node);
      return true;
    } catch (err) {
      toasts.push('error', 'The report was not sent to the PACS', errorText(err));
      return false;
    }
  }

  async copyReport(): Promise<void> {
    const s = await this.#readyToLeave('copied');
    if (!s) return;
    try {
      await api.copyReport(s.studyInstanceUid);
      toasts.push('ok', 'Report copied to the clipboard');
    } catch (err) {
      toasts.push('error', 'Could not copy the report', errorText(err));
    }
  }

  /** The report as stored is the report on screen: saved, and no draft streaming into it. */
  async #readyToLeave(what: string): Promise<ReportSession | null> {
    const s = this.session;
    if (!s) return null;
    const blocked = this.outputBlocked;
    if (blocked) {
      toasts.push('info', `Not ${what}`, blocked);
      return null;
    }
    await s.flush();
    if (s.saveState === 'failed') {
      toasts.push('error', `Not ${what}: the latest text is not saved yet`, s.saveError ?? undefined);
      return null;
    }
    return s;
  }

  /** Accepts the AI text of these sections as it stands. */
  accept(names: SectionName[]): void {
    void this.session?.accept(names);
  }

  /** Takes the inserted draft out; asks first when the clinician has edited it since. */
  discardDraft(): void {
    const s = this.session;
    if (!s?.record?.undo || s.isFinal || this.writing) return;
    if (s.draftUntouched) void this.confirmDiscard();
    else this.discardOpen = true;
  }

  async confirmDiscard(): Promise<void> {
    const s = this.session;
    if (!s) return;
    try {
      await s.discardDraft();
      toasts.push('ok', 'AI draft discarded', 'The text from before the draft is back.');
    } catch (err) {
      toasts.push('error', 'Could not discard the draft', errorText(err));
    }
  }

  /**
   * Undo: right after a draft went in (nothing edited since), takes the whole draft out; otherwise the text
   * field's own undo.
   */
  undo(): void {
    if (this.session?.draftUntouched && !this.writing) void this.confirmDiscard();
    else document.execCommand('undo');
  }
}

export const reporting = new Reporting();
