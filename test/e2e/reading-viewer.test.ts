// End to end: the reading-room viewer (issue 11, items 1–4 and their screenshots, item 8) on the real renderer and
// services, with the dcmodify-built studies of test/fixtures/reading (see its PROVENANCE.md): Reading^Rita's PA and
// lateral of 2025-06-10, her priors of 2024-03-02 (PA) and 2023-01-15 (AP), two studies of other patients that share
// her name and Patient ID, and a film that tells nothing of its orientation.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { emptySections } from '../../app/domain/report';
import { ROOT } from './harness/server';
import { appSuite, SHOTS } from './harness/suite';

const DIR = join(ROOT, 'test/fixtures/reading');
const PA = join(DIR, 'rita-2025-06-10-pa.dcm');
const LATERAL = join(DIR, 'rita-2025-06-10-lateral.dcm');
const PRIOR = join(DIR, 'rita-2024-03-02-pa.dcm');
const OLDER = join(DIR, 'rita-2023-01-15-ap.dcm');
const OTHER_ISSUER = join(DIR, 'other-issuer-2024-08-01.dcm');
const OTHER_BIRTH = join(DIR, 'other-birth-date-2024-09-01.dcm');
const UNORIENTED = join(DIR, 'unoriented.dcm');
const NO_SPACING = join(ROOT, 'test/fixtures/e2e/barre_CR-MONO1-10-chest_nometa.dcm');
const CURRENT_UID = '2.25.110000000000000000000000000000011';
const PRIOR_UID = '2.25.110000000000000000000000000000021';

const e2e = appSuite();

const frames = (page: Page) => page.evaluate(() => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))));

async function openFiles(paths: string[]): Promise<void> {
  const { page } = e2e.app;
  e2e.harness.nextOpenFiles = paths;
  const answered = page.waitForResponse((r) => decodeURIComponent(r.url()).endsWith('/invoke/studies:openDialog'), { timeout: 30_000 });
  await page.getByTestId('open-files').click();
  await answered;
  // Done when the window has finished opening (Open files is enabled again): the "Opened …" notice sums up the opens
  // made while it is on screen, so its text is no count to wait for.
  await expect.poll(() => page.getByTestId('open-files').isEnabled(), { timeout: 30_000 }).toBe(true);
}

const cell = (i: number): Locator => e2e.app.page.locator(`[data-testid=viewport-cell][data-cell="${i}"]`);
const cellText = (i: number, testId: string) => cell(i).getByTestId(testId).innerText();
const markers = async (i: number) => ({
  left: await cellText(i, 'marker-left'),
  right: await cellText(i, 'marker-right'),
  top: await cellText(i, 'marker-top'),
  bottom: await cellText(i, 'marker-bottom'),
});

async function selectStudy(date: string, name = 'Reading, Rita'): Promise<void> {
  const { page } = e2e.app;
  await page.getByTestId('study-item').filter({ hasText: date }).filter({ hasText: name }).click();
  await expect.poll(() => cellText(0, 'overlay-study'), { timeout: 30_000 }).toContain(date);
}

/** Drags on the active viewport from (x0, y0) to (x1, y1), offsets in screen pixels from its centre. */
async function dragOn(target: Locator, from: [number, number], to: [number, number]): Promise<void> {
  const { page } = e2e.app;
  const box = await target.boundingBox();
  if (!box) throw new Error('the viewport has no box');
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  await page.mouse.move(cx + from[0], cy + from[1]);
  await page.mouse.down();
  await page.mouse.move(cx + to[0], cy + to[1], { steps: 5 });
  await page.mouse.up();
}

async function clickOn(target: Locator, at: [number, number]): Promise<void> {
  const box = await target.boundingBox();
  if (!box) throw new Error('the viewport has no box');
  await e2e.app.page.mouse.click(box.x + box.width / 2 + at[0], box.y + box.height / 2 + at[1]);
}

describe('reading-room viewer, end to end', () => {
  it('hangs a PA and lateral study 1×2, frontal left, and switches layouts by keyboard (item 1)', async () => {
    const { page } = e2e.app;
    await openFiles([LATERAL, PA]);
    await expect.poll(() => page.getByTestId('viewport-grid').getAttribute('data-layout')).toBe('1x2');
    await expect.poll(() => cellText(0, 'overlay-study')).toContain('PA');
    await expect.poll(() => cellText(1, 'overlay-study')).toContain('LL');
    // PA with Patient Orientation L\F: the patient's right on the viewer's left. Left lateral P\F: facing left.
    await expect.poll(() => markers(0)).toEqual({ left: 'R', right: 'L', top: 'H', bottom: 'F' });
    await expect.poll(() => markers(1)).toEqual({ left: 'A', right: 'P', top: 'H', bottom: 'F' });
    await expect.poll(() => page.locator('[data-testid=thumbnail] canvas[data-drawn=true]').count(), { timeout: 30_000 }).toBe(2);
    await frames(page);
    await page.screenshot({ path: join(SHOTS, 'reading-01-hanging-pa-lateral.png') });

    await page.keyboard.press('Control+3');
    await expect.poll(() => page.getByTestId('viewport-cell').count()).toBe(4);
    await expect.poll(() => cellText(1, 'overlay-study')).toContain('LL');
    await frames(page);
    await page.screenshot({ path: join(SHOTS, 'reading-01-layout-2x2.png') });
    await page.keyboard.press('Control+1');
    await expect.poll(() => page.getByTestId('viewport-cell').count()).toBe(1);
    await page.keyboard.press('Control+2');
    await expect.poll(() => page.getByTestId('viewport-cell').count()).toBe(2);

    // A click on a thumbnail shows it in the active viewport; a thumbnail dragged onto a viewport shows it there.
    await cell(0).click();
    await page.locator('[data-testid=thumbnail]', { hasText: 'LL' }).click();
    await expect.poll(() => cellText(0, 'overlay-study')).toContain('LL');
    await page.locator('[data-testid=thumbnail]', { hasText: 'PA' }).dragTo(page.getByTestId('viewport'));
    await expect.poll(() => cellText(0, 'overlay-study')).toContain('PA');
    await frames(page);
    await page.screenshot({ path: join(SHOTS, 'reading-01-thumbnail-dropped.png') });
  });

  it('marks the edges from Patient Orientation, turns them with rotate and flip, shows Invert (item 3)', async () => {
    const { page } = e2e.app;
    await cell(0).click();
    await page.keyboard.press('r');
    // Turned a quarter clockwise: the patient's left (the image's right edge) is at the bottom, the feet on the left.
    await expect.poll(() => markers(0)).toEqual({ left: 'F', right: 'H', top: 'R', bottom: 'L' });
    await page.keyboard.press('0');
    await page.keyboard.press('h');
    await expect.poll(() => markers(0)).toEqual({ left: 'L', right: 'R', top: 'H', bottom: 'F' });
    await page.keyboard.press('i');
    await expect.poll(() => cellText(0, 'overlay-invert')).toBe('Invert');
    await frames(page);
    await page.screenshot({ path: join(SHOTS, 'reading-03-flipped-inverted.png') });
    await page.keyboard.press('i');
    await expect.poll(() => cell(0).getByTestId('overlay-invert').count()).toBe(0);
    await page.keyboard.press('0');
    await expect.poll(() => markers(0)).toEqual({ left: 'R', right: 'L', top: 'H', bottom: 'F' });
  });

  it('draws a length, an angle and a CTR, inserts the CTR into Findings, deletes one at a time (item 4)', async () => {
    const { page } = e2e.app;
    const pa = page.getByTestId('viewport');
    await page.keyboard.press('m');
    await dragOn(pa, [-120, -150], [-20, -150]);
    await expect.poll(() => page.getByTestId('measurement-row').count()).toBe(1);
    await page.keyboard.press('n');
    await dragOn(pa, [-150, -60], [-90, -60]);
    await clickOn(pa, [-90, -120]);
    await expect.poll(() => page.getByTestId('measurement-row').count()).toBe(2);
    await page.keyboard.press('t');
    // The heart's widest span (150 screen px), then the chest's widest inner span (300): the ratio is 0.50. The
    // second drag ends 5 px low: the span stays horizontal.
    await dragOn(pa, [-70, 70], [80, 70]);
    await dragOn(pa, [-150, 100], [150, 105]);
    await expect.poll(() => page.getByTestId('measurement-row').count()).toBe(3);
    const labels = await pa.locator('xpath=..').getByTestId('measure-label').allTextContents();
    expect(labels[0]).toMatch(/^\d+\.\d mm$/);
    expect(labels[1]).toBe('90°');
    expect(labels[2]).toBe('CTR 0.50');
    await expect.poll(() => page.getByTestId('measurement-calibration').first().innerText()).toBe('calibrated (Pixel Spacing)');
    await page.getByTestId('ctr-insert').click();
    await expect.poll(() => page.getByTestId('section-findings').inputValue()).toContain('Cardiothoracic ratio 0.50.');
    await frames(page);
    await page.screenshot({ path: join(SHOTS, 'reading-04-length-angle-ctr.png') });

    // Select the angle by clicking its arm, delete it: the length and the CTR stay.
    await page.keyboard.press('w');
    await clickOn(pa, [-120, -60]);
    await expect.poll(() => page.locator('[data-testid=measurement][data-selected=true]').getAttribute('data-kind')).toBe('angle');
    await page.keyboard.press('Delete');
    await expect.poll(() => page.locator('[data-testid=measurement-row]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kind')))).toEqual(['length', 'ctr']);

    // The lateral's spacing is Imager Pixel Spacing only: its length is at the detector, and says so.
    await page.locator('[data-testid=thumbnail]', { hasText: 'LL' }).click();
    await expect.poll(() => cellText(0, 'overlay-study')).toContain('LL');
    await expect.poll(() => page.getByTestId('measurement-row').count()).toBe(0);
    await page.keyboard.press('m');
    await dragOn(pa, [-50, 0], [50, 0]);
    await expect.poll(() => page.getByTestId('measurement-calibration').first().innerText()).toMatch(/at the detector \(Imager Pixel Spacing/);
    expect(await pa.locator('xpath=..').getByTestId('measure-label').first().textContent()).toMatch(/mm \(detector\)$/);
    await frames(page);
    await page.screenshot({ path: join(SHOTS, 'reading-04-detector-length.png') });

    // Back on the PA, its two are there again.
    await page.locator('[data-testid=thumbnail]', { hasText: 'PA' }).click();
    await expect.poll(() => page.locator('[data-testid=measurement-row]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kind')))).toEqual(['length', 'ctr']);
    await page.keyboard.press('w');
  });

  it('keeps the measurements over a restart (item 4)', async () => {
    const { page } = e2e.app;
    await e2e.harness.restart();
    await page.reload();
    await openFiles([PA, LATERAL]);
    await expect.poll(() => cellText(0, 'overlay-study')).toContain('PA');
    await expect.poll(() => page.locator('[data-testid=measurement-row]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kind')))).toEqual(['length', 'ctr']);
    await expect.poll(() => page.getByTestId('viewport-wrap').getByTestId('measure-label').count()).toBe(2);
    await frames(page);
    await page.screenshot({ path: join(SHOTS, 'reading-04-after-restart.png') });
  });

  it('measures in pixels and says so when the file has no pixel spacing (item 4)', async () => {
    const { page } = e2e.app;
    await openFiles([NO_SPACING]);
    await expect.poll(() => page.getByTestId('viewport-grid').getAttribute('data-layout')).toBe('1x1');
    await page.keyboard.press('m');
    await dragOn(page.getByTestId('viewport'), [-60, 0], [60, 0]);
    await expect.poll(() => page.getByTestId('measurement-calibration').first().innerText()).toBe('image pixels (no pixel spacing)');
    expect(await page.getByTestId('viewport-wrap').getByTestId('measure-label').first().textContent()).toMatch(/^\d+ px$/);
    await page.keyboard.press('Delete');
    await expect.poll(() => page.getByTestId('measurement-row').count()).toBe(0);
    await page.keyboard.press('w');
  });

  it('says "image not oriented" when nothing tells the orientation (item 3)', async () => {
    const { page } = e2e.app;
    await openFiles([UNORIENTED]);
    await expect.poll(() => cellText(0, 'overlay-patient')).toContain('Unknown, View');
    await expect.poll(() => cell(0).getByTestId('not-oriented').innerText()).toMatch(/Image not oriented/);
    expect(await cell(0).getByTestId('orientation-markers').count()).toBe(0);
    await frames(page);
    await page.screenshot({ path: join(SHOTS, 'reading-03-not-oriented.png') });
  });

  it('compares with the most recent prior of the same patient: date, signed report, Comparison, linked views (item 2)', async () => {
    const { page } = e2e.app;
    await openFiles([PRIOR, OLDER, OTHER_ISSUER, OTHER_BIRTH]);
    // The prior's report, signed, as a radiologist left it in 2024.
    const { handlers } = e2e.harness.services;
    const sections = { ...emptySections(), findings: 'Heart size normal. Lungs clear.', impression: 'No acute cardiopulmonary abnormality.' };
    const saved = await handlers['report:save']({ studyInstanceUid: PRIOR_UID, sections, baseRevision: 0 });
    await handlers['report:sign']({ studyInstanceUid: PRIOR_UID, signedBy: 'Dr Prior', sections, baseRevision: saved.revision, accept: [] });

    await selectStudy('2025-06-10');
    await expect.poll(() => page.getByTestId('compare').innerText()).toBe('Compare with 2024-03-02');
    // Her two priors only: never the study of another issuer's RR-1001, nor the one with another birth date.
    expect(await page.getByTestId('prior-select').locator('option').allInnerTexts()).toEqual(['2024-03-02 · signed report', '2023-01-15']);
    expect(await page.getByTestId('section-comparison').inputValue()).toBe('');

    await page.keyboard.press('c');
    await expect.poll(() => cellText(0, 'viewport-date')).toMatch(/Current\s*2025-06-10/i);
    await expect.poll(() => cellText(1, 'viewport-date'), { timeout: 30_000 }).toMatch(/Prior\s*2024-03-02/i);
    await expect.poll(() => cellText(1, 'overlay-study')).toContain('2024-03-02');
    await expect.poll(() => page.getByTestId('prior-report').innerText()).toContain('No acute cardiopulmonary abnormality.');
    expect(await page.getByTestId('prior-report').innerText()).toContain('Signed by Dr Prior');
    await expect.poll(() => page.getByTestId('section-comparison').inputValue()).toBe('Chest radiograph 2024-03-02');
    // The prior has no Patient Orientation: its markers come from its View Position, and say so.
    await expect.poll(() => markers(1)).toEqual({ left: 'R', right: 'L', top: 'H', bottom: 'F' });
    expect(await cell(1).getByTestId('orientation-assumed').innerText()).toBe('markers from view PA');

    // Linked: zooming the current zooms the prior as much.
    await page.getByTestId('link-views').check();
    await cell(0).getByTestId('viewport').hover();
    const zoomOf = async (i: number) => Number(/(\d+)%/.exec(await cellText(i, 'overlay-zoom'))?.[1]);
    const before = [await zoomOf(0), await zoomOf(1)];
    await page.keyboard.press('+');
    await page.keyboard.press('+');
    await expect.poll(() => zoomOf(0)).toBeGreaterThan(before[0] * 1.5);
    await expect.poll(async () => (await zoomOf(1)) / before[1]).toBeCloseTo((await zoomOf(0)) / before[0], 1);
    await page.keyboard.press('f');
    await frames(page);
    await page.screenshot({ path: join(SHOTS, 'reading-02-compare-with-prior.png') });

    // The Comparison line is the clinician's to change.
    await page.getByTestId('section-comparison').fill('Chest radiographs 2024-03-02 and 2023-01-15');
    await expect.poll(() => page.getByTestId('save-indicator').getAttribute('data-state'), { timeout: 5000 }).toBe('saved');
    expect((await handlers['report:get']({ studyInstanceUid: CURRENT_UID }))?.sections.comparison).toBe('Chest radiographs 2024-03-02 and 2023-01-15');
    await page.getByTestId('end-compare').click();
    await expect.poll(() => page.getByTestId('prior-report').count()).toBe(0);
  });

  it('finds a prior Radraft remembers after a restart and opens its files again; 2×2 adds the laterals (item 2)', async () => {
    const { page } = e2e.app;
    await e2e.harness.restart();
    await page.reload();
    await openFiles([PA, LATERAL]);
    await expect.poll(() => page.getByTestId('study-item').count()).toBe(1);
    await expect.poll(() => page.getByTestId('compare').innerText()).toBe('Compare with 2024-03-02');
    await page.getByTestId('compare').click();
    await expect.poll(() => cellText(1, 'viewport-date'), { timeout: 30_000 }).toMatch(/Prior\s*2024-03-02/i);
    await expect.poll(() => page.getByTestId('prior-report').innerText()).toContain('Signed by Dr Prior');
    // The Comparison line the clinician wrote stays: only an empty one is filled.
    expect(await page.getByTestId('section-comparison').inputValue()).toBe('Chest radiographs 2024-03-02 and 2023-01-15');
    await page.keyboard.press('Control+3');
    await expect.poll(() => page.getByTestId('viewport-cell').count()).toBe(4);
    await expect.poll(() => cellText(2, 'overlay-study')).toContain('LL');
    await expect.poll(() => cellText(1, 'overlay-study')).toContain('2024-03-02');
    // The prior has no lateral: the fourth viewport stays empty.
    expect(await cell(3).getByTestId('viewport-3-wrap').getAttribute('data-image-id')).toBe('');
    await frames(page);
    await page.screenshot({ path: join(SHOTS, 'reading-02-remembered-prior-2x2.png') });
  });
});
