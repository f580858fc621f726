// The model manifest: what `radraft import-model` writes next to the graphs and what loadModel trusts. Versioned;
// every file it lists carries a sha256 so a missing or corrupt file is caught before a session is created.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { WeightDtype } from '../app/domain/model';

export const MANIFEST_FILE = 'radraft-model.json';
export const MANIFEST_FORMAT = 'radraft-model';
export const MANIFEST_VERSION = 1;

export const DEFAULT_PROMPT_TEMPLATES: Record<string, string> = {
  report: 'report en',
  reportWithIndication: 'report en INDICATION: {indication}',
  detect: 'detect {label}',
};

export const ManifestFile = z.object({ path: z.string(), bytes: z.number().int(), sha256: z.string().regex(/^[0-9a-f]{64}$/) });
export type ManifestFile = z.infer<typeof ManifestFile>;

export const Manifest = z.object({
  format: z.literal(MANIFEST_FORMAT),
  version: z.literal(MANIFEST_VERSION),
  /** radraft: graphs built by this project (semantics in models/onnx/paligemma.ts); onnx-community: transformers.js export. */
  layout: z.enum(['radraft', 'onnx-community']),
  name: z.string(),
  createdAt: z.string(),
  architecture: z.string(),
  dtype: WeightDtype,
  /** config.json of the source checkpoint, verbatim. */
  sourceConfig: z.record(z.string(), z.unknown()),
  imageSize: z.number().int(),
  imageSeqLength: z.number().int(),
  /** Longest prompt + generation the decoder supports (max_position_embeddings). */
  maxSequenceLength: z.number().int(),
  tokens: z.object({
    bos: z.number().int(),
    eos: z.array(z.number().int()),
    pad: z.number().int(),
    image: z.number().int(),
    newline: z.number().int(),
  }),
  decoder: z.object({
    numLayers: z.number().int(),
    numKvHeads: z.number().int(),
    headDim: z.number().int(),
    hiddenSize: z.number().int(),
    vocabSize: z.number().int(),
    slidingWindow: z.number().int(),
    slidingLayers: z.array(z.boolean()),
  }),
  promptTemplates: z.record(z.string(), z.string()),
  maxNewTokens: z.number().int(),
  graphs: z.object({ vision: z.string(), embed: z.string(), decoder: z.string() }),
  tokenizer: z.string(),
  preprocessor: z.string().nullable(),
  files: z.array(ManifestFile),
  /** How this model's semantics differ from transformers 5.x, if at all. */
  notes: z.array(z.string()),
});
export type Manifest = z.infer<typeof Manifest>;

export class ManifestError extends Error {
  override name = 'ManifestError';
}

export function sha256File(path: string): string {
  const hash = createHash('sha256');
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(8 << 20);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n <= 0) break;
      hash.update(buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

export function describeFile(dir: string, path: string): ManifestFile {
  const full = join(dir, path);
  return { path, bytes: statSync(full).size, sha256: sha256File(full) };
}

export function readManifest(dir: string): Manifest {
  const path = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ManifestError(`${dir} is not a radraft model folder: ${MANIFEST_FILE} is missing (import a checkpoint with \`radraft import-model\`)`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ManifestError(`${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const version = (json as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > MANIFEST_VERSION) {
    throw new ManifestError(`${path} has manifest version ${version}, newer than this radraft understands (${MANIFEST_VERSION}): update radraft`);
  }
  const parsed = Manifest.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ManifestError(`${path} is not a valid radraft manifest: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim());
  }
  return parsed.data;
}
