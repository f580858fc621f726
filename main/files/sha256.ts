// The sha256 of a file, as the main process computes it: a model's files against its manifest, a dataset's images
// for its fingerprint. (The engine's own integrity check uses the synchronous sha256File of models/manifest.ts.)
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** Hex sha256 of the file's bytes; streamed, so hashing a multi-gigabyte file never blocks the main thread for long. */
export function sha256OfFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}
