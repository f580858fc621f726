// End to end: the real renderer in headless Chromium against the real main services (only the transport differs
// from Electron IPC). Open a MONOCHROME1 chest film → it shows right way up with white bones → dragging changes
// window/level → type findings → export → the file on disk holds the text.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './harness/server';
import { appSuite, SHOTS } from './harness/suite';
import { correlation, flipVertical, invert, regionMean, sampleCanvas, samplePng, spread } from './harness/pixels';

const FIXTURES = join(ROOT, 'test/fixtures/e2e');
const MONO1 = join(FIXTURES, 'barre_CR-MONO1-10-chest_nometa.dcm');
const MONO1_VIEW = join(FIXTURES, 'barre_CR-MONO1-10-chest_nometa.png');

const e2e = appSuite();

async function waitForImage(): Promise<void> {
  const { page } = e2e.app;
  await page.getByTestId('overlay-wl').waitFor({ state: 'visible', timeout: 30_000 });
  // Two animation frames: cornerstone draws on its requestAnimationFrame loop.
  await page.evaluate(() => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))));
}

describe('viewer and report, end to end', () => {
  it('opens a MONOCHROME1 film and shows it the right way up with white bones', async () => {
    const { page } = e2e.app;
    e2e.harness.nextOpenFiles = [MONO1];
    await page.getByTestId('open-files').click();
    await page.getByTestId('study-item').first().waitFor();
    await waitForImage();
    await expect.poll(() => page.getByTestId('viewer-error').count()).toBe(0);

    const shown = await sampleCanvas(page, 440, 440, 24);
    expect(spread(shown), 'canvas is not blank').toBeGreaterThan(100);

    // The golden model view (white bones, right way up) matches; its upside-down or negative copy does not.
    const golden = samplePng(MONO1_VIEW, 24);
    const r = correlation(shown, golden);
    expect(r).toBeGreaterThan(0.98);
    expect(correlation(shown, flipVertical(golden))).toBeLessThan(r - 0.3);
    expect(correlation(shown, invert(golden))).toBeLessThan(0);

    // And in plain terms: the spine/mediastinum is brighter than the lung fields either side of it.
    const mediastinum = regionMean(shown, 0.45, 0.25, 0.55, 0.55);
    const rightLung = regionMean(shown, 0.2, 0.25, 0.35, 0.55);
    const leftLung = regionMean(shown, 0.65, 0.25, 0.8, 0.55);
    expect(mediastinum).toBeGreaterThan(rightLung + 30);
    expect(mediastinum).toBeGreaterThan(leftLung + 30);

    await expect.poll(() => page.getByTestId('overlay-wl').innerText()).toBe('W 1024 / L 550');
    await expect.poll(() => page.getByTestId('overlay-spacing').innerText()).toMatch(/No pixel spacing/);
    await page.screenshot({ path: join(SHOTS, '01-mono1-opened.png') });
  });

  it('changes window/level when the user drags on the image', async () => {
    const { page } = e2e.app;
    const before = await sampleCanvas(page, 440, 440, 24);
    const wlBefore = await page.getByTestId('overlay-wl').innerText();
    const box = await page.getByTestId('viewport').boundingBox();
    if (!box) throw new Error('viewport has no box');
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    await page.mouse.move(cx + 120, cy + 80, { steps: 12 });
    await page.mouse.up();
    await expect.poll(() => page.getByTestId('overlay-wl').innerText()).not.toBe(wlBefore);
    await page.evaluate(() => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))));
    const after = await sampleCanvas(page, 440, 440, 24);
    const changed = after.values.filter((v, i) => Math.abs(v - before.values[i]) > 8).length;
    expect(changed).toBeGreaterThan(after.values.length / 4);
    const [w, l] = (await page.getByTestId('overlay-wl').innerText()).match(/-?\d+(\.\d+)?/g)!.map(Number);
    expect(w).toBeGreaterThan(1024);
    expect(l).toBeGreaterThan(550);
    await page.screenshot({ path: join(SHOTS, '02-window-level-dragged.png') });
  });

  it('saves typed findings, exports them to a file and restores them on reopening', async () => {
    const { page } = e2e.app;
    const findings = 'Heart size normal. No focal consolidation, effusion or pneumothorax — e2e ✓.';
    await page.getByTestId('section-findings').fill(findings);
    await page.getByTestId('section-impression').fill('No acute cardiopulmonary abnormality.');
    await expect.poll(() => page.getByTestId('save-indicator').getAttribute('data-state'), { timeout: 5000 }).toBe('saved');

    await page.getByTestId('export-report').click();
    await page.getByTestId('export-confirm').click(); // Text, the dialog's default
    await expect.poll(() => e2e.harness.savedPaths.length).toBe(1);
    await page.getByTestId('toast').filter({ hasText: 'Report exported' }).waitFor();
    const text = readFileSync(e2e.harness.savedPaths[0], 'utf8');
    expect(text).toContain(findings);
    expect(text).toContain('No acute cardiopulmonary abnormality.');
    await page.screenshot({ path: join(SHOTS, '03-findings-exported.png') });

    // A fresh page (same services, same database) restores the report.
    await page.reload();
    await page.getByTestId('study-item').first().click();
    await expect.poll(() => page.getByTestId('section-findings').inputValue()).toBe(findings);
  });

  it('shows a failed save (the report changed elsewhere) and lets the clinician keep their text', async () => {
    const { page } = e2e.app;
    const uid = (await e2e.harness.services.handlers['studies:list']({}))[0].studyInstanceUid;
    const stored = await e2e.harness.services.handlers['report:get']({ studyInstanceUid: uid });
    if (!stored) throw new Error('no stored report');
    // Another writer saves first, so the editor's next save is based on a stale revision.
    await e2e.harness.services.handlers['report:save']({ studyInstanceUid: uid, sections: { ...stored.sections, comparison: 'Other editor' }, baseRevision: stored.revision });

    await page.getByTestId('section-technique').fill('PA erect.');
    await expect.poll(() => page.getByTestId('save-indicator').getAttribute('data-state'), { timeout: 5000 }).toBe('failed');
    expect(await page.getByTestId('save-alert').innerText()).toMatch(/not saved[\s\S]*changed elsewhere/);
    await page.screenshot({ path: join(SHOTS, '04-save-failed.png') });

    await page.getByTestId('keep-mine').click();
    await expect.poll(() => page.getByTestId('save-indicator').getAttribute('data-state'), { timeout: 5000 }).toBe('saved');
    const now = await e2e.harness.services.handlers['report:get']({ studyInstanceUid: uid });
    expect(now?.sections.technique).toBe('PA erect.');
    expect(e2e.app.errors, 'no console errors (CSP violations would show here)').toEqual([]);
  });
});
