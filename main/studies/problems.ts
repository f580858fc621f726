// Problem lines for the study list (FileProblem): why a file could not be opened, in a clinician's words, and many
// files of one folder that fail alike (a series without pixel data, a disc's missing files) as one line.
import type { FileProblem } from '../../app/domain/study';
import { ZipArchiveError } from '../archives/errors';
import { DicomError } from '../dicom/errors';
import { AppError } from '../ipc/errors';

/** Files of one folder failing for the same reason are summed up in one line from this many on. */
export const GROUP_FROM = 3;

export function reasonOf(error: unknown): string {
  if (error instanceof AppError) return error.message;
  if (error instanceof DicomError || error instanceof ZipArchiveError) return capitalise(error.reason);
  return `The file could not be read: ${error instanceof Error ? error.message : String(error)}`;
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The folder part of a path, whichever separator it uses (a zip entry's display path may mix them). */
function folderOf(path: string): string {
  const at = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return at > 0 ? path.slice(0, at) : path;
}

/**
 * Problems in a stable order, each (file, reason) once; GROUP_FROM or more single-file problems of one folder with
 * the same reason become one line for the folder that says how many files it stands for.
 */
export function summariseProblems(problems: readonly FileProblem[]): FileProblem[] {
  const unique = new Map<string, FileProblem>();
  for (const p of problems) unique.set(`${p.filePath}\u0000${p.reason}`, p);
  const groups = new Map<string, FileProblem[]>();
  for (const p of unique.values()) {
    const key = p.files === undefined ? `${folderOf(p.filePath)}\u0000${p.reason}` : `\u0001${p.filePath}\u0000${p.reason}`;
    const group = groups.get(key);
    if (group) group.push(p);
    else groups.set(key, [p]);
  }
  const out: FileProblem[] = [];
  for (const group of groups.values()) {
    const first = group[0];
    if (group.length < GROUP_FROM || first.files !== undefined) out.push(...group);
    else out.push({ filePath: folderOf(first.filePath), reason: first.reason, files: group.length });
  }
  return out.sort((a, b) => a.filePath.localeCompare(b.filePath) || a.reason.localeCompare(b.reason));
}
