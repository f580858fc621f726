// `radraft import-model` as a user runs it: arguments, exit codes, one-line messages.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { importModelCommand } from '../../../main/cli/commands/import-model';
import { readManifest } from '../../../models/engine/index';
import { FIXTURES, tempDir } from '../engine/fixtures';

const tmp = tempDir('import-cli');
afterAll(() => tmp.cleanup());

function capture(): { out: () => string; err: () => string; restore: () => void } {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  return { out: () => out, err: () => err, restore: () => (o.mockRestore(), e.mockRestore()) };
}

describe('radraft import-model', () => {
  it('imports a checkpoint folder and reports what it wrote', async () => {
    const io = capture();
    const out = join(tmp.dir, 'int4');
    const code = await importModelCommand.run([join(FIXTURES, 'tiny-paligemma2-cxr'), '--out', out, '--dtype', 'int4']);
    io.restore();
    expect(code).toBe(0);
    expect(io.out()).toMatch(/PaliGemmaForConditionalGeneration 224px int4, 5 files/);
    expect(readManifest(out).dtype).toBe('int4');
  });

  it('explains bad arguments and bad folders with a non-zero exit code', async () => {
    const io = capture();
    expect(await importModelCommand.run([join(FIXTURES, 'tiny-paligemma2-cxr')])).toBe(2);
    expect(await importModelCommand.run([join(FIXTURES, 'tiny-paligemma2-cxr'), '--out', join(tmp.dir, 'x'), '--dtype', 'int3'])).toBe(2);
    expect(await importModelCommand.run([join(tmp.dir, 'missing'), '--out', join(tmp.dir, 'y')])).toBe(1);
    io.restore();
    expect(io.err()).toMatch(/usage: radraft import-model HF_DIR --out MODEL_DIR/);
    expect(io.err()).toMatch(/--dtype must be one of fp32, fp16, int8, int4/);
    expect(io.err()).toMatch(/has no config\.json: point import-model at a Hugging Face checkpoint folder/);
    expect(existsSync(join(tmp.dir, 'y'))).toBe(false);
  });
});
