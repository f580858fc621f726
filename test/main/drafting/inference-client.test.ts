// The engine behind a worker thread: same results as in-process, streaming, abort and typed errors across the
// thread boundary. The worker is bundled with esbuild as `npm run build` does, so no prior build is needed.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InferenceClient } from '../../../main/drafting/inference-client';
import { ModelFileMissingError } from '../../../models/engine/index';
import { casePixels, cxrCases, importFixture } from '../../models/engine/fixtures';
import { bundleWorkers } from './bundle-workers';

const dev00 = cxrCases()[0];

describe('InferenceClient', () => {
  let client: InferenceClient;
  let imported: { dir: string; cleanup: () => void };

  beforeAll(() => {
    imported = importFixture('tiny-paligemma2-cxr');
    client = new InferenceClient(bundleWorkers()['inference.worker']);
  });
  afterAll(async () => {
    await client?.dispose();
    imported?.cleanup();
  });

  it('loads, streams and generates the reference draft off the calling thread', async () => {
    const info = await client.load(imported.dir);
    expect(info.manifest.imageSeqLength).toBe(256);
    const pieces: string[] = [];
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const r = await client.generate({ pixelValues: casePixels(dev00, ''), prompt: dev00.prompt, onToken: (p) => pieces.push(p) });
    clearInterval(timer);
    expect(r.ids).toEqual(dev00.generated_ids);
    expect(pieces.join('')).toBe(r.text);
    // The caller's event loop kept running while the worker generated.
    expect(ticks).toBeGreaterThan(0);
  });

  it('aborts within one decode step', async () => {
    const controller = new AbortController();
    let n = 0;
    const r = await client.generate({
      pixelValues: casePixels(dev00, ''),
      prompt: dev00.prompt,
      signal: controller.signal,
      onToken: () => {
        if (++n === 2) controller.abort();
      },
    });
    expect(r.stopReason).toBe('aborted');
    expect(r.ids.length).toBeLessThan(dev00.generated_ids.length);
    expect(r.ids).toEqual(dev00.generated_ids.slice(0, r.ids.length));
  });

  it('guesses ahead from the corpus it is given, and writes greedy\'s tokens all the same', async () => {
    const longest = cxrCases().reduce((a, b) => (b.generated_ids.length > a.generated_ids.length ? b : a));
    const plain = await client.generate({ pixelValues: casePixels(longest, ''), prompt: longest.prompt });
    expect(plain.ids).toEqual(longest.generated_ids);
    expect(plain.speculation).toBeUndefined();

    // A signed report saying what the model writes: most tokens are confirmed several to a decoder run.
    await client.setCorpus([longest.generated_text ?? '']);
    const guessed = await client.generate({ pixelValues: casePixels(longest, ''), prompt: longest.prompt });
    expect(guessed.ids).toEqual(longest.generated_ids);
    expect(guessed.text).toBe(plain.text);
    expect(guessed.speculation!.accepted).toBeGreaterThan(0);
    expect(guessed.speculation!.runs).toBeLessThan(guessed.ids.length / 2);

    // Reports that say something else: guesses are refused, the text is still greedy's.
    await client.setCorpus(cxrCases().filter((c) => c.id !== longest.id).map((c) => c.generated_text ?? ''));
    expect((await client.generate({ pixelValues: casePixels(longest, ''), prompt: longest.prompt })).ids).toEqual(longest.generated_ids);

    await client.setCorpus([]);
    expect((await client.generate({ pixelValues: casePixels(longest, ''), prompt: longest.prompt })).speculation).toBeUndefined();
  });

  it('rebuilds typed errors from the worker', async () => {
    await expect(client.load(join(imported.dir, 'nope'))).rejects.toThrow(/radraft-model\.json is missing/);
    const broken = imported.dir;
    const { rmSync, cpSync } = await import('node:fs');
    cpSync(broken, `${broken}-w`, { recursive: true });
    rmSync(join(`${broken}-w`, 'embed_tokens.onnx'));
    await expect(client.load(`${broken}-w`)).rejects.toBeInstanceOf(ModelFileMissingError);
    rmSync(`${broken}-w`, { recursive: true });
    // A failed load leaves the loaded model in service.
    expect((await client.generate({ pixelValues: casePixels(dev00, ''), prompt: 'report en', maxTokens: 2 })).ids).toEqual(dev00.generated_ids.slice(0, 2));
    await client.unload();
    await expect(client.generate({ pixelValues: casePixels(dev00, ''), prompt: 'report en' })).rejects.toThrow(/no model is loaded/);
  });
});
