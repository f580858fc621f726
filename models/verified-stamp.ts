// The record of an earlier full sha256 check of a model folder (.radraft-verified.json beside the manifest): a
// file whose size and modification time still match its entry is not hashed again, so a multi-gigabyte model
// loads in seconds after the first time. One record serves every path that checks a model (loading, the app's
// Models panel), written only after every file matched.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Manifest } from './manifest';

export const STAMP_FILE = '.radraft-verified.json';

export interface Stamp {
  [path: string]: { sha256: string; bytes: number; mtimeMs: number };
}

export function readStamp(dir: string): Stamp {
  try {
    return JSON.parse(readFileSync(join(dir, STAMP_FILE), 'utf8')) as Stamp;
  } catch {
    // No record (first load, or a folder never written to): everything is hashed.
    return {};
  }
}

/** True when `file` was hashed before with the manifest's sha256 and has not changed size or time since. */
export function stampCovers(stamp: Stamp, file: Manifest['files'][number], size: number, mtimeMs: number): boolean {
  const seen = stamp[file.path];
  return seen !== undefined && seen.sha256 === file.sha256 && seen.bytes === size && seen.mtimeMs === mtimeMs;
}

/** Records that every file of the manifest matched its sha256 just now. A read-only folder keeps no record. */
export function recordVerified(dir: string, manifest: Manifest): void {
  const next: Stamp = {};
  for (const f of manifest.files) {
    const st = statSync(join(dir, f.path));
    next[f.path] = { sha256: f.sha256, bytes: st.size, mtimeMs: st.mtimeMs };
  }
  try {
    writeFileSync(join(dir, STAMP_FILE), JSON.stringify(next));
  } catch {
    // A read-only model folder is fine: the next load hashes again.
  }
}
