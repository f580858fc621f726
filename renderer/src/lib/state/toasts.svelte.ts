// Short notices at the corner of the window; errors stay until dismissed so none goes unseen.
export type ToastTone = 'info' | 'ok' | 'error';

export interface Toast {
  id: number;
  tone: ToastTone;
  title: string;
  detail?: string;
}

let nextId = 1;

class Toasts {
  items = $state<Toast[]>([]);

  push(tone: ToastTone, title: string, detail?: string): void {
    const id = nextId++;
    this.items = [...this.items, { id, tone, title, detail }];
    if (tone !== 'error') setTimeout(() => this.dismiss(id), 4000);
  }

  dismiss(id: number): void {
    this.items = this.items.filter((t) => t.id !== id);
  }
}

export const toasts = new Toasts();

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
