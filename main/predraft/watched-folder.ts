// A folder Radraft watches for new DICOM files (a modality's or a router's export share): each file that has stopped
// growing is opened like a dropped file and its study queued for pre-drafting. Polled rather than watched with
// fs.watch, which misses changes on network shares and reports files that are still being written.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface WatchedFolderDeps {
  /** New, complete files: open them and queue their studies. */
  onFiles(paths: string[]): Promise<void>;
  intervalMs?: number;
}

export class WatchedFolder {
  private timer: NodeJS.Timeout | null = null;
  private folder: string | null = null;
  /** size:mtime of each file seen; a file is taken once two polls agree on it. */
  private readonly seen = new Map<string, string>();
  private readonly taken = new Set<string>();
  private polling: Promise<void> | null = null;

  constructor(private readonly deps: WatchedFolderDeps) {}

  /** Watches `folder` (null: stops watching). */
  watch(folder: string | null): void {
    if (folder === this.folder) return;
    this.stop();
    this.folder = folder;
    if (!folder) return;
    const tick = (): void => {
      this.polling ??= this.poll(folder).finally(() => (this.polling = null));
    };
    tick();
    this.timer = setInterval(tick, this.deps.intervalMs ?? 5000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.folder = null;
    this.seen.clear();
    this.taken.clear();
  }

  /** Waits for a poll in progress (tests, shutdown). */
  async settled(): Promise<void> {
    await this.polling;
  }

  private async poll(folder: string): Promise<void> {
    try {
      const files = await listFiles(folder);
      const ready: string[] = [];
      for (const file of files) {
        if (this.taken.has(file)) continue;
        const info = await stat(file).catch(() => null);
        if (!info) continue;
        const signature = `${info.size}:${info.mtimeMs}`;
        if (this.seen.get(file) === signature) {
          ready.push(file);
          this.taken.add(file);
          this.seen.delete(file);
        } else {
          this.seen.set(file, signature);
        }
      }
      if (ready.length > 0 && this.folder === folder) await this.deps.onFiles(ready);
    } catch (error) {
      console.warn(`radraft: the watched folder could not be read (${(error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.name : 'error')})`);
    }
  }
}

/** Every plain file under `folder` (hidden ones and symbolic links skipped); opening sorts out what is DICOM. */
async function listFiles(folder: string, limit = 50_000): Promise<string[]> {
  const files: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (files.length >= limit || entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) files.push(path);
    }
  };
  await walk(folder);
  return files.sort();
}
