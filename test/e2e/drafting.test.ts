// End to end with the demo model: Draft streams the golden text into Findings and Impression, the clinician edits a
// word, signs and exports (the file carries the edited text, the AI statement and the model's hash), and Locate draws
// the golden box. Real renderer, real services, real engine in its worker. Each test starts a fresh app and the
// tests run in a random order (describe.shuffle): none relies on a study, report or setting another left behind.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './harness/server';
import { appSuite, SHOTS } from './harness/suite';
import { signAs } from './sign';

const FIXTURES = join(ROOT, 'test/fixtures/e2e');
const SIIM = join(FIXTURES, 'siim_1.2.276.0.7230010.3.1.4.8323329.4904.1517875185.355709.dcm');
const GOLDEN = JSON.parse(readFileSync(join(FIXTURES, 'golden-draft.json'), 'utf8')) as Record<'dev09' | 'dev11', { generated_text: string }>;

const [goldenFindings, goldenImpression] = (() => {
  const m = /^FINDINGS:\s*([\s\S]*?)\s*\nIMPRESSION:\s*([\s\S]*)$/.exec(GOLDEN.dev09.generated_text);
  if (!m) throw new Error('golden dev09 has no FINDINGS/IMPRESSION');
  return [m[1].trim(), m[2].trim()];
})();

const e2e = appSuite({ fresh: 'test' });

async function openStudy(path: string): Promise<void> {
  e2e.harness.nextOpenFiles = [path];
  await e2e.app.page.getByTestId('open-files').click();
  await e2e.app.page.getByTestId('overlay-wl').waitFor({ timeout: 30_000 });
}

/** Opens the SIIM study and drafts its report (empty sections: no confirmation), until the draft is saved. */
async function draftedSiim(): Promise<void> {
  const { page } = e2e.app;
  await openStudy(SIIM);
  await page.getByTestId('draft').click();
  await expect.poll(() => page.getByTestId('section-impression').inputValue(), { timeout: 120_000 }).toBe(goldenImpression);
  expect(await page.getByTestId('section-findings').inputValue()).toBe(goldenFindings);
  await expect.poll(() => page.getByTestId('save-indicator').getAttribute('data-state')).toBe('saved');
}

describe.shuffle('drafting with the demo model, end to end', () => {
  it('labels the demo model as not for clinical use', async () => {
    const { page } = e2e.app;
    await expect.poll(() => page.getByTestId('open-models').innerText(), { timeout: 60_000 }).toMatch(/demo — not for clinical use/);
    await page.getByTestId('open-models').click();
    await page.getByTestId('models-panel').waitFor();
    await expect.poll(() => page.getByTestId('models-panel').innerText()).toMatch(/sha256 [0-9a-f]{16}/);
    await page.screenshot({ path: join(SHOTS, '10-models-panel.png') });
    await page.keyboard.press('Escape');
  });

  it('asks before replacing the clinician’s text, restores it on Cancel, then streams the golden draft into Findings and Impression', async () => {
    const { page } = e2e.app;
    await openStudy(SIIM);

    await page.getByTestId('section-findings').fill('My own findings.');
    await page.getByTestId('draft').click();
    await page.getByTestId('confirm-cancel').click();
    expect(await page.getByTestId('section-findings').inputValue()).toBe('My own findings.');
    expect(e2e.harness.events.filter((e) => e.event === 'draft:event')).toHaveLength(0);

    // Replace, then Cancel at once: the clinician's text comes back and main reports the draft cancelled.
    await page.evaluate(async () => {
      document.querySelector<HTMLButtonElement>('[data-testid=draft]')?.click();
      await new Promise((r) => setTimeout(r, 0));
      document.querySelector<HTMLButtonElement>('[data-testid=confirm-ok]')?.click();
      await Promise.resolve();
      document.querySelector<HTMLButtonElement>('[data-testid=draft-cancel]')?.click();
    });
    await expect
      .poll(() => e2e.harness.events.some((e) => e.event === 'draft:event' && (e.payload as { stage?: string }).stage === 'cancelled'), { timeout: 60_000 })
      .toBe(true);
    await page.getByTestId('draft-progress').waitFor({ state: 'detached' });
    expect(await page.getByTestId('section-findings').inputValue()).toBe('My own findings.');
    expect(e2e.harness.events.some((e) => e.event === 'draft:event' && (e.payload as { type: string }).type === 'done')).toBe(false);
    e2e.harness.events.length = 0;

    // Watch the progress bar's stages and the tokens/s read-out as the page sees them.
    await page.evaluate(() => {
      const seen: { stages: string[]; rate: boolean } = { stages: [], rate: false };
      (window as unknown as { __seen: typeof seen }).__seen = seen;
      new MutationObserver(() => {
        const p = document.querySelector('[data-testid=draft-progress]');
        const stage = p?.getAttribute('data-stage');
        if (stage && seen.stages[seen.stages.length - 1] !== stage) seen.stages.push(stage);
        if (document.querySelector('[data-testid=draft-rate]')?.textContent?.includes('tok/s')) seen.rate = true;
      }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    });
    await page.getByTestId('draft').click();
    await page.getByTestId('confirm-ok').click();
    await page.getByTestId('draft-progress').waitFor();
    await page.getByTestId('draft-progress').waitFor({ state: 'detached', timeout: 120_000 });

    expect(await page.getByTestId('section-findings').inputValue()).toBe(goldenFindings);
    expect(await page.getByTestId('section-impression').inputValue()).toBe(goldenImpression);
    expect(await page.getByTestId('section-wrap-findings').getAttribute('data-ai')).toBe('true');
    expect(await page.getByTestId('section-wrap-impression').getAttribute('data-ai')).toBe('true');
    const seen = await page.evaluate(() => (window as unknown as { __seen: { stages: string[]; rate: boolean } }).__seen);
    // Main went through every stage; the page showed the later ones (the first may pass within one frame).
    const stages = e2e.harness.events.flatMap((e) => (e.event === 'draft:event' && (e.payload as { type: string }).type === 'stage' ? [(e.payload as { stage: string }).stage] : []));
    expect(stages).toEqual(['loading-model', 'reading-image', 'reading-prompt', 'writing', 'done']);
    expect(seen.stages).toEqual(expect.arrayContaining(['reading-prompt', 'writing']));
    expect(seen.rate).toBe(true);
    await expect.poll(() => page.getByTestId('save-indicator').getAttribute('data-state')).toBe('saved');
    await page.screenshot({ path: join(SHOTS, '11-drafted.png') });
  });

  it('keeps the edit, shows the word-level changes, signs and exports with the AI statement and model hash', async () => {
    const { page } = e2e.app;
    await draftedSiim();
    const edited = goldenFindings.replace('Large', 'Moderate');
    await page.getByTestId('section-findings').fill(edited);
    expect(await page.getByTestId('section-wrap-findings').getAttribute('data-ai')).toBeNull();
    expect(await page.getByTestId('section-wrap-impression').getAttribute('data-ai')).toBe('true');

    await page.getByTestId('show-changes').click();
    const changes = page.getByTestId('changes-findings');
    await expect.poll(() => changes.locator('del').allInnerTexts()).toEqual(['Large']);
    expect(await changes.locator('ins').allInnerTexts()).toEqual(['Moderate']);
    await page.getByTestId('provenance').locator('summary').click();
    const provenance = await page.getByTestId('provenance').innerText();
    expect(provenance).toContain('report en');
    expect(provenance).toMatch(/SOP Instance UID 1\.2\.276/);
    await page.screenshot({ path: join(SHOTS, '12-changes.png') });
    await page.keyboard.press('Escape');

    // Impression still holds the model's text as it wrote it: the dialog asks for it to be accepted.
    await signAs(page, 'Dr Grace Hopper', ['impression']);

    await page.getByTestId('export-report').click();
    await page.getByTestId('export-confirm').click(); // Text, the dialog's default
    await expect.poll(() => e2e.harness.savedPaths.length).toBe(1);
    await page.getByTestId('toast').filter({ hasText: 'Report exported' }).waitFor();
    const text = readFileSync(e2e.harness.savedPaths[0], 'utf8');
    const [model] = await e2e.harness.services.handlers['models:list']({});
    expect(text).toContain(edited);
    expect(text).toContain(goldenImpression);
    expect(text).toMatch(/AI-assisted/i);
    expect(text).toContain(model.manifestSha256);
    expect(text).toContain('Dr Grace Hopper');
  });

  it('locates the pneumothorax where the golden case puts it', async () => {
    const { page } = e2e.app;
    await openStudy(SIIM);
    await page.getByTestId('locate-label').fill('pneumothorax');
    await page.getByTestId('locate').click();
    const box = page.getByTestId('located-box');
    await box.waitFor({ timeout: 120_000 });
    expect(await box.count()).toBe(1);
    expect(await box.getAttribute('data-label')).toBe('pneumothorax');

    // Canvas → image pixels through the fitted view (1024×1024 image, centred, uniform scale).
    const { points, width, height } = await page.evaluate(() => {
      const poly = document.querySelector('[data-testid=located-box]');
      const canvas = document.querySelector<HTMLCanvasElement>('[data-testid=viewport] canvas');
      return { points: poly?.getAttribute('points') ?? '', width: canvas?.width ?? 0, height: canvas?.height ?? 0 };
    });
    const scale = Math.min(width / 1024, height / 1024);
    const ox = (width - 1024 * scale) / 2;
    const oy = (height - 1024 * scale) / 2;
    const xy = points.split(' ').map((p) => p.split(',').map(Number)).map(([x, y]) => [(x - ox) / scale, (y - oy) / scale]);
    const got = { x0: Math.min(...xy.map((p) => p[0])), y0: Math.min(...xy.map((p) => p[1])), x1: Math.max(...xy.map((p) => p[0])), y1: Math.max(...xy.map((p) => p[1])) };
    const [y0, x0, y1, x1] = [...GOLDEN.dev11.generated_text.matchAll(/<loc(\d{4})>/g)].map((m) => (Number(m[1]) / 1024) * 1024);
    const tolerance = 0.02 * 1024;
    expect(Math.abs(got.x0 - x0)).toBeLessThan(tolerance);
    expect(Math.abs(got.y0 - y0)).toBeLessThan(tolerance);
    expect(Math.abs(got.x1 - x1)).toBeLessThan(tolerance);
    expect(Math.abs(got.y1 - y1)).toBeLessThan(tolerance);
    await page.screenshot({ path: join(SHOTS, '13-located.png') });

    await page.keyboard.press('b');
    await expect.poll(() => box.count()).toBe(0);
    await page.keyboard.press('b');
    await expect.poll(() => box.count()).toBe(1);
  });

  it('imports a checkpoint folder with a progress bar and can make it the active model', async () => {
    const { page } = e2e.app;
    e2e.harness.nextModelFolder = join(ROOT, 'test/fixtures/models/tiny-paligemma2-cxr');
    await page.getByTestId('open-models').click();
    await page.getByTestId('models-panel').waitFor();
    const before = await page.locator('[data-testid^="model-"]').count();
    await page.getByTestId('models-panel').locator('select').selectOption('fp16');
    await page.getByTestId('import-model').click();
    await page.getByTestId('import-progress').waitFor();
    await page.screenshot({ path: join(SHOTS, '14-importing.png') });
    await page.getByTestId('import-progress').waitFor({ state: 'detached', timeout: 120_000 });
    await expect.poll(() => page.locator('[data-testid^="model-"]').count()).toBe(before + 1);
    expect(e2e.harness.events.some((e) => e.event === 'models:importProgress')).toBe(true);
    const imported = (await e2e.harness.services.handlers['models:list']({})).find((m) => !m.demo);
    if (!imported) throw new Error('no imported model listed');
    expect(imported.dtype).toBe('fp16');
    await page.getByTestId(`model-${imported.id}`).locator('input[type=radio]').check();
    await expect.poll(async () => (await e2e.harness.services.handlers['models:list']({})).find((m) => m.active)?.id).toBe(imported.id);
    await page.getByTestId(`verify-${imported.id}`).click();
    await page.getByTestId('toast').filter({ hasText: 'all files match' }).waitFor({ timeout: 60_000 });
    await page.screenshot({ path: join(SHOTS, '15-imported.png') });
    await page.getByTestId('model-demo').locator('input[type=radio]').check();
    await expect.poll(async () => (await e2e.harness.services.handlers['models:list']({})).find((m) => m.active)?.id).toBe('demo');
    await page.keyboard.press('Escape');
  });

  it('drafts on its own when auto-draft is on and an unreported study opens', async () => {
    const { page } = e2e.app;
    await page.getByTestId('open-models').click();
    await page.getByTestId('auto-draft').check();
    await page.keyboard.press('Escape');
    const drafts = () => e2e.harness.events.filter((e) => e.event === 'draft:event' && (e.payload as { type: string }).type === 'done').length;
    const before = drafts();
    await openStudy(join(FIXTURES, 'barre_CR-MONO1-10-chest_nometa.dcm'));
    await expect.poll(drafts, { timeout: 120_000 }).toBe(before + 1);
    await expect.poll(() => page.getByTestId('section-findings').inputValue()).not.toBe('');
    expect(await page.getByTestId('section-wrap-findings').getAttribute('data-ai')).toBe('true');
    expect(e2e.app.errors).toEqual([]);
  });
});
