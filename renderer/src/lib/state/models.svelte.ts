// Installed models as main reports them, the active one, imports with progress, and the auto-draft preference.
import type { ModelSummary, WeightDtype } from '../../../../app/domain/model';
import { api, on } from '../api';
import { errorText, toasts } from './toasts.svelte';

const AUTO_DRAFT_KEY = 'radraft.autoDraft';
const TINT_KEY = 'radraft.tint';
const THRESHOLD_KEY = 'radraft.tintThreshold';

class Models {
  list = $state<ModelSummary[]>([]);
  loaded = $state(false);
  error = $state<string | null>(null);
  importing = $state<{ jobId: string | null; fraction: number; message: string } | null>(null);
  verifying = $state<string | null>(null);
  exporting = $state(false);
  validating = $state<{ modelId: string; jobId: string | null; done: number; total: number; message: string } | null>(null);
  autoDraft = $state(localStorage.getItem(AUTO_DRAFT_KEY) === 'true');
  tint = $state(localStorage.getItem(TINT_KEY) === 'true');
  threshold = $state(Number(localStorage.getItem(THRESHOLD_KEY) ?? '0.5') || 0.5);
  #listening = false;
  #listeningValidation = false;

  get active(): ModelSummary | undefined {
    return this.list.find((m) => m.active);
  }

  async refresh(): Promise<void> {
    try {
      this.list = await api.listModels();
      this.error = null;
    } catch (err) {
      this.error = errorText(err);
    } finally {
      this.loaded = true;
    }
  }

  async setActive(id: string): Promise<void> {
    try {
      this.list = await api.setActiveModel(id);
    } catch (err) {
      toasts.push('error', 'Could not choose that model', errorText(err));
    }
  }

  async verify(id: string): Promise<void> {
    this.verifying = id;
    try {
      const m = await api.verifyModel(id);
      this.list = this.list.map((x) => (x.id === id ? m : x));
      if (m.status === 'ok') toasts.push('ok', `${m.name}: all files match their hashes`);
      else toasts.push('error', `${m.name} is damaged`, m.problem ?? undefined);
    } catch (err) {
      toasts.push('error', 'Could not verify the model', errorText(err));
    } finally {
      this.verifying = null;
    }
  }

  async importModel(dtype: WeightDtype): Promise<void> {
    if (this.importing) return;
    if (!this.#listening) {
      this.#listening = true;
      on('models:importProgress', (p) => {
        if (this.importing && (this.importing.jobId === null || this.importing.jobId === p.jobId)) {
          this.importing = { jobId: p.jobId, fraction: p.fraction, message: p.message };
        }
      });
    }
    this.importing = { jobId: null, fraction: 0, message: 'Choose the checkpoint folder…' };
    try {
      const r = await api.importModel(dtype);
      if (r.cancelled) return;
      await this.refresh();
      if (r.model) toasts.push('ok', `Imported ${r.model.name}`);
    } catch (err) {
      toasts.push('error', 'The model could not be imported', errorText(err));
    } finally {
      this.importing = null;
    }
  }

  /** Validates a model on a dataset folder or on the signed reports (main asks for the folder). */
  async validate(modelId: string, source: 'folder' | 'signed'): Promise<void> {
    if (this.validating) return;
    if (!this.#listeningValidation) {
      this.#listeningValidation = true;
      on('models:validateProgress', (p) => {
        if (this.validating && this.validating.modelId === p.modelId && (this.validating.jobId === null || this.validating.jobId === p.jobId)) {
          this.validating = { modelId: p.modelId, jobId: p.jobId, done: p.done, total: p.total, message: p.message };
        }
      });
    }
    this.validating = { modelId, jobId: null, done: 0, total: 0, message: source === 'folder' ? 'Choose the dataset folder…' : "Choose the folder with the signed studies' images…" };
    try {
      const r = await api.validateModel(modelId, source);
      if (r.cancelled) {
        if (r.jobId) toasts.push('info', 'Validation stopped', 'The cases drafted so far are kept: validating on the same data again continues from there.');
        return;
      }
      if (r.model) {
        this.list = this.list.map((m) => (m.id === modelId && r.model ? r.model : m));
        toasts.push('ok', `${r.model.name} ${r.model.validation?.summary ?? 'validated'}`);
      }
    } catch (err) {
      toasts.push('error', 'The validation could not finish', errorText(err));
    } finally {
      this.validating = null;
    }
  }

  async cancelValidation(): Promise<void> {
    const jobId = this.validating?.jobId;
    if (!jobId) return;
    try {
      await api.cancelValidation(jobId);
    } catch (err) {
      toasts.push('error', 'Could not stop the validation', errorText(err));
    }
  }

  async openValidationReport(modelId: string): Promise<void> {
    try {
      const r = await api.openValidationReport(modelId);
      if (!r.opened) toasts.push('info', 'Validation report', r.path);
    } catch (err) {
      toasts.push('error', 'Could not open the validation report', errorText(err));
    }
  }

  /** Writes the signed reports as a de-identified fine-tuning set (main asks for the images and the target folder). */
  async exportTrainingSet(): Promise<void> {
    if (this.exporting) return;
    this.exporting = true;
    try {
      const r = await api.exportTrainingSet();
      if (r.cancelled) return;
      const skipped = r.skipped > 0 ? `; ${r.skipped} left out (image not found or empty report)` : '';
      toasts.push('ok', `Training data written: ${r.train} train + ${r.validation} validation cases from ${r.patients} patients`, `${r.outDir ?? ''}${skipped}`);
    } catch (err) {
      toasts.push('error', 'The training data could not be written', errorText(err));
    } finally {
      this.exporting = false;
    }
  }

  setAutoDraft(v: boolean): void {
    this.autoDraft = v;
    localStorage.setItem(AUTO_DRAFT_KEY, String(v));
  }

  setTint(v: boolean): void {
    this.tint = v;
    localStorage.setItem(TINT_KEY, String(v));
  }

  setThreshold(v: number): void {
    this.threshold = v;
    localStorage.setItem(THRESHOLD_KEY, String(v));
  }
}

export const models = new Models();
