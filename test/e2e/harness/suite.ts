// One e2e test file's setup: the real services and the app in headless Chromium, started once before the file's
// tests (or afresh before each test) and closed after them (even when a start failed half-way).
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
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
 * gets its own services, user data and browser profile, so no test depends on what another left behind, and each
 * test fails if the page logged a console error (CSP violations included) while it ran.
 */
export function appSuite(options: { fresh?: 'file' | 'test' } = {}): AppSuite {
  const suite = {} as AppSuite;
  const fresh = options.fresh === 'test';
  const [start, stop] = fresh ? [beforeEach, afterEach] : [beforeAll, afterAll];
  start(async () => {
    mkdirSync(SHOTS, { recursive: true });
    suite.harness = await startHarness();
    suite.app = await openApp(suite.harness.url);
  });
  stop(async () => {
    const errors = suite.app?.errors ?? [];
    await suite.app?.close();
    await suite.harness?.close();
    if (fresh) expect(errors, 'console errors on the page (CSP violations would show here)').toEqual([]);
  });
  return suite;
}
