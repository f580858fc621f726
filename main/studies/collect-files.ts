// Expands what the user picked or dropped (files and folders, recursively) into candidate files.
import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { FileProblem } from '../../app/domain/study';

export const MAX_FILES = 50_000;

/** Files found while walking a folder with these extensions are not DICOM; skipping them keeps the problem list useful. */
const NOT_DICOM_EXTENSIONS = new Set([
  '.txt', '.md', '.json', '.csv', '.xml', '.html', '.htm', '.pdf', '.jpg', '.jpeg', '.png', '.gif', '.bmp', '.tif', '.tiff',
  '.zip', '.gz', '.exe', '.dll', '.ini', '.log', '.js', '.db',
]);

export interface CollectedFiles {
  files: string[];
  problems: FileProblem[];
}

export async function collectFiles(paths: readonly string[], maxFiles = MAX_FILES): Promise<CollectedFiles> {
  const files: string[] = [];
  const problems: FileProblem[] = [];
  const seen = new Set<string>();
  const visitedDirs = new Set<string>();
  let truncated = false;

  const addFile = async (filePath: string, explicit: boolean): Promise<void> => {
    const name = basename(filePath);
    if (!explicit && (name.startsWith('.') || name === 'DICOMDIR' || NOT_DICOM_EXTENSIONS.has(extname(name).toLowerCase()))) return;
    const real = await realpath(filePath).catch(() => filePath);
    if (seen.has(real)) return;
    if (files.length >= maxFiles) {
      truncated = true;
      return;
    }
    seen.add(real);
    files.push(real);
  };

  const walk = async (dir: string): Promise<void> => {
    const real = await realpath(dir).catch(() => dir);
    if (visitedDirs.has(real)) return; // symlink loops
    visitedDirs.add(real);
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      problems.push({ filePath: dir, reason: `The folder cannot be read (${(error as NodeJS.ErrnoException).code ?? 'I/O error'}).` });
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      if (truncated) return;
      const child = join(dir, entry.name);
      if (entry.name.startsWith('.')) continue;
      if (entry.isDirectory()) await walk(child);
      else if (entry.isFile()) await addFile(child, false);
      else if (entry.isSymbolicLink()) {
        const target = await stat(child).catch(() => null);
        if (target?.isDirectory()) await walk(child);
        else if (target?.isFile()) await addFile(child, false);
      }
    }
  };

  for (const p of paths) {
    if (truncated) break;
    const info = await stat(p).catch((error: NodeJS.ErrnoException) => error);
    if (info instanceof Error) {
      const reason = info.code === 'ENOENT' ? 'The file or folder does not exist.' : `The file or folder cannot be read (${info.code ?? 'I/O error'}).`;
      problems.push({ filePath: p, reason });
    } else if (info.isDirectory()) await walk(p);
    else if (info.isFile()) await addFile(p, true);
    else problems.push({ filePath: p, reason: 'Not a regular file or folder.' });
  }
  if (truncated) {
    problems.push({ filePath: paths[0] ?? '', reason: `Stopped after ${maxFiles} files; open a smaller folder to see the rest.` });
  }
  return { files, problems };
}
