// The identity the Models panel shows for a model: the sha256 of its manifest file's bytes (which lists the sha256 of
// every other file), so two folders with the same manifest hash hold the same model.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST_FILE } from '../../models/engine/index';

export function manifestSha256(modelDir: string): string {
  return createHash('sha256').update(readFileSync(join(modelDir, MANIFEST_FILE))).digest('hex');
}
