// `radraft draft` end to end on the tiny fine-tuned model: image file → preprocessing → engine → text, ids and boxes.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDraft, type DraftOutput } from '../../main/cli/commands/draft';
import { importFixture, tempDir } from '../models/engine/fixtures';

interface Generation { id: string; image: string; dicom: string; prompt: string; generated_ids: number[]; generated_text: string }
const generations = JSON.parse(readFileSync(join(__dirname, '../fixtures/tokenizer/generations.json'), 'utf8')) as Generation[];
const modelView = (image: string): string => join(__dirname, '../fixtures/dicom/golden/model-view', image);
const dicomFile = (g: Generation): string => join(__dirname, '../fixtures/dicom', g.dicom.replace(/^data\//, ''));
const resized = (image: string): string => join(__dirname, '../fixtures/preprocess/resized224', image.replace(/\.png$/, '.tv.png'));

async function draft(args: string[], env: NodeJS.ProcessEnv = {}, bundled: string | null = null): Promise<{ code: number; stdout: string; stderr: string; chunks: string[] }> {
  const chunks: string[] = [];
  let stderr = '';
  const code = await runDraft(args, { stdout: (t) => chunks.push(t), stderr: (t) => (stderr += t), env, bundledModelDir: () => bundled });
  return { code, stdout: chunks.join(''), stderr, chunks };
}

describe('radraft draft', () => {
  let model: { dir: string; cleanup: () => void };
  let scratch: { dir: string; cleanup: () => void };
  beforeAll(() => {
    model = importFixture('tiny-paligemma2-cxr');
    scratch = tempDir('draft');
  });
  afterAll(() => {
    model?.cleanup();
    scratch?.cleanup();
  });

  it('reproduces every reference generation from the DICOM files, with boxes for detect prompts', async () => {
    const byPrompt = new Map<string, Generation[]>();
    for (const g of generations) byPrompt.set(g.prompt, [...(byPrompt.get(g.prompt) ?? []), g]);
    for (const [prompt, cases] of byPrompt) {
      const r = await draft([...cases.map(dicomFile), '--model', model.dir, '--prompt', prompt, '--json']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as DraftOutput);
      expect(lines).toHaveLength(cases.length);
      lines.forEach((out, i) => {
        const ref = cases[i];
        expect(out.file).toBe(dicomFile(ref));
        expect(out.prompt).toBe(prompt);
        expect(out.ids, ref.id).toEqual(ref.generated_ids);
        expect(out.text, ref.id).toBe(ref.generated_text);
        expect(out.steps).toHaveLength(ref.generated_ids.length);
        expect(out.steps[0].top5_ids[0]).toBe(ref.generated_ids[0]);
        expect(out.steps[0].top5_logits).toHaveLength(5);
        expect(Object.keys(out.timing).sort()).toEqual(['decode_ms', 'load_ms', 'prefill_ms', 'tokens_per_s', 'vision_ms']);
        if (prompt.startsWith('detect')) {
          expect(out.boxes).toHaveLength(1);
          expect(out.boxes[0].label).toBe('pneumothorax');
        } else {
          expect(out.boxes).toEqual([]);
        }
      });
    }
  });

  it('streams plain text for a PNG as it is generated and prints boxes in original pixels', async () => {
    const dev11 = generations.find((g) => g.id === 'dev11');
    if (!dev11) throw new Error('dev11 missing');
    const r = await draft([modelView(dev11.image), '--model', model.dir, '--prompt', 'detect pneumothorax']);
    expect(r.code).toBe(0);
    // One chunk per generated token that completes text, then the closing newline and the box line.
    expect(r.chunks.length).toBeGreaterThan(3);
    expect(r.stdout).toBe(`${dev11.generated_text}\nbox: pneumothorax y0=99.0 x0=171.0 y1=255.0 x1=434.0 (pixels of 1024×1024)\n`);
  });

  it('takes --pixel-values as PNG or .f32, stops at --max-tokens, and finds the model in RADRAFT_MODEL', async () => {
    const dev00 = generations[0];
    const png = PNG.sync.read(readFileSync(resized(dev00.image)));
    const f32 = new Float32Array(3 * 224 * 224);
    for (let i = 0; i < 224 * 224; i++) f32[i] = f32[i + 224 * 224] = f32[i + 2 * 224 * 224] = png.data[i * 4] / 127.5 - 1;
    const raw = join(scratch.dir, 'dev00.f32');
    writeFileSync(raw, Buffer.from(f32.buffer));
    const r = await draft(['--pixel-values', resized(dev00.image), '--pixel-values', raw, '--max-tokens', '5', '--json'], { RADRAFT_MODEL: model.dir });
    expect(r.stderr).toBe('');
    const [a, b] = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as DraftOutput);
    expect(a.file).toBe(resized(dev00.image));
    expect(a.ids).toEqual(dev00.generated_ids.slice(0, 5));
    expect(b.ids).toEqual(a.ids);
  });

  it('reports bad input per file, keeps going, and fails the run', async () => {
    const notImage = join(scratch.dir, 'notes.txt');
    writeFileSync(notImage, 'not an image');
    const dev00 = generations[0];
    const badJ2k = join(__dirname, '../fixtures/dicom/cxr-robustness/pydicom966_bad_COM_marker_j2k.dcm');
    const r = await draft([notImage, badJ2k, modelView(dev00.image), '--model', model.dir, '--max-tokens', '3', '--json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/notes\.txt/);
    expect(r.stderr).toMatch(/pydicom966_bad_COM_marker_j2k\.dcm/);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { file: string; error?: string; ids?: number[] });
    expect(lines.map((l) => l.file)).toEqual([notImage, badJ2k, modelView(dev00.image)]);
    expect(lines[0].error).toBeTruthy();
    expect(lines[1].error).toBeTruthy();
    expect(lines[2].ids).toEqual(dev00.generated_ids.slice(0, 3));
  });

  it('explains usage mistakes and a missing model', async () => {
    expect((await draft([])).code).toBe(2);
    expect((await draft(['x.png'])).stderr).toMatch(/no model: pass --model/);
    expect((await draft(['x.png', '--model', model.dir, '--max-tokens', '-1'])).stderr).toMatch(/--max-tokens/);
    // Without --model or RADRAFT_MODEL the bundled demo model is used.
    const viaBundled = await draft(['x.png'], {}, join(scratch.dir, 'demo'));
    expect(viaBundled.stderr).toMatch(/demo.*not a radraft model folder/);
    const missing = await draft(['x.png', '--model', join(scratch.dir, 'nope')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/not a radraft model folder/);
    expect((await draft(['a.png', 'b.png', '--pixel-values', 'p.f32', '--model', model.dir])).stderr).toMatch(/one --pixel-values per FILE/);
  });
});
