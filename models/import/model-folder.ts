// Pieces both import paths (built graphs and onnx-community exports) write into a model folder the same way.
import { renameSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { PaliGemmaConfig } from '../config/paligemma';
import { MANIFEST_FILE, MANIFEST_FORMAT, MANIFEST_VERSION, type Manifest } from '../manifest';

/** The decoder shape the engine needs to size its KV cache and attention masks. */
function decoderShape(cfg: PaliGemmaConfig): Manifest['decoder'] {
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

type ManifestHead = Pick<
  Manifest,
  'format' | 'version' | 'layout' | 'name' | 'createdAt' | 'architecture' | 'dtype' | 'sourceConfig' | 'imageSize' | 'imageSeqLength' | 'maxSequenceLength' | 'decoder'
>;

/** The manifest fields that follow from the checkpoint's config alone; `name` defaults to the folder's name. */
export function manifestHead(
  cfg: PaliGemmaConfig,
  rawConfig: Record<string, unknown>,
  head: { layout: Manifest['layout']; dtype: Manifest['dtype']; name: string | undefined; folder: string },
): ManifestHead {
  return {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    layout: head.layout,
    name: head.name ?? basename(resolve(head.folder)),
    createdAt: new Date().toISOString(),
    architecture: 'PaliGemmaForConditionalGeneration',
    dtype: head.dtype,
    sourceConfig: rawConfig,
    imageSize: cfg.vision.imageSize,
    imageSeqLength: cfg.imageSeqLength,
    maxSequenceLength: cfg.text.maxPositionEmbeddings,
    decoder: decoderShape(cfg),
  };
}

/** Writes the manifest last and by rename, so a folder with a manifest is never a half-written one. */
export function writeManifest(outDir: string, manifest: Manifest): void {
  const tmp = join(outDir, `${MANIFEST_FILE}.tmp`);
  writeFileSync(tmp, JSON.stringify(manifest, null, 2) + '\n');
  renameSync(tmp, join(outDir, MANIFEST_FILE));
}
