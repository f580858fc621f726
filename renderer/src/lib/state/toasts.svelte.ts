// Short notices that something went as asked ("Report exported", "Opened 5 images in 2 studies"). They go away on
// their own (held while the pointer is on them), at most a few at a time, and the same kind of notice arriving while
// one is on screen updates it instead of stacking a second. Errors are not toasts: they need action, so
// push('error', …) hands them to the study list's alerts (alerts.svelte.ts), where they stay until dismissed.
import { alerts } from './alerts.svelte';

export type ToastTone = 'info' | 'ok' | 'error';

export interface Toast {
  id: number;
  tone: Exclude<ToastTone, 'error'>;
  title: string;
  detail?: string;
  /** Notices with one key are one notice on screen. */
  key?: string;
}

export interface ToastOptions {
  /** Coalesce with a notice of this key still on screen (it takes the new text and starts its time again). */
  key?: string;
  /** For an error: the study it concerns. */
  studyInstanceUid?: string;
}

/** How long a notice stays; errors never time out (they are alerts). */
export const TOAST_MS = 4000;
const MAX_SHOWN = 3;

let nextId = 1;

class Toasts {
  items = $state<Toast[]>([]);
  /** How much of the study list's foot the notices cover now (the list keeps its selected study above them). */
  height = $state(0);
  #timers = new Map<number, ReturnType<typeof setTimeout>>();
  /** Images and studies opened while the "opened" notice is on screen, summed into it. */
  #opened: { images: number; studies: Set<string> } | null = null;

  push(tone: ToastTone, title: string, detail?: string, options: ToastOptions = {}): void {
    if (tone === 'error') {
      alerts.add(title, detail, options.studyInstanceUid);
      return;
    }
    const same = options.key ? this.items.find((t) => t.key === options.key) : undefined;
    if (same) {
      this.items = this.items.map((t) => (t === same ? { ...t, tone, title, detail } : t));
      this.#arm(same.id);
      return;
    }
    const id = nextId++;
    const shown = [...this.items, { id, tone, title, detail, key: options.key }];
    for (const old of shown.slice(0, Math.max(0, shown.length - MAX_SHOWN))) this.#clear(old.id);
    this.items = shown.slice(-MAX_SHOWN);
    this.#arm(id);
  }

  /** "Opened 5 images in 2 studies": one notice for every open while it is on screen (drops, Open with, menus). */
  opened(images: number, studyUids: readonly string[]): void {
    if (!this.items.some((t) => t.key === 'opened')) this.#opened = null;
    const sum = this.#opened ?? { images: 0, studies: new Set<string>() };
    sum.images += images;
    for (const uid of studyUids) sum.studies.add(uid);
    this.#opened = sum;
    const n = sum.studies.size;
    this.push('ok', `Opened ${sum.images} image${sum.images === 1 ? '' : 's'} in ${n} stud${n === 1 ? 'y' : 'ies'}`, undefined, { key: 'opened' });
  }

  dismiss(id: number): void {
    this.#clear(id);
    this.items = this.items.filter((t) => t.id !== id);
  }

  /** The pointer is on a notice: it stays until the pointer leaves. */
  hold(id: number): void {
    this.#clear(id);
  }

  release(id: number): void {
    if (this.items.some((t) => t.id === id)) this.#arm(id);
  }

  #arm(id: number): void {
    this.#clear(id);
    this.#timers.set(
      id,
      setTimeout(() => this.dismiss(id), TOAST_MS),
    );
  }

  #clear(id: number): void {
    const timer = this.#timers.get(id);
    if (timer !== undefined) clearTimeout(timer);
    this.#timers.delete(id);
  }
}

export const toasts = new Toasts();

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
