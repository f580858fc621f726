// Headless Chromium for the e2e suite (playwright-core with the system browser), a fresh profile per run, and the
// bridge shim installed before any page script runs.
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { transformSync } from 'esbuild';
import { mkdtempSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ShimOptions } from './shim';

/** shim.ts as a self-contained script: compiled here so no test-runner helper (e.g. __name) leaks into the page. */
export function shimScript(options: ShimOptions): string {
  const source = readFileSync(fileURLToPath(new URL('./shim.ts', import.meta.url)), 'utf8');
  const { code } = transformSync(source, { loader: 'ts', format: 'iife', globalName: '__radraftShim', target: 'es2022' });
  return `${code}\n__radraftShim.installBridge(${JSON.stringify(options)});`;
}

export const CHROMIUM = process.env.RADRAFT_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Console errors and page errors seen so far (CSP violations land here). */
  errors: string[];
  close(): Promise<void>;
}

export async function openApp(baseUrl: string, viewport = { width: 1440, height: 900 }): Promise<BrowserSession> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install it (apt-get install chromium) or set RADRAFT_CHROMIUM.`);
  const profile = mkdtempSync(join(tmpdir(), 'radraft-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
    deviceScaleFactor: 1,
  });
  await context.addInitScript({ content: shimScript({ base: baseUrl }) });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(baseUrl);
  return {
    context,
    page,
    errors,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
