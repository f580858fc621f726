// A file damaged as a failing disk or a careless tool might: one byte changed, its size and modification time kept,
// so that only its content (a hash) can tell. For the tests of the model's integrity checks.
import { readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';

/** Whole seconds, so that setting a file's time back after a write is exact. */
const PINNED_TIME = 1_700_000_000;

/** Sets the file's access and modification times to PINNED_TIME (do this before `damageByte`). */
export function pinFileTime(path: string): void {
  utimesSync(path, PINNED_TIME, PINNED_TIME);
}

/** XORs `mask` into the middle byte of `path`, keeping its size and pinned time; returns the original bytes. */
export function damageByte(path: string, mask: number): Buffer {
  const before = statSync(path);
  const good = readFileSync(path);
  const bad = Buffer.from(good);
  bad[bad.length >> 1] ^= mask;
  writeFileSync(path, bad);
  pinFileTime(path);
  expect(statSync(path)).toMatchObject({ size: before.size, mtimeMs: before.mtimeMs });
  return good;
}
