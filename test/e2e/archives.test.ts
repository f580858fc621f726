// End to end: a disc's folder opens by its DICOMDIR and a zip archive opens in place, from the top bar's buttons,
// on the real renderer and services (issue 10, items 6 and 7); a zip bomb is refused with a message.
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { ROOT } from './harness/server';
import { appSuite, SHOTS } from './harness/suite';
import { sampleCanvas, spread } from './harness/pixels';
import { buildZip } from '../main/archives/zip-writer';

const SET = join(ROOT, 'test/fixtures/dicom/pydicom-test-files/dicomdirtests');
const MONO1 = join(ROOT, 'test/fixtures/e2e/barre_CR-MONO1-10-chest_nometa.dcm');
const SIIM = join(ROOT, 'test/fixtures/e2e/siim_1.2.276.0.7230010.3.1.4.8323329.4904.1517875185.355709.dcm');

const e2e = appSuite({ fresh: 'test' });

async function open(button: 'open-files' | 'open-folder', paths: string[]): Promise<void> {
  const { page } = e2e.app;
  if (button === 'open-files') e2e.harness.nextOpenFiles = paths;
  else e2e.harness.nextOpenFolder = paths[0];
  await page.getByTestId(button).click();
  // Opening ends with a toast, or only with the problem list when nothing opened.
  await page.getByTestId('toast').filter({ hasText: /Opened|No DICOM images/ }).or(page.getByTestId('open-problems')).first().waitFor({ timeout: 60_000 });
}

describe('discs and archives, end to end', () => {
  it('opens a folder holding a DICOMDIR by its records, and sums up what could not be opened', async () => {
    const { page } = e2e.app;
    await open('open-folder', [SET]);
    expect(await page.getByTestId('toast').last().innerText()).toMatch(/Opened 31 images in 6 studies/);
    expect(await page.getByTestId('study-item').count()).toBe(6);
    const problems = await page.getByTestId('open-problems').innerText();
    expect(problems).toMatch(/51 files could not be opened/);
    expect(problems).toMatch(/SE000000\s+\(50 files\) — A DICOM file without an image \(Modality CT\)\./);
    expect(problems).toMatch(/DICOMDIR-nooffset — The file ends before the data it announces/);
    await page.getByTestId('overlay-wl').waitFor({ state: 'visible', timeout: 30_000 });
    await page.screenshot({ path: join(SHOTS, 'archives-01-dicomdir-folder.png') });
  });

  it('opens a zip archive of nested folders in place and shows its films', async () => {
    const { page } = e2e.app;
    const zip = join(e2e.harness.workDir, 'chest-export.zip');
    writeFileSync(zip, buildZip([
      { name: 'EXPORT/PATIENT1/STUDY1/IM000001', data: readFileSync(MONO1) },
      { name: 'EXPORT/PATIENT2/STUDY1/IM000001', data: readFileSync(SIIM), method: 0 },
      { name: 'EXPORT/README.TXT', data: Buffer.from('Exported by a PACS') },
    ]));
    await open('open-files', [zip]);
    expect(await page.getByTestId('toast').last().innerText()).toMatch(/Opened 2 images in 2 studies/);
    expect(await page.getByTestId('open-problems').count()).toBe(0);
    // The Barré film (440×440, no Part-10 header) from inside the archive: on screen with its full grey range.
    await page.getByTestId('study-item').filter({ hasText: 'Anonymized' }).click();
    expect(await page.locator(`[data-testid="image-item"][title="${zip}${sep}EXPORT${sep}PATIENT1${sep}STUDY1${sep}IM000001"]`).count()).toBe(1);
    await expect.poll(() => page.getByTestId('overlay-wl').innerText(), { timeout: 30_000 }).toBe('W 1024 / L 550');
    await expect.poll(async () => spread(await sampleCanvas(page, 440, 440, 16)), { timeout: 10_000 }).toBeGreaterThan(100);
    await page.screenshot({ path: join(SHOTS, 'archives-02-zip.png') });
  });

  it('refuses a zip bomb with a message and opens nothing from it', async () => {
    const { page } = e2e.app;
    const bomb = join(e2e.harness.workDir, 'images.zip');
    writeFileSync(bomb, buildZip(Array.from({ length: 100 }, (_, i) => ({ name: `DICOM/IM${String(i).padStart(6, '0')}`, data: Buffer.alloc(1024 * 1024) }))));
    await open('open-files', [bomb]);
    expect(await page.getByTestId('study-item').count()).toBe(0);
    const problems = await page.getByTestId('open-problems').innerText();
    expect(problems).toMatch(/images\.zip — Its files would expand to 100 MB, more than 100 times the archive's \d+ KB \(a zip bomb, or a damaged archive\); it was not opened/);
    await page.screenshot({ path: join(SHOTS, 'archives-03-zip-bomb.png') });
  });
});
