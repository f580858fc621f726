// Public API of the PaliGemma 2 engine. Everything outside models/engine, models/import, models/onnx imports from here.
//
// Loading and generating (in-process; blocks the calling thread while onnxruntime runs — the app runs it in a worker):
//   loadModel(modelDir: string, opts?: LoadOptions): Promise<Model>
//     Reads MODEL_DIR/radraft-model.json and checks the folder before onnxruntime reads a byte (models/integrity.ts):
//     the manifest must list every file the graphs open (external data included), each a plain file inside the
//     folder (else ManifestError / ModelFolderError); missing → ModelFileMissingError; size/sha256 mismatch or
//     unloadable graph → ModelFileCorruptError; non-PaliGemma-2 config → UnsupportedArchitectureError. Then opens one
//     onnxruntime session per graph, reused by every call.
//     opts.verify: 'once' (default: full sha256 the first time this process loads a file, again when it changed) |
//     'full' | 'size' (benchmarks: bytes not verified).
//     opts.threads: onnxruntime intra-op threads.
//     opts.memArena: onnxruntime's CPU memory arena; default on up to 256 image tokens (224 px), off above (after a
//     448/896 px prefill the arena would keep gigabytes of activations).
//   model.manifest: Manifest            image size, image_seq_length, special tokens, prompt templates, dtype…
//   model.tokenizer: TextTokenizer      the model's tokenizer.json
//   model.promptIds(prompt): number[]   tokens of the string <image>×N <bos> prompt "\n" (PaliGemmaProcessor)
//   model.generate(req: GenerateRequest): Promise<GenerateResult>
//     req.pixelValues: Float32Array NCHW 1×3×S×S in [-1, 1]; req.prompt (text) or req.inputIds (full ids);
//     req.maxTokens (default manifest.maxNewTokens); req.signal (AbortSignal: stops before the next decode step,
//     result.stopReason = 'aborted'); req.onToken(piece, { id, probability, top5: { ids, logits } }).
//     Greedy to eos or maxTokens. Returns { ids (with eos when produced), text (special tokens skipped),
//     steps: [{ top5Ids, top5Logits }], stopReason, promptTokens, timing: { load_ms, vision_ms, prefill_ms,
//     decode_ms, tokens_per_s } }. PromptTooLongError when the prompt does not fit max_position_embeddings;
//     InvalidInputError for wrong pixel count or <image> count; PromptError when the prompt text contains <image>.
//     req.draft: { lookup, maxDraft? } — lossless speculative decoding: tokens drafted by prompt lookup are verified
//     k at a time in one decoder run; the result is greedy's, with result.speculation = { runs, drafted, accepted }.
//     SpeculationUnsupportedError for decoders in the old past_key_values layout (model.canSpeculate is false).
//   model.promptLookup(texts, opts?): PromptLookup   an n-gram index over report templates / signed reports
//   model.dispose(): Promise<void>
//
// Importing (CLI `radraft import-model`, app import):
//   importCheckpoint(hfDir, outDir, { dtype: 'fp32'|'fp16'|'int8'|'int4', name?, onProgress?, quantizer? }): Manifest
//     hfDir: a Hugging Face checkpoint folder, or an onnx-community (transformers.js) export folder (graphs linked).
//   writeModelFolder(rawConfig, source: WeightSource, outDir, extras, opts): Manifest   (synth-model: random weights)
//   expectedWeights(config): Map<canonical name, shape>   the weights a WeightSource must provide
//   parsePaliGemmaConfig(json): PaliGemmaConfig
//
// In a worker: the app runs the engine in main/drafting/inference.worker.ts through main/drafting/inference-client.ts
// (onnxruntime-node's run is synchronous on the calling thread). models/ itself starts no threads.
//
// onnxruntime-node is loaded only through ./ort.ts, which switches its telemetry off first (./ort-telemetry.ts).
export { PaliGemmaModel as Model, topK } from './model';
export type { DraftOptions, GenerateRequest, GenerateResult, GenerateTiming, LoadOptions, SpeculationStats, TokenInfo, TopK } from './model';
export { PromptLookup, type PromptLookupOptions, type PromptLookupSession } from './prompt-lookup';
export { SpeculationUnsupportedError } from './kv-cache';
export { InvalidInputError, ModelFileCorruptError, ModelFileMissingError, ModelFolderError, ModelLoadError, OrtTelemetryError, PromptTooLongError, UnsupportedArchitectureError } from './errors';
export { ManifestError, MANIFEST_FILE, MANIFEST_VERSION, readManifest, type Manifest } from '../manifest';
export { importCheckpoint, writeModelFolder, ImportError, type ModelExtras, type WriteModelOptions } from '../import/import-model';
export { expectedWeights, CheckpointWeightSource, MissingWeightError, type WeightSource } from '../import/weights';
export { parsePaliGemmaConfig, type PaliGemmaConfig } from '../config/paligemma';
export { PromptError } from '../tokenizer/prompt';
export type { WeightDtype, NBitsQuantizer, NBitsWeight } from '../onnx/paligemma';

import { PaliGemmaModel, type LoadOptions } from './model';

export function loadModel(modelDir: string, opts: LoadOptions = {}): Promise<PaliGemmaModel> {
  return PaliGemmaModel.load(modelDir, opts);
}

