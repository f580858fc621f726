// Writes a file so that readers see either the old content or the complete new one, never a partial file.
//
// The new content goes to a temp file in the same folder (rename is atomic only within one file system), is synced,
// and replaces the target by rename. Temp names are short and fixed-length, so a target name at the file system's
// limit (255 bytes) still works. Each temp file in flight is recorded in a journal in Radraft's own folder, so that
// one left behind by a killed export (it holds report text) is removed on the next start. An existing target keeps
// its permissions.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { AppError } from '../ipc/errors';

export class ExportError extends AppError {
  readonly code = 'export' as const;
  override name = 'ExportError';
}

/** `.radraft-export-<16 hex>.tmp`: 36 bytes whatever the target's name. */
const TEMP_NAME = /^\.radraft-export-[0-9a-f]{16}\.tmp$/;

export interface AtomicWriteOptions {
  /** Folder in Radraft's user data where temp files in flight are recorded (see removeLeftoverTempFiles). */
  journalDir: string;
}

export async function writeFileAtomic(filePath: string, content: string | Uint8Array, opts: AtomicWriteOptions): Promise<void> {
  const dir = dirname(filePath);
  const id = randomBytes(8).toString('hex');
  const temp = join(dir, `.radraft-export-${id}.tmp`);
  const entry = join(opts.journalDir, id);
  try {
    // Permissions of the file being replaced; a new file gets the usual 0666 less the user's umask.
    const mode = await stat(filePath).then(
      (s) => (s.isFile() ? s.mode & 0o7777 : null),
      () => null,
    );
    await record(entry, temp);
    const handle = await open(temp, 'wx', 0o666);
    try {
      await (typeof content === 'string' ? handle.writeFile(content, 'utf8') : handle.writeFile(content));
      if (mode !== null) await handle.chmod(mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, filePath);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    await unlink(entry).catch(() => undefined);
    throw new ExportError(`The report could not be written to ${filePath}: ${explain(error)}.`);
  }
  await syncDirectory(dir);
  // The temp file no longer exists under its name; a journal entry left by a crash here is harmless.
  await unlink(entry).catch(() => undefined);
}

/**
 * Writes a new folder of files so that it appears whole or not at all: the files go into a hidden temp folder beside
 * it (journalled like a temp file, so a killed export's leftovers go at the next start), each synced, and the folder
 * is renamed into place. An existing file or folder of that name is never replaced.
 */
export async function writeFolderAtomic(folderPath: string, files: readonly { name: string; bytes: Uint8Array }[], opts: AtomicWriteOptions): Promise<void> {
  const parent = dirname(folderPath);
  const exists = await stat(folderPath).then(
    () => true,
    () => false,
  );
  if (exists) throw new ExportError(`${folderPath} already exists. Choose a new name for the de-identified folder; nothing was written.`);
  const id = randomBytes(8).toString('hex');
  const temp = join(parent, `.radraft-export-${id}.tmp`);
  const entry = join(opts.journalDir, id);
  try {
    await record(entry, temp);
    await mkdir(temp);
    for (const file of files) {
      const handle = await open(join(temp, file.name), 'wx', 0o666);
      try {
        await handle.writeFile(file.bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
    await syncDirectory(temp);
    await rename(temp, folderPath);
  } catch (error) {
    await rm(temp, { recursive: true, force: true }).catch(() => undefined);
    await unlink(entry).catch(() => undefined);
    throw new ExportError(`The export could not be written to ${folderPath}: ${explain(error)}.`);
  }
  await syncDirectory(parent);
  await unlink(entry).catch(() => undefined);
}

/** Notes `temp` in the journal, durably, before it is created. */
async function record(entry: string, temp: string): Promise<void> {
  await mkdir(dirname(entry), { recursive: true });
  const handle = await open(entry, 'wx', 0o600);
  try {
    await handle.writeFile(temp, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Removes the temp files that exports killed mid-way (crash, power loss, kill -9) left behind, and their journal
 * entries. Only files named as this module names them are removed. Returns how many temp files were removed.
 */
export async function removeLeftoverTempFiles(journalDir: string): Promise<number> {
  const entries = await readdir(journalDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  let removed = 0;
  for (const id of entries) {
    const entry = join(journalDir, id);
    // An entry that cannot be read names no file that could be checked; it is dropped below.
    const temp = await readFile(entry, 'utf8').catch(() => '');
    if (TEMP_NAME.test(basename(temp)) && basename(temp) === `.radraft-export-${id}.tmp`) {
      // A temp file, or the temp folder of a de-identified export.
      await rm(temp, { recursive: true }).then(
        () => removed++,
        (error: NodeJS.ErrnoException) => {
          // Already gone (the export finished, or the folder is unmounted): nothing to clean.
          if (error.code !== 'ENOENT' && error.code !== 'ENOTDIR') throw error;
        },
      );
    }
    await unlink(entry);
  }
  return removed;
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
    case 'ENAMETOOLONG':
      return 'the file name is too long for this disk; choose a shorter name';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
