// `radraft inspect` and `radraft render`, run through the command modules and, once built,
// through the real bin/radraft.cjs.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { inspectCommand, type InspectOutput } from '../../main/cli/commands/inspect';
import { renderCommand } from '../../main/cli/commands/render';

const root = join(__dirname, '..', '..');
const fx = (...p: string[]) => join(root, 'test', 'fixtures', 'dicom', ...p);
const BARRE = fx('cxr', 'barre_CR-MONO1-10-chest_nometa.dcm');
const BAD = fx('cxr-robustness', 'pydicom966_bad_COM_marker_j2k.dcm');
const out = mkdtempSync(join(tmpdir(), 'radraft-cli-'));

let stdout = '';
let stderr = '';
beforeEach(() => {
  stdout = '';
  stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
});
afterEach(() => vi.restoreAllMocks());

describe('radraft inspect', () => {
  it('--json prints one object with identifiers, image attributes and pixel statistics', async () => {
    expect(await inspectCommand.run([BARRE, '--json'])).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const o = JSON.parse(lines[0]) as InspectOutput;
    expect(o).toMatchObject({
      modality: 'CR', viewPosition: 'PA', rows: 440, columns: 440, transferSyntaxUid: '1.2.840.10008.1.2',
      photometricInterpretation: 'MONOCHROME1', bitsAllocated: 16, bitsStored: 10, window: { center: 550, width: 1024 },
      sopInstanceUid: '1.2.392.200036.9125.0.19950720112207', pixelSpacing: null, pixelSpacingSource: 'none',
      // pydicom's reference for this file (golden/dicom_decode_reference.json)
      pixelSha256: '400ebd95cd99725097d903597ca26d5d9cf81e339b4dcbc61a164483f0bee213', min: 0, max: 979, mean: 501.8573,
    });
    expect(stderr).toBe('');
  });

  it('reports the view position found only in Patient Position', async () => {
    expect(await inspectCommand.run([fx('cxr', 'nih_dx_ap_effusion_implLE_8bit.dcm'), '--json'])).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ viewPosition: 'AP', viewPositionSource: 'PatientPosition', window: null });
  });

  it('prints a readable summary without --json', async () => {
    expect(await inspectCommand.run([BARRE])).toBe(0);
    expect(stdout).toMatch(/View position:\s+PA/);
    expect(stdout).toMatch(/Window:\s+center 550, width 1024/);
  });

  it('says when the codestream is not the one the transfer syntax names (issue 10, item 1)', async () => {
    // The SIIM baseline JPEG (SOF0) relabelled JPEG Lossless SV1: decoded as baseline, and reported.
    const bytes = readFileSync(fx('cxr', 'siim_1.2.276.0.7230010.3.1.4.8323329.1000.1517875165.878027.dcm'));
    const file = join(out, 'baseline_as_sv1.dcm');
    writeFileSync(file, Buffer.from(bytes.toString('latin1').replace('1.2.840.10008.1.2.4.50', '1.2.840.10008.1.2.4.70'), 'latin1'));
    expect(await inspectCommand.run([file, '--json'])).toBe(0);
    const o = JSON.parse(stdout) as InspectOutput;
    expect(o.transferSyntaxUid).toBe('1.2.840.10008.1.2.4.70');
    expect(o.codestreamMismatch).toMatch(/but the codestream is JPEG baseline \(SOF0\), 8-bit; decoded as JPEG baseline/);
    stdout = '';
    expect(await inspectCommand.run([file])).toBe(0);
    expect(stdout).toMatch(/Codestream:\s+the transfer syntax is JPEG Lossless.*JPEG baseline \(SOF0\)/);
    // A file whose codestream matches its syntax has no such field.
    stdout = '';
    expect(await inspectCommand.run([BARRE, '--json'])).toBe(0);
    expect(JSON.parse(stdout)).not.toHaveProperty('codestreamMismatch');
  });

  it('undecodable input: exit code 1 and one line on stderr naming the file and the reason', async () => {
    expect(await inspectCommand.run([BAD, '--json'])).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/pydicom966_bad_COM_marker_j2k\.dcm: .*cannot be decoded/);
    expect(await inspectCommand.run([fx('PROVENANCE.md')])).toBe(1);
    expect(stderr).toMatch(/PROVENANCE\.md: not a DICOM file/);
    expect(await inspectCommand.run([join(out, 'missing.dcm')])).toBe(1);
    expect(stderr).toMatch(/missing\.dcm: cannot read the file \(ENOENT\)/);
  });

  it('usage errors exit with 2', async () => {
    expect(await inspectCommand.run([])).toBe(2);
    expect(await inspectCommand.run([BARRE, '--bogus'])).toBe(2);
  });
});

describe('radraft render', () => {
  it('writes the full-resolution model view as an 8-bit grey PNG', async () => {
    const png = join(out, 'full.png');
    expect(await renderCommand.run([BARRE, '--out', png])).toBe(0);
    const buf = readFileSync(png);
    expect(buf[25]).toBe(0); // IHDR colour type 0: greyscale
    expect(buf[24]).toBe(8); // bit depth 8
    const mine = PNG.sync.read(buf);
    const ref = PNG.sync.read(readFileSync(fx('golden', 'model-view', 'barre_CR-MONO1-10-chest_nometa.png')));
    expect([mine.width, mine.height]).toEqual([440, 440]);
    expect(Buffer.compare(mine.data, ref.data)).toBe(0);
  });

  it('--size N resizes like the model preprocessing (SiglipImageProcessor, torchvision backend)', async () => {
    const png = join(out, 'small.png');
    expect(await renderCommand.run([BARRE, '--out', png, '--size', '224'])).toBe(0);
    const mine = PNG.sync.read(readFileSync(png));
    const ref = PNG.sync.read(readFileSync(fx('golden', 'resized224', 'barre_CR-MONO1-10-chest_nometa.tv.png')));
    expect([mine.width, mine.height]).toEqual([224, 224]);
    let off = 0;
    for (let i = 0; i < mine.data.length; i += 4) if (Math.abs(mine.data[i] - ref.data[i]) > 1) off++;
    expect(off).toBe(0);
  });

  it('takes PALETTE COLOR images (issue 10, item 8): the grey of their colours', async () => {
    const png = join(out, 'palette.png');
    expect(await renderCommand.run([fx('interop', 'OBXXXX1A_rle.dcm'), '--out', png])).toBe(0);
    const mine = PNG.sync.read(readFileSync(png));
    expect([mine.width, mine.height]).toEqual([800, 600]);
    const grey = new Uint8Array(mine.width * mine.height);
    for (let i = 0; i < grey.length; i++) grey[i] = mine.data[4 * i];
    // pydicom's palette colours as luminance (golden/interop_reference.json).
    const ref = JSON.parse(readFileSync(fx('golden', 'interop_reference.json'), 'utf8')) as { files: { file: string; pydicom_palette_grey?: { sha256: string } }[] };
    const want = ref.files.find((f) => f.file === 'OBXXXX1A_rle.dcm')?.pydicom_palette_grey?.sha256;
    expect(createHash('sha256').update(grey).digest('hex')).toBe(want);
  });

  it('undecodable input: exit code 1, one stderr line, no file written', async () => {
    const png = join(out, 'bad.png');
    expect(await renderCommand.run([BAD, '--out', png])).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(png)).toBe(false);
  });

  it('usage errors exit with 2', async () => {
    expect(await renderCommand.run([BARRE])).toBe(2);
    expect(await renderCommand.run([BARRE, '--out', join(out, 'x.png'), '--size', 'big'])).toBe(2);
  });
});

describe('bin/radraft.cjs (built CLI)', () => {
  const built = existsSync(join(root, 'dist', 'cli', 'radraft.cjs'));
  it.skipIf(!built)('inspect --json and the exit code on bad input', () => {
    const ok = spawnSync(process.execPath, [join(root, 'bin', 'radraft.cjs'), 'inspect', BARRE, '--json'], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect((JSON.parse(ok.stdout) as InspectOutput).pixelSha256).toBe('400ebd95cd99725097d903597ca26d5d9cf81e339b4dcbc61a164483f0bee213');
    const bad = spawnSync(process.execPath, [join(root, 'bin', 'radraft.cjs'), 'render', BAD, '--out', join(out, 'b.png')], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });

  it.skipIf(!built)('inspect starts without the model engine: onnxruntime is never loaded (issue 10, item 9)', () => {
    // A preload that makes loading onnxruntime fail: inspect must not need it.
    const forbid = join(out, 'forbid-engine.cjs');
    writeFileSync(
      forbid,
      "const M = require('node:module'); const load = M._load; M._load = function (r, ...a) { if (r === 'onnxruntime-node') throw new Error('loaded ' + r); return load.call(this, r, ...a); };",
    );
    const r = spawnSync(process.execPath, ['--require', forbid, join(root, 'bin', 'radraft.cjs'), 'inspect', fx('pydicom-test-files', 'JPEG2000.dcm'), '--json'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    // The same preload does stop a command that needs the engine, so the check can fail.
    const draft = spawnSync(process.execPath, ['--require', forbid, join(root, 'bin', 'radraft.cjs'), 'draft', BARRE], { encoding: 'utf8' });
    expect(draft.status).not.toBe(0);
    expect(draft.stderr).toMatch(/loaded onnxruntime-node/);
  });
});
