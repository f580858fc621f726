// The measurements drawn on each image, as the database holds them (main/storage/measurement-store.ts): loaded when
// an image is shown, so they come back after switching images or restarting; one selected at a time, for Delete.
import type { Measurement, MeasurementShape } from '../../../../app/domain/measurement';
import type { SpacingSource } from '../../../../app/domain/study';
import { invoke } from '../api';
import { errorText, toasts } from './toasts.svelte';

class Measurements {
  /** By SOP Instance UID; an image not loaded yet is absent. */
  byImage = $state<Record<string, Measurement[]>>({});
  /** The selected measurement's id (Delete removes it), or null. */
  selectedId = $state<number | null>(null);
  /** What each shown image's numbers rest on: its pixel spacing and where that came from (set when it is shown). */
  spacing = $state<Record<string, { pixelSpacing: [number, number] | null; source: SpacingSource }>>({});
  #loading = new Map<string, Promise<void>>();

  setSpacing(sopInstanceUid: string, pixelSpacing: [number, number] | null, source: SpacingSource): void {
    const known = this.spacing[sopInstanceUid];
    if (known && known.source === source && known.pixelSpacing?.join() === pixelSpacing?.join()) return;
    this.spacing = { ...this.spacing, [sopInstanceUid]: { pixelSpacing, source } };
  }

  of(sopInstanceUid: string | null | undefined): Measurement[] {
    return sopInstanceUid ? (this.byImage[sopInstanceUid] ?? []) : [];
  }

  /** Reads the image's measurements from the database (once per image and session; later changes come from here). */
  load(sopInstanceUid: string): Promise<void> {
    if (sopInstanceUid in this.byImage) return Promise.resolve();
    const pending = this.#loading.get(sopInstanceUid);
    if (pending) return pending;
    const run = invoke('measurements:list', { sopInstanceUid })
      .then((list) => {
        this.byImage = { ...this.byImage, [sopInstanceUid]: list };
      })
      .catch((err: unknown) => toasts.push('error', 'The measurements of this image could not be read', errorText(err)))
      .finally(() => this.#loading.delete(sopInstanceUid));
    this.#loading.set(sopInstanceUid, run);
    return run;
  }

  /** Saves a new measurement and selects it; null when it could not be saved (the clinician is told why). */
  async add(sopInstanceUid: string, shape: MeasurementShape): Promise<Measurement | null> {
    try {
      const saved = await invoke('measurements:add', { sopInstanceUid, shape });
      this.byImage = { ...this.byImage, [sopInstanceUid]: [...this.of(sopInstanceUid), saved] };
      this.selectedId = saved.id;
      return saved;
    } catch (err) {
      toasts.push('error', 'The measurement could not be saved', errorText(err));
      return null;
    }
  }

  async remove(id: number): Promise<void> {
    const owner = Object.keys(this.byImage).find((sop) => this.byImage[sop].some((m) => m.id === id));
    try {
      await invoke('measurements:delete', { id });
    } catch (err) {
      // Already gone (deleted in another window): the list below drops it all the same.
      if (!/already deleted/.test(errorText(err))) {
        toasts.push('error', 'The measurement could not be deleted', errorText(err));
        return;
      }
    }
    if (owner) this.byImage = { ...this.byImage, [owner]: this.byImage[owner].filter((m) => m.id !== id) };
    if (this.selectedId === id) this.selectedId = null;
  }

  /** Deletes the selected measurement, when it is on `sopInstanceUid`. */
  async removeSelected(sopInstanceUid: string | null | undefined): Promise<void> {
    const id = this.selectedId;
    if (id !== null && this.of(sopInstanceUid).some((m) => m.id === id)) await this.remove(id);
  }

  /** Deletes every measurement of the image, one by one. */
  async clear(sopInstanceUid: string | null | undefined): Promise<void> {
    for (const m of this.of(sopInstanceUid)) await this.remove(m.id);
  }
}

export const measurements = new Measurements();
