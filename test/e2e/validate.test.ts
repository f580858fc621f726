// End to end: Models → Validate on a dataset folder with the demo model. Before, the model carries "not validated
// here" in the header and on its card; the validation runs in the eval worker with a progress bar; after, the card
// shows the summary with a link to the HTML report and the note is gone. Real renderer, real services, real engine.
// Each test starts a fresh app and the tests run in a random order.
import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './harness/server';
import { appSuite, SHOTS } from './harness/suite';

const GOLDEN_DEV = join(ROOT, 'test/fixtures/eval/golden-dev');

const e2e = appSuite({ fresh: 'test' });

/** The first 4 golden dev cases as a dataset folder of their own (image paths relative to it). */
function dataset(dir: string): string {
  const folder = join(dir, 'validation-dataset');
  mkdirSync(folder, { recursive: true });
  const rows = readFileSync(join(GOLDEN_DEV, 'reports.jsonl'), 'utf8').trim().split('\n').slice(0, 4);
  writeFileSync(
    join(folder, 'reports.jsonl'),
    rows.map((line) => {
      const row = JSON.parse(line) as { file: string };
      return JSON.stringify({ ...row, file: relative(folder, join(GOLDEN_DEV, row.file)) });
    }).join('\n') + '\n',
  );
  return folder;
}

describe.shuffle('Models → Validate, end to end', () => {
  it('shows "not validated here" next to the model until it is validated on local studies', async () => {
    const { page } = e2e.app;
    await expect.poll(() => page.getByTestId('open-models').innerText(), { timeout: 60_000 }).toMatch(/not validated here/);
    await page.getByTestId('open-models').click();
    await page.getByTestId('models-panel').waitFor();
    await expect.poll(() => page.getByTestId('model-demo').innerText()).toMatch(/not validated here/);
    await page.screenshot({ path: join(SHOTS, '40-models-not-validated.png') });
  });

  it('validates the demo model on a dataset folder with progress, then shows the result on its card', async () => {
    const { page } = e2e.app;
    await expect.poll(() => page.getByTestId('open-models').innerText(), { timeout: 60_000 }).toMatch(/not validated here/);
    await page.getByTestId('open-models').click();
    await page.getByTestId('models-panel').waitFor();
    e2e.harness.nextOpenFolder = dataset(e2e.harness.workDir);
    await page.getByTestId('validate-folder-demo').click();
    await page.getByTestId('validate-progress').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('validate-progress').innerText(), { timeout: 60_000 }).toMatch(/Drafted [0-4] of 4 cases/);
    await page.getByTestId('validation-demo').waitFor({ timeout: 170_000 });
    const line = await page.getByTestId('validation-demo').innerText();
    expect(line).toMatch(/validated on 4 local studies on \d{4}-\d{2}-\d{2}: CheXpert micro-F1 1\.00, ROUGE-L 1\.00, BLEU-4 1\.00, CIDEr-D 10\.00/);
    expect(await page.getByTestId('model-demo').innerText()).not.toMatch(/not validated here/);
    await page.getByTestId('validate-progress').waitFor({ state: 'detached' });
    await page.screenshot({ path: join(SHOTS, '41-models-validated.png') });

    const progress = e2e.harness.events.filter((e) => e.event === 'models:validateProgress').map((e) => e.payload as { done: number; total: number });
    expect(progress.at(-1)).toMatchObject({ done: 4, total: 4 });
    expect(existsSync(join(e2e.harness.workDir, 'models', '.validation', 'demo', 'record.json'))).toBe(true);

    await page.getByTestId('validation-report-demo').click();
    await page.getByTestId('toast').filter({ hasText: 'Validation report' }).waitFor();

    // The report itself, as the system browser would show it: self-contained, nothing blocked or missing.
    const report = await e2e.app.context.newPage();
    const problems: string[] = [];
    report.on('console', (m) => void (m.type() === 'error' && problems.push(m.text())));
    report.on('requestfailed', (r) => void problems.push(r.url()));
    await report.goto(pathToFileURL(join(e2e.harness.workDir, 'models', '.validation', 'demo', 'report.html')).href);
    expect(await report.locator('h1').innerText()).toMatch(/^Validation of /);
    expect(await report.locator('article.case img').count()).toBe(4);
    expect(await report.locator('article.case img').first().evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    await report.screenshot({ path: join(SHOTS, '42-validation-report.png'), fullPage: true });
    expect(problems).toEqual([]);
    await report.close();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('open-models').innerText()).not.toMatch(/not validated here/);
  });
});
