// A dataset's fingerprint: two runs on the same fingerprint saw the same images, prompts and references, whatever the
// folder is called or where it lives.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { EvalCaseSpec } from './eval-case';

export function fileSha256(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

export async function datasetFingerprint(cases: readonly EvalCaseSpec[]): Promise<string> {
  const lines: string[] = [];
  for (const c of cases) lines.push(JSON.stringify([c.id, await fileSha256(c.imagePath), c.prompt ?? null, c.indication, c.reference]));
  lines.sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}
