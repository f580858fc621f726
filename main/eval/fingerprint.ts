// A dataset's fingerprint: two runs on the same fingerprint saw the same images, prompts and references, whatever the
// folder is called or where it lives.
import { createHash } from 'node:crypto';
import { sha256OfFile } from '../files/sha256';
import type { EvalCaseSpec } from './eval-case';

export async function datasetFingerprint(cases: readonly EvalCaseSpec[]): Promise<string> {
  const lines: string[] = [];
  for (const c of cases) lines.push(JSON.stringify([c.id, await sha256OfFile(c.imagePath), c.prompt ?? null, c.indication, c.reference]));
  lines.sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}
