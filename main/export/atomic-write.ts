// Writes a file so that readers see either the old content or the complete new one, never a partial file.
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { AppError } from '../ipc/errors';

export class ExportError extends AppError {
  readonly code = 'export' as const;
  override name = 'ExportError';
}

export async function writeFileAtomic(filePath: string, content: string): Promise<void> {
  const dir = dirname(filePath);
  // Same folder as the target: rename is atomic only within one file system.
  const temp = join(dir, `.${basename(filePath)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, filePath);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw new ExportError(`The report could not be written to ${filePath}: ${explain(error)}.`);
  }
  await syncDirectory(dir);
}

/** Makes the rename itself durable; not possible on Windows, where directories cannot be opened. */
async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r').catch(() => null);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // Some file systems (network shares) refuse fsync on directories; the file content itself is already synced.
  } finally {
    await handle.close();
  }
}

function explain(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied; choose a folder you can write to';
    case 'ENOSPC':
      return 'the disk is full';
    case 'ENOENT':
      return 'the folder does not exist';
    case 'EROFS':
      return 'the disk is read-only';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
