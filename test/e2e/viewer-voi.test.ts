// End to end, issue 10 item 8: the viewer shows the grey levels the model view computes (Modality LUT Sequence,
// VOI LUT Sequence, VOI LUT Function, PS3.3 C.11), offers the file's own windows, and shows PALETTE COLOR images.
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderGray8 } from '../../app/imaging/gray8';
import { decodeFile, renderModelView } from '../../main/dicom';
import { dxImage, part10, u16le, type El } from '../main/dicom/build-dicom';
import { ROOT } from './harness/server';
import { appSuite, SHOTS } from './harness/suite';
import { meanAbsDiff, sampleCanvas, sampleGrey, spread, type Grid } from './harness/pixels';

const FIXTURES = join(ROOT, 'test/fixtures/dicom');
const BARRE = join(FIXTURES, 'cxr/barre_CR-MONO1-10-chest_nometa.dcm');
const PALETTE = join(FIXTURES, 'interop/OBXXXX1A_rle.dcm');

const e2e = appSuite();
const N = 24;

async function shown(rows: number, columns: number): Promise<Grid> {
  const { page } = e2e.app;
  await page.evaluate(() => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))));
  return sampleCanvas(page, rows, columns, N);
}

async function open(file: string): Promise<void> {
  const { page } = e2e.app;
  const study = page.getByTestId('overlay-study');
  const before = (await study.count()) > 0 ? await study.innerText() : '';
  e2e.harness.nextOpenFiles = [file];
  await page.getByTestId('open-files').click();
  await page.locator(`[data-testid="image-item"][title$="${file.split('/').pop()}"]`).click();
  await page.getByTestId('overlay-wl').waitFor({ state: 'visible', timeout: 30_000 });
  await expect.poll(() => page.getByTestId('overlay-study').innerText()).not.toBe(before);
}

/**
 * The Barré CR (10 bits, MONOCHROME1) with every step of PS3.3 C.11: a Modality LUT Sequence (log-like, to 16 bits),
 * two windows with explanations in its output units, VOI LUT Function SIGMOID, and a VOI LUT Sequence item.
 */
async function writePipelineFile(path: string): Promise<void> {
  const barre = await decodeFile(BARRE);
  const modality = Array.from({ length: 1024 }, (_, i) => Math.round(9000 * Math.log1p(i / 64)));
  const voi = Array.from({ length: 25001 }, (_, i) => Math.round(4095 * Math.sqrt(i / 25000)));
  const lut = (descriptor: number[], data: number[], explanation: string): El[] => [
    { tag: 0x00283002, vr: 'US', value: descriptor },
    { tag: 0x00283003, vr: 'LO', value: explanation },
    { tag: 0x00283006, vr: 'OW', value: u16le(data) },
  ];
  const elements = dxImage({
    rows: barre.rows,
    columns: barre.columns,
    bitsStored: 10,
    photometric: 'MONOCHROME1',
    pixels: new Uint8Array(barre.pixels.buffer, barre.pixels.byteOffset, barre.pixels.byteLength),
    extra: [
      { tag: 0x00080060, vr: 'CS', value: 'CR' },
      { tag: 0x00100010, vr: 'PN', value: 'Pipeline^Test' },
      { tag: 0x00281050, vr: 'DS', value: '20000\\15000' },
      { tag: 0x00281051, vr: 'DS', value: '12000\\30000' },
      { tag: 0x00281055, vr: 'LO', value: 'SOFT\\WIDE' },
      { tag: 0x00281056, vr: 'CS', value: 'SIGMOID' },
      { tag: 0x00283000, vr: 'SQ', value: [lut([1024, 0, 16], modality, 'LOG')] },
      { tag: 0x00283010, vr: 'SQ', value: [lut([25001 % 65536, 5000, 12], voi, 'GAMMA')] },
    ],
  });
  writeFileSync(path, part10(elements));
}

describe('viewer grey pipeline, end to end', () => {
  it('shows a file with a Modality LUT Sequence and a VOI LUT Sequence as the model view does, and offers its windows', async () => {
    const { page } = e2e.app;
    const file = join(e2e.harness.workDir, 'pipeline.dcm');
    await writePipelineFile(file);
    const decoded = await decodeFile(file);
    const model = renderModelView(decoded);
    expect(model.voi).toBe('voi-lut-sequence');

    await open(file);
    await expect.poll(() => page.getByTestId('overlay-wl').innerText()).toBe('VOI LUT: GAMMA');
    const first = await shown(440, 440);
    expect(spread(first)).toBeGreaterThan(100);
    expect(meanAbsDiff(first, sampleGrey(model, N))).toBeLessThan(1.5);
    await page.screenshot({ path: join(SHOTS, '20-voi-lut-sequence.png') });

    // The file's own windows, each with its SIGMOID function over the Modality LUT's output.
    const options = await page.getByTestId('preset-select').locator('optgroup[label="From the file"] option').allInnerTexts();
    expect(options).toEqual(['File window 1: SOFT (W 12000 / L 20000)', 'File window 2: WIDE (W 30000 / L 15000)', 'File VOI LUT 1: GAMMA']);
    for (const [i, w] of [{ center: 20000, width: 12000 }, { center: 15000, width: 30000 }].entries()) {
      await page.getByTestId('preset-select').selectOption(`file:${i}`);
      await expect.poll(() => page.getByTestId('overlay-wl').innerText()).toBe(`W ${w.width} / L ${w.center}`);
      const expected = renderGray8({
        width: decoded.columns,
        height: decoded.rows,
        values: decoded.pixels,
        bitsStored: 10,
        photometricInterpretation: 'MONOCHROME1',
        rescaleSlope: 1,
        rescaleIntercept: 0,
        modalityLut: decoded.header.modalityLut,
        windows: [w],
        voiLutFunction: 'SIGMOID',
      });
      const grid = await shown(440, 440);
      expect(meanAbsDiff(grid, sampleGrey(expected, N)), `file window ${i + 1}`).toBeLessThan(1.5);
      expect(meanAbsDiff(grid, first), 'differs from the VOI LUT view').toBeGreaterThan(5);
      await page.screenshot({ path: join(SHOTS, `21-file-window-${i + 1}.png`) });
    }

    // Back to the file's default, then a drag: a custom window, still through the Modality LUT and SIGMOID.
    await page.keyboard.press('1');
    await expect.poll(() => page.getByTestId('overlay-wl').innerText()).toBe('VOI LUT: GAMMA');
    const box = await page.getByTestId('viewport').boundingBox();
    if (!box) throw new Error('viewport has no box');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 - 60, box.y + box.height / 2 + 40, { steps: 6 });
    await page.mouse.up();
    await expect.poll(() => page.getByTestId('overlay-wl').innerText()).toMatch(/^W \d+ \/ L \d+$/);
    expect(await page.getByTestId('preset-select').inputValue()).toBe('custom');
    expect(spread(await shown(440, 440))).toBeGreaterThan(50);
    expect(e2e.app.errors).toEqual([]);
  });

  it('shows a PALETTE COLOR image (as the luminance of its colours, like the model view)', async () => {
    const { page } = e2e.app;
    await open(PALETTE);
    await expect.poll(() => page.getByTestId('viewer-error').count()).toBe(0);
    const model = renderModelView(await decodeFile(PALETTE));
    const grid = await shown(600, 800);
    expect(spread(grid)).toBeGreaterThan(100);
    expect(meanAbsDiff(grid, sampleGrey(model, N))).toBeLessThan(1.5);
    await page.screenshot({ path: join(SHOTS, '23-palette-colour.png') });
    expect(e2e.app.errors).toEqual([]);
  });
});
