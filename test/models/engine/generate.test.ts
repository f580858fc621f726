// Engine behaviour around generation: streaming, abort, limits and the typed errors a user sees for a broken model.
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError, ManifestError, ModelFileCorruptError, ModelFileMissingError, PromptTooLongError, UnsupportedArchitectureError, loadModel, type Model } from '../../../models/engine/index';
import { casePixels, cxrCases, importFixture, inputIds } from './fixtures';

const cases = cxrCases();
const dev00 = cases[0];

describe('generate', () => {
  let model: Model;
  let imported: { dir: string; cleanup: () => void };

  beforeAll(async () => {
    imported = importFixture('tiny-paligemma2-cxr');
    model = await loadModel(imported.dir);
  });
  afterAll(async () => {
    await model?.dispose();
    imported?.cleanup();
  });

  it('streams text pieces that add up to the decoded text, with probabilities and top-5', async () => {
    const pieces: string[] = [];
    const probs: number[] = [];
    const r = await model.generate({
      pixelValues: casePixels(dev00, ''),
      prompt: dev00.prompt,
      onToken: (piece, info) => {
        pieces.push(piece);
        if (Number.isFinite(info.probability)) probs.push(info.probability);
        if (info.top5.ids.length) expect(info.top5.ids[0]).toBe(info.id);
      },
    });
    expect(pieces.join('')).toBe(r.text);
    expect(r.text).toBe(dev00.generated_text);
    expect(probs).toHaveLength(r.ids.length);
    expect(probs.every((p) => p > 0 && p <= 1)).toBe(true);
    expect(r.timing.prefill_ms).toBeGreaterThan(0);
    expect(r.timing.tokens_per_s).toBeGreaterThan(0);
    expect(r.promptTokens).toBe(inputIds(dev00).length);
  });

  it('stops within one decode step of an abort and returns what it has', async () => {
    const controller = new AbortController();
    const r = await model.generate({
      pixelValues: casePixels(dev00, ''),
      prompt: dev00.prompt,
      signal: controller.signal,
      onToken: (_piece, info) => {
        if (info.top5.ids.length && r0.count++ === 2) controller.abort();
      },
    });
    expect(r.stopReason).toBe('aborted');
    expect(r.ids).toEqual(dev00.generated_ids.slice(0, 3));
    const pre = new AbortController();
    pre.abort();
    expect((await model.generate({ pixelValues: casePixels(dev00, ''), prompt: dev00.prompt, signal: pre.signal })).ids).toEqual([]);
  });
  const r0 = { count: 0 };

  it('honours maxTokens', async () => {
    const r = await model.generate({ pixelValues: casePixels(dev00, ''), prompt: dev00.prompt, maxTokens: 5 });
    expect(r.ids).toEqual(dev00.generated_ids.slice(0, 5));
    expect(r.stopReason).toBe('max_tokens');
  });

  it('rejects a prompt longer than the context and malformed inputs', async () => {
    const pixels = casePixels(dev00, '');
    const long = 'word '.repeat(3000);
    await expect(model.generate({ pixelValues: pixels, prompt: long })).rejects.toThrow(PromptTooLongError);
    await expect(model.generate({ pixelValues: pixels, prompt: long })).rejects.toThrow(/context holds 2048/);
    await expect(model.generate({ pixelValues: new Float32Array(10), prompt: 'report en' })).rejects.toThrow(InvalidInputError);
    await expect(model.generate({ pixelValues: pixels, inputIds: [2, 5] })).rejects.toThrow(/0 <image> tokens; this model expects 256/);
  });
});

describe('loadModel', () => {
  let imported: { dir: string; cleanup: () => void };
  const copies: string[] = [];
  beforeAll(() => {
    imported = importFixture('tiny-paligemma2-cxr');
  });
  afterAll(() => {
    imported?.cleanup();
    for (const dir of copies) rmSync(dir, { recursive: true, force: true });
  });

  function copy(name: string): string {
    const dir = `${imported.dir}-${name}`;
    cpSync(imported.dir, dir, { recursive: true });
    copies.push(dir);
    return dir;
  }

  it('generates the same tokens and logits with onnxruntime\'s memory arena off', async () => {
    const plain = await loadModel(imported.dir, { memArena: false });
    try {
      const r = await plain.generate({ pixelValues: casePixels(dev00, ''), prompt: dev00.prompt });
      expect(r.ids).toEqual(dev00.generated_ids);
      expect(r.steps.map((s) => s.top5Ids)).toEqual(dev00.steps_top5.map((s) => s.ids));
    } finally {
      await plain.dispose();
    }
  });

  it('names a missing model file', async () => {
    const dir = copy('missing');
    rmSync(join(dir, 'decoder.onnx'));
    await expect(loadModel(dir)).rejects.toThrow(ModelFileMissingError);
    await expect(loadModel(dir)).rejects.toThrow(/decoder\.onnx is missing/);
  });

  it('detects a corrupt model file by its hash, and by its size in fast mode', async () => {
    const dir = copy('corrupt');
    const path = join(dir, 'vision_encoder.onnx');
    await (await loadModel(dir)).dispose();
    const bytes = readFileSync(path);
    bytes[bytes.length - 100] ^= 0xff;
    writeFileSync(path, bytes);
    // The earlier good load in this process does not hide the damage: the file changed since it was hashed.
    await expect(loadModel(dir)).rejects.toThrow(ModelFileCorruptError);
    await expect(loadModel(dir, { verify: 'full' })).rejects.toThrow(ModelFileCorruptError);
    await expect(loadModel(dir)).rejects.toThrow(/vision_encoder\.onnx .*corrupt \(sha256 does not match/);
    writeFileSync(path, bytes.subarray(0, 1000));
    await expect(loadModel(dir, { verify: 'size' })).rejects.toThrow(/1000 bytes, manifest says/);
    // Same size, garbage content, hashes skipped: the refusal to read it as a graph is the same typed error.
    writeFileSync(path, Buffer.alloc(bytes.length, 0x5a));
    await expect(loadModel(dir, { verify: 'size' })).rejects.toThrow(/vision_encoder\.onnx .*corrupt \(not a readable ONNX graph/);
  });

  it('refuses a folder without a manifest and an unsupported architecture', async () => {
    const dir = copy('arch');
    const manifestPath = join(dir, 'radraft-model.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { sourceConfig: Record<string, unknown> };
    writeFileSync(manifestPath, JSON.stringify({ ...manifest, sourceConfig: { ...manifest.sourceConfig, model_type: 'gemma3', architectures: ['Gemma3ForConditionalGeneration'] } }));
    await expect(loadModel(dir)).rejects.toThrow(UnsupportedArchitectureError);
    writeFileSync(manifestPath, JSON.stringify({ ...manifest, version: 99 }));
    await expect(loadModel(dir)).rejects.toThrow(/newer than this radraft understands/);
    rmSync(manifestPath);
    await expect(loadModel(dir)).rejects.toThrow(ManifestError);
  });
});
