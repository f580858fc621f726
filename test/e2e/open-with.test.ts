// End to end: files handed over by the operating system ("Open with", a double-clicked .dcm) open in the running
// app, and files handed over before the window loaded open when it starts.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ROOT } from './harness/server';
import { appSuite } from './harness/suite';

const FIXTURES = join(ROOT, 'test/fixtures/e2e');
const MONO1 = join(FIXTURES, 'barre_CR-MONO1-10-chest_nometa.dcm');
const SIIM = join(FIXTURES, 'siim_1.2.276.0.7230010.3.1.4.8323329.4904.1517875185.355709.dcm');

const e2e = appSuite();

describe('files opened from the operating system', () => {
  it('opens them in the running window', async () => {
    const { page } = e2e.app;
    await page.getByTestId('open-files').waitFor();
    expect(await page.getByTestId('study-item').count()).toBe(0);
    e2e.harness.services.requestOpen([MONO1]);
    await expect.poll(() => page.getByTestId('study-item').count(), { timeout: 30_000 }).toBe(1);
    await page.getByTestId('overlay-wl').waitFor({ state: 'visible', timeout: 30_000 });
  });

  it('opens those that arrived before the window loaded when it starts', async () => {
    const { page } = e2e.app;
    await page.goto('about:blank');
    e2e.harness.services.requestOpen([SIIM]);
    await page.goto(e2e.harness.url);
    await expect.poll(() => page.getByTestId('study-item').count(), { timeout: 30_000 }).toBe(2);
    expect(e2e.app.errors).toEqual([]);
  });
});
