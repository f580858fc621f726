// One e2e test file's shared setup: the real services and the app in headless Chromium, started once before the
// file's tests and closed after them (even when a start failed half-way).
import { afterAll, beforeAll } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startHarness, ROOT, type Harness } from './server';
import { openApp, type BrowserSession } from './browser';

/** Where the e2e tests leave their screenshots. */
export const SHOTS = join(ROOT, 'test-results/e2e');

export interface AppSuite {
  harness: Harness;
  app: BrowserSession;
}

/** Call at a test file's top level; the fields are set once its beforeAll has run. */
export function appSuite(): AppSuite {
  const suite = {} as AppSuite;
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    suite.harness = await startHarness();
    suite.app = await openApp(suite.harness.url);
  });
  afterAll(async () => {
    await suite.app?.close();
    await suite.harness?.close();
  });
  return suite;
}
