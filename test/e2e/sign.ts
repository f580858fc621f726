// Signing through the sign dialog as a clinician does, for the e2e tests that sign before they look at what follows.
import { expect } from 'vitest';
import type { Page } from 'playwright-core';

/** Signs the open report as `name`, accepting the listed AI sections, and waits until the report shows it signed. */
export async function signAs(page: Page, name: string, accept: string[] = []): Promise<void> {
  await page.getByTestId('sign-report').click();
  await page.getByTestId('sign-name').fill(name);
  for (const k of accept) await page.getByTestId(`sign-accept-${k}`).check();
  await page.getByTestId('sign-confirm').click();
  await expect.poll(() => page.getByTestId('signed-by').innerText()).toContain(name);
}
