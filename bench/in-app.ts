// What the benches that drive the real renderer share (bench/draft-latency.ts, bench/viewer-wl-drag.ts,
// bench/pacs-scale.ts): the app in headless Chromium against the real main services (the e2e harness), a file opened
// as the Open files button does, and a run that reports its failure in one line.
import type { Page } from 'playwright-core';
import { startHarness, type Harness, type HarnessOptions } from '../test/e2e/harness/server';
import { openApp } from '../test/e2e/harness/browser';

/** Runs `body` on a started app and closes the browser and the services after it, whatever happens. */
export async function withApp(options: HarnessOptions, body: (harness: Harness, page: Page) => Promise<void>): Promise<void> {
  const harness = await startHarness(options);
  const app = await openApp(harness.url);
  try {
    await body(harness, app.page);
  } finally {
    await app.close();
    await harness.close();
  }
}

/** Opens `file` through the Open files dialog and waits until the viewer shows it. */
export async function openFile(harness: Harness, page: Page, file: string): Promise<void> {
  harness.nextOpenFiles = [file];
  await page.getByTestId('open-files').click();
  await page.getByTestId('overlay-wl').waitFor({ timeout: 60_000 });
}

/** Runs the bench; a failure is printed as its message and exits 1. */
export function runBench(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
