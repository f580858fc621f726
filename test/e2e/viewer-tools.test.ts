// End to end: the viewer's tools and the report's signing, on the real renderer and real services.
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './harness/server';
import { appSuite, SHOTS } from './harness/suite';
import { correlation, sampleCanvas, spread } from './harness/pixels';

const MONO1 = join(ROOT, 'test/fixtures/e2e/barre_CR-MONO1-10-chest_nometa.dcm');

const e2e = appSuite();

const frames = () => e2e.app.page.evaluate(() => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))));

describe('viewer tools, end to end', () => {
  it('opens files dropped onto the window', async () => {
    const { page } = e2e.app;
    await page.evaluate((path) => {
      (window as unknown as { __e2eDropPaths: Record<string, string> }).__e2eDropPaths = { 'chest.dcm': path };
    }, MONO1);
    const dataTransfer = await page.evaluateHandle(() => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(4)], 'chest.dcm'));
      return dt;
    });
    await page.dispatchEvent('main', 'dragover', { dataTransfer });
    await page.dispatchEvent('main', 'drop', { dataTransfer });
    await page.getByTestId('overlay-wl').waitFor({ timeout: 30_000 });
    await frames();
    expect(spread(await sampleCanvas(page, 440, 440, 16))).toBeGreaterThan(100);
  });

  it('applies presets, invert, rotate and reset', async () => {
    const { page } = e2e.app;
    const start = await sampleCanvas(page, 440, 440, 16);
    await page.getByTestId('preset-select').selectOption('lung');
    await expect.poll(() => page.getByTestId('overlay-wl').innerText()).not.toBe('W 1024 / L 550');
    await page.keyboard.press('1');
    await expect.poll(() => page.getByTestId('overlay-wl').innerText()).toBe('W 1024 / L 550');

    await page.keyboard.press('i');
    await frames();
    expect(correlation(await sampleCanvas(page, 440, 440, 16), start)).toBeLessThan(-0.9);
    await page.keyboard.press('i');

    await page.keyboard.press('r');
    await frames();
    const rotated = await sampleCanvas(page, 440, 440, 16);
    expect(correlation(rotated, start)).toBeLessThan(0.8);
    await page.screenshot({ path: join(SHOTS, '04-rotated.png') });

    await page.getByTestId('reset-view').click();
    await frames();
    expect(correlation(await sampleCanvas(page, 440, 440, 16), start)).toBeGreaterThan(0.99);
  });

  it('measures a length, in px when the file has no pixel spacing', async () => {
    const { page } = e2e.app;
    await page.keyboard.press('m');
    const box = await page.getByTestId('viewport').boundingBox();
    if (!box) throw new Error('viewport has no box');
    const y = box.y + box.height / 2;
    const scale = Math.min(box.width, box.height) / 440;
    await page.mouse.move(box.x + box.width / 2 - 50 * scale, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 50 * scale, y, { steps: 5 });
    await page.mouse.up();
    const label = await page.getByTestId('measure-label').first().textContent();
    // 100 image pixels, give or take the rounding of the mouse position.
    const px = Number(/(\d+) px/.exec(label ?? '')?.[1]);
    expect(Math.abs(px - 100)).toBeLessThanOrEqual(2);
    await page.screenshot({ path: join(SHOTS, '05-measure.png') });
    await page.keyboard.press('Delete');
    await expect.poll(() => page.getByTestId('measure-label').count()).toBe(0);
    await page.keyboard.press('w');
  });

  it('shows the shortcut help with ?', async () => {
    const { page } = e2e.app;
    await page.keyboard.press('Shift+?');
    await page.getByTestId('help-overlay').waitFor();
    await page.screenshot({ path: join(SHOTS, '06-help.png') });
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('help-overlay').isVisible()).toBe(false);
  });

  it('signs the report after asking for the clinician’s name', async () => {
    const { page } = e2e.app;
    await page.getByTestId('section-impression').fill('Normal chest.');
    await page.getByTestId('sign-report').click();
    await page.getByTestId('sign-name').fill('Dr Ada Lovelace');
    await page.screenshot({ path: join(SHOTS, '07-sign-dialog.png') });
    await page.getByTestId('sign-confirm').click();
    await expect.poll(() => page.getByTestId('signed-by').innerText()).toContain('Dr Ada Lovelace');
    expect(await page.getByTestId('section-impression').getAttribute('readonly')).not.toBeNull();
    await page.getByTestId('copy-report').click();
    await expect.poll(() => e2e.harness.clipboard.length).toBe(1);
    expect(e2e.harness.clipboard[0]).toContain('Normal chest.');
    expect(e2e.harness.clipboard[0]).toContain('Dr Ada Lovelace');
    expect(e2e.app.errors).toEqual([]);
  });

  it('says which files could not be opened and never shows a stale film for an image that cannot be decoded', async () => {
    const { page } = e2e.app;
    const notDicom = join(e2e.harness.workDir, 'notes.dcm');
    writeFileSync(notDicom, 'clinic notes, not an image');
    // The Barré film cut inside its pixel data: the header reads, the pixels cannot be decoded.
    const truncated = join(e2e.harness.workDir, 'truncated.dcm');
    writeFileSync(truncated, readFileSync(MONO1).subarray(0, 200_000));
    e2e.harness.nextOpenFiles = [notDicom, truncated];
    await page.getByTestId('open-files').click();
    const problems = page.getByTestId('open-problems');
    await problems.waitFor();
    expect(await problems.innerText()).toMatch(/notes\.dcm — .+/);
    // The cut copy shares its study (and SOP Instance UID) with the intact film opened earlier: pick it by file, so
    // the check does not depend on how the two paths sort.
    await page.locator('[data-testid="image-item"][title$="truncated.dcm"]').click();
    const error = page.getByTestId('viewer-error');
    await error.waitFor({ timeout: 30_000 });
    expect(await error.innerText()).toMatch(/cannot be shown[\s\S]+truncated\.dcm/);
    expect(spread(await sampleCanvas(page, 440, 440, 16))).toBe(0);
    await page.screenshot({ path: join(SHOTS, '08-bad-input.png') });
  });

  it('cannot reach another origin or run injected inline script: the CSP refuses both', async () => {
    const { page } = e2e.app;
    const outcome = await page.evaluate(async () => {
      const fetched = await fetch('http://198.51.100.7/leak').then(
        () => 'reached',
        () => 'refused',
      );
      // An injected inline script must not run.
      const script = document.createElement('script');
      script.textContent = 'window.__inlineRan = true';
      document.head.appendChild(script);
      const evaluated = (window as unknown as { __inlineRan?: boolean }).__inlineRan ? 'ran' : 'blocked';
      return { fetched, evaluated };
    });
    expect(outcome).toEqual({ fetched: 'refused', evaluated: 'blocked' });
    await expect.poll(() => e2e.app.errors.filter((e) => /Content Security Policy/.test(e)).length).toBeGreaterThan(0);
    expect(e2e.app.errors.filter((e) => !/Content Security Policy|Failed to fetch|net::/.test(e))).toEqual([]);
  });
});
