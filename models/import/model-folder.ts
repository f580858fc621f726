// Pieces both import paths (built graphs and onnx-community exports) write into a model folder the same way.
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PaliGemmaConfig } from '../config/paligemma';
import { MANIFEST_FILE, type Manifest } from '../manifest';

/** The decoder shape the engine needs to size its KV cache and attention masks. */
export function decoderShape(cfg: PaliGemmaConfig): Manifest['decoder'] {
  return {
    numLayers: cfg.text.numLayers,
    numKvHeads: cfg.text.numKvHeads,
    headDim: cfg.text.headDim,
    hiddenSize: cfg.text.hiddenSize,
    vocabSize: cfg.text.vocabSize,
    slidingWindow: cfg.text.slidingWindow,
    slidingLayers: cfg.text.slidingLayers,
  };
}

/** Writes the manifest last and by rename, so a folder with a manifest is never a half-written one. */
export function writeManifest(outDir: string, manifest: Manifest): void {
  const tmp = join(outDir, `${MANIFEST_FILE}.tmp`);
  writeFileSync(tmp, JSON.stringify(manifest, null, 2) + '\n');
  renameSync(tmp, join(outDir, MANIFEST_FILE));
}
