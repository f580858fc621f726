// One e2e test file's setup: the real services and the app in headless Chromium, started once before the file's
// tests (or afresh before each test) and closed after them (even when a start failed half-way).
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
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

/**
 * Call at a test file's top level; the fields are set once its beforeAll has run. With `fresh: 'test'` every test
 * gets its own services, user data and browser profile, so no test depends on what another left behind.
 */
export function appSuite(options: { fresh?: 'file' | 'test' } = {}): AppSuite {
  const suite = {} as AppSuite;
  const [start, stop] = options.fresh === 'test' ? [beforeEach, afterEach] : [beforeAll, afterAll];
  start(async () => {
    mkdirSync(SHOTS, { recursive: true });
    suite.harness = await startHarness();
    suite.app = await openApp(suite.harness.url);
  });
  stop(async () => {
    await suite.app?.close();
    await suite.harness?.close();
  });
  return suite;
}
