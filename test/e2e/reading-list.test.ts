// End to end: the study list a radiologist works from, the reporting aids and quiet notifications (issue 11, items
// 5-7), on the real renderer and the real services with five dcmodify-built studies (test/fixtures/reading/list).
// The tests build on each other in order: open → list → statuses and keys → close and errors → aids → toasts.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { ROOT } from './harness/server';
import { appSuite, SHOTS } from './harness/suite';
import { signAs } from './sign';

const LIST = join(ROOT, 'test/fixtures/reading/list');
const ABERCROMBIE = [join(LIST, 'list-1-abercrombie-pa.dcm'), join(LIST, 'list-1-abercrombie-lateral.dcm')];
const OTHERS = ['list-2-nguyen-ap.dcm', 'list-3-obrien-pa.dcm', 'list-4-li-pa.dcm', 'list-5-papadopoulos-pa.dcm'].map((f) => join(LIST, f));
const LONG_NAME = 'Abercrombie-Fitzgerald, Maximiliana Josephine';
const NEWEST_FIRST = [LONG_NAME, 'Nguyen, Thi Minh Khai', "O'Brien, Siobhán", 'Papadopoulos, Alexandros', 'Li, Wei'];

const e2e = appSuite();

const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `reading-list-${name}.png`) });
const names = (page: Page) => page.getByTestId('study-name').allInnerTexts();
const selectedName = (page: Page) => page.locator('[data-testid=study-item][aria-current=true] [data-testid=study-name]').innerText();
const statusOf = (page: Page, name: string) =>
  page.locator('li.row').filter({ has: page.getByTestId('study-name').getByText(name, { exact: true }) }).getByTestId('study-status').getAttribute('data-status');
const rowOf = (page: Page, name: string): Locator => page.locator('li.row').filter({ has: page.getByTestId('study-name').getByText(name, { exact: true }) });

/** Takes the cursor out of the report so plain keys are the list's. */
async function leaveText(page: Page): Promise<void> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
}

async function select(page: Page, name: string): Promise<void> {
  await rowOf(page, name).getByTestId('study-item').click();
  await expect.poll(() => selectedName(page)).toBe(name);
  await page.getByTestId('section-findings').waitFor();
}

async function saved(page: Page): Promise<void> {
  await expect.poll(() => page.getByTestId('save-indicator').getAttribute('data-state'), { timeout: 10_000 }).toBe('saved');
}

function overlaps(a: { x: number; y: number; width: number; height: number }, b: { x: number; y: number; width: number; height: number }): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

type Box = { x: number; y: number; width: number; height: number };

/** The part of `a` inside `b` (a study row scrolled out of the list is not on screen). */
function clip(a: Box, b: Box): Box | null {
  const x = Math.max(a.x, b.x), y = Math.max(a.y, b.y);
  const right = Math.min(a.x + a.width, b.x + b.width), bottom = Math.min(a.y + a.height, b.y + b.height);
  return right > x && bottom > y ? { x, y, width: right - x, height: bottom - y } : null;
}

/** Every toast on screen is clear of what is visible of these elements. */
async function toastsClearOf(page: Page, testIds: string[]): Promise<void> {
  // All toasts' boxes in one read: a toast that times out between listing the toasts and asking for its box would
  // leave the test waiting for an element that is gone (and a gone toast covers nothing).
  const toasts = await page.getByTestId('toast').evaluateAll((els) =>
    els.map((el) => el.getBoundingClientRect()).map((r) => ({ x: r.x, y: r.y, width: r.width, height: r.height })),
  );
  expect(toasts.length).toBeGreaterThan(0);
  const list = await page.getByTestId('study-list').boundingBox();
  for (const box of toasts) {
    if (box.width === 0 || box.height === 0) throw new Error('toast has no box');
    for (const id of testIds) {
      for (const el of await page.getByTestId(id).all()) {
        const whole = await el.boundingBox();
        const other = whole && id === 'study-item' && list ? clip(whole, list) : whole;
        if (other) expect(overlaps(box, other), `a toast covers ${id}`).toBe(false);
      }
    }
  }
}

describe('the study list, reporting aids and notifications, end to end', () => {
  it('sums up two opens in one toast that goes away on its own, clear of the image and the report', async () => {
    const { page } = e2e.app;
    e2e.harness.nextOpenFiles = ABERCROMBIE;
    await page.getByTestId('open-files').click();
    await page.getByTestId('toast').filter({ hasText: 'Opened 2 images in 1 study' }).waitFor();
    e2e.harness.nextOpenFiles = OTHERS;
    await page.getByTestId('open-files').click();
    await page.getByTestId('toast').filter({ hasText: 'Opened 6 images in 5 studies' }).waitFor();
    expect(await page.getByTestId('toast').count()).toBe(1);
    await page.getByTestId('section-findings').waitFor();
    await toastsClearOf(page, ['viewport', 'report-editor', 'sign-report', 'export-report', 'copy-report', 'study-item']);
    await shot(page, '01-open-coalesced-toast');
    // Gone without a click (4 s), leaving nothing over the window.
    await expect.poll(() => page.getByTestId('toast').count(), { timeout: 10_000 }).toBe(0);
  });

  it('shows whole names newest first, sorts by date both ways and finds a study by name, ID, accession or description', async () => {
    const { page } = e2e.app;
    expect(await names(page)).toEqual(NEWEST_FIRST);
    // Whole names: not cut (no ellipsis, nothing hidden), wrapped in the list's width.
    const name = page.getByTestId('study-name').first();
    expect(await name.innerText()).toBe(LONG_NAME);
    expect(await name.evaluate((el) => el.scrollWidth <= el.clientWidth && getComputedStyle(el).textOverflow !== 'ellipsis')).toBe(true);
    expect(await page.getByTestId('study-item').first().getAttribute('title')).toContain(LONG_NAME);
    for (const s of await page.getByTestId('study-status').all()) expect(await s.getAttribute('data-status')).toBe('none');
    await shot(page, '02-list-newest-first');

    await page.getByTestId('study-sort').click();
    expect(await names(page)).toEqual([...NEWEST_FIRST].reverse());
    await page.getByTestId('study-sort').click();
    expect(await names(page)).toEqual(NEWEST_FIRST);

    const search = page.getByTestId('study-search');
    /** The studies the search finds (the study on screen stays listed too, marked as not found). */
    const found = async (query: string) => {
      await search.fill(query);
      return page.locator('li.row:not(.outside) [data-testid=study-name]').allInnerTexts();
    };
    const onScreen = await selectedName(page);
    expect(await found('siobhan')).toEqual(["O'Brien, Siobhán"]);
    expect(await found('LIST-0002')).toEqual(['Nguyen, Thi Minh Khai']);
    expect(await found('acc-l0004')).toEqual(['Li, Wei']);
    expect(await found('maximiliana')).toEqual([LONG_NAME]);
    expect(await found('XR chest PA')).toEqual([LONG_NAME, "O'Brien, Siobhán", 'Papadopoulos, Alexandros']);
    expect(await found('pneumothorax')).toEqual(['Li, Wei']);
    expect(await page.getByTestId('study-count').innerText()).toBe('1 of 5');
    // The study on screen is not hidden by the search: it stays in the list, in its place, marked.
    expect(await names(page)).toEqual(NEWEST_FIRST.filter((n) => n === 'Li, Wei' || n === onScreen));
    expect(await page.getByTestId('study-outside-search').count()).toBe(1);
    expect(await selectedName(page)).toBe(onScreen);
    await shot(page, '03-search-description');
    expect(await found('no such patient')).toEqual([]);
    expect(await page.getByTestId('study-search-empty').innerText()).toMatch(/No study matches “no such patient”/);
    await search.fill('');
    expect(await names(page)).toEqual(NEWEST_FIRST);
    // Ctrl+F from anywhere puts the cursor in the search.
    await leaveText(page);
    await page.keyboard.press('Control+f');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('study-search');
    await leaveText(page);
  });

  it('shows each study’s report status, and moves next, previous and to the next unreported study by key', async () => {
    const { page } = e2e.app;
    // Abercrombie: edited (clinician text).
    await select(page, LONG_NAME);
    await page.getByTestId('section-findings').fill('Small left apical pneumothorax, about 1 cm.');
    await saved(page);
    expect(await statusOf(page, LONG_NAME)).toBe('edited');

    // ↓: the next study (Nguyen), signed: final.
    await leaveText(page);
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => selectedName(page)).toBe('Nguyen, Thi Minh Khai');
    await page.getByTestId('section-findings').fill('Lines and tubes in a satisfactory position. Clear lungs.');
    await page.getByTestId('section-impression').fill('No acute abnormality.');
    await signAs(page, 'Dr Ada Lovelace');
    expect(await statusOf(page, 'Nguyen, Thi Minh Khai')).toBe('final');

    // O'Brien: an AI draft nobody has reviewed.
    await leaveText(page);
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => selectedName(page)).toBe("O'Brien, Siobhán");
    await expect.poll(() => page.getByTestId('open-models').innerText(), { timeout: 60_000 }).toMatch(/demo/);
    await page.getByTestId('draft').click();
    await expect.poll(() => statusOf(page, "O'Brien, Siobhán"), { timeout: 120_000 }).toBe('ai-draft');
    await page.getByTestId('draft-progress').waitFor({ state: 'detached', timeout: 120_000 });
    await saved(page);

    // Li: signed, then an addendum.
    await select(page, 'Li, Wei');
    await page.getByTestId('section-findings').fill('The left pneumothorax has resolved.');
    await page.getByTestId('section-impression').fill('Resolved pneumothorax.');
    await signAs(page, 'Dr Grace Hopper');
    await page.getByTestId('write-addendum').click();
    await page.getByTestId('addendum-text').fill('Discussed with the ward at 14:10.');
    await page.getByTestId('sign-addendum').click();
    await page.getByTestId('sign-name').fill('Dr Grace Hopper');
    await page.getByTestId('sign-confirm').click();
    await page.getByTestId('addendum-1').waitFor();
    expect(await statusOf(page, 'Li, Wei')).toBe('addendum');

    // What the list shows is what main has stored.
    const stored = await e2e.harness.services.handlers['reports:progress']({
      studyInstanceUids: (await e2e.harness.services.handlers['studies:list']({})).map((s) => s.studyInstanceUid),
    });
    expect(Object.values(stored).sort()).toEqual(['addendum', 'ai-draft', 'edited', 'final', 'none']);
    const shown = [];
    for (const n of NEWEST_FIRST) shown.push(await statusOf(page, n));
    expect(shown).toEqual(['edited', 'final', 'ai-draft', 'none', 'addendum']);
    await shot(page, '04-statuses');

    // u: the next study not yet signed, round the end of the list and past the signed ones.
    await select(page, 'Nguyen, Thi Minh Khai');
    await leaveText(page);
    await page.keyboard.press('u');
    await expect.poll(() => selectedName(page)).toBe("O'Brien, Siobhán");
    await page.keyboard.press('u');
    await expect.poll(() => selectedName(page)).toBe('Papadopoulos, Alexandros');
    await page.keyboard.press('u');
    await expect.poll(() => selectedName(page)).toBe(LONG_NAME);
    // ↑ at the top stays there and says so; PageDown is next.
    await page.keyboard.press('ArrowUp');
    await page.getByTestId('toast').filter({ hasText: 'first study in the list' }).waitFor();
    expect(await selectedName(page)).toBe(LONG_NAME);
    await page.keyboard.press('PageDown');
    await expect.poll(() => selectedName(page)).toBe('Nguyen, Thi Minh Khai');
  });

  it('keeps the selected study in view in a short window', async () => {
    const { page } = e2e.app;
    await page.setViewportSize({ width: 1440, height: 420 });
    await leaveText(page);
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
    await expect.poll(() => selectedName(page)).toBe('Li, Wei');
    const inView = async () => {
      const list = await page.getByTestId('study-list').boundingBox();
      const row = await rowOf(page, 'Li, Wei').boundingBox();
      return !!list && !!row && row.y >= list.y - 1 && row.y + row.height <= list.y + list.height + 1;
    };
    // Notices take the list's foot while they show (the list ends above them): in a window this short the row fits
    // once they have gone on their own.
    await expect.poll(() => page.getByTestId('toast').count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(inView).toBe(true);
    expect(await page.getByTestId('study-list').evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
    await shot(page, '05-selected-kept-in-view');
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('keeps an error that needs action in the study list, and closes a study', async () => {
    const { page } = e2e.app;
    // Closing a study while its draft is written is refused: the reason stays in the list, on that study.
    await select(page, 'Papadopoulos, Alexandros');
    // The demo model drafts in about a second: Close is clicked from the page the moment the progress bar shows, so a
    // slow round trip from the test cannot let the draft finish first.
    await page.evaluate((name) => {
      const watcher = new MutationObserver(() => {
        if (!document.querySelector('[data-testid=draft-progress]')) return;
        watcher.disconnect();
        const row = [...document.querySelectorAll('li.row')].find((li) => li.querySelector('[data-testid=study-name]')?.textContent?.trim() === name);
        row?.querySelector<HTMLButtonElement>('[data-testid=study-close]')?.click();
      });
      watcher.observe(document.body, { subtree: true, childList: true });
    }, 'Papadopoulos, Alexandros');
    await page.getByTestId('draft').click();
    const alert = page.getByTestId('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/The study was not closed[\s\S]*still being written[\s\S]*Papadopoulos, Alexandros/);
    expect(await rowOf(page, 'Papadopoulos, Alexandros').getByTestId('study-flag').count()).toBe(1);
    expect(await page.getByTestId('toast').filter({ hasText: 'not closed' }).count()).toBe(0);
    await page.getByTestId('draft-progress').waitFor({ state: 'detached', timeout: 120_000 });
    await saved(page);
    // Still there well after a toast would have gone.
    await page.waitForTimeout(5000);
    expect(await alert.count()).toBe(1);
    await shot(page, '06-error-kept-in-list');

    // Closed once the draft is in: off the list (its report stays stored), the next study is selected, the alert about it goes.
    await rowOf(page, 'Papadopoulos, Alexandros').getByTestId('study-close').click();
    await expect.poll(() => names(page)).toEqual(NEWEST_FIRST.filter((n) => !n.startsWith('Papadopoulos')));
    await expect.poll(() => selectedName(page)).toBe('Li, Wei');
    expect(await page.getByTestId('alert').count()).toBe(0);
    const uid = '2.25.120000000000000000000000000000005';
    expect((await e2e.harness.services.handlers['report:get']({ studyInstanceUid: uid }))?.sections.findings).not.toBe('');
    expect((await e2e.harness.services.handlers['studies:list']({})).some((s) => s.studyInstanceUid === uid)).toBe(false);
  });

  it('prefills Technique from the images (editable), expands snippets in any section and applies the normal chest template', async () => {
    const { page } = e2e.app;
    // Prefilled when the study first opened (it had no report), stored with the report.
    await select(page, LONG_NAME);
    expect(await page.getByTestId('section-technique').inputValue()).toBe('PA and lateral erect chest radiographs');
    await shot(page, '07-technique-prefilled');
    await page.getByTestId('section-technique').fill('PA and lateral erect chest radiographs. Good inspiration.');
    await saved(page);
    const uid = '2.25.120000000000000000000000000000001';
    expect((await e2e.harness.services.handlers['report:get']({ studyInstanceUid: uid }))?.sections.technique).toBe('PA and lateral erect chest radiographs. Good inspiration.');

    // Snippets: .norm then Space in Findings; in Impression too.
    const findings = page.getByTestId('section-findings');
    await findings.fill('');
    await findings.click();
    await page.keyboard.type('Heart normal. .norm ');
    expect(await findings.inputValue()).toBe(
      'Heart normal. The lungs are clear. No pleural effusion or pneumothorax. The heart size is normal and the mediastinal contours are within normal limits. No acute bony abnormality. ',
    );
    await page.getByTestId('section-impression').click();
    await page.keyboard.type('.norm');
    await page.keyboard.press('Tab');
    expect(await page.getByTestId('section-impression').inputValue()).toMatch(/^The lungs are clear\./);
    // Not a trigger inside a word, nor an unknown one.
    await page.keyboard.type(' x.norm .nothing ');
    expect(await page.getByTestId('section-impression').inputValue()).toMatch(/x\.norm \.nothing $/);
    await saved(page);
    await shot(page, '08-snippet-expanded');

    // The normal chest template: asks before replacing what Findings and Impression hold, then fills them.
    await page.getByTestId('templates-button').click();
    await page.getByTestId('templates-menu').waitFor();
    await shot(page, '09-templates-menu');
    await page.getByTestId('template-apply').filter({ hasText: 'Normal chest' }).click();
    const confirm = page.locator('dialog[open]');
    await confirm.waitFor();
    expect(await confirm.innerText()).toMatch(/Replace Findings and Impression with the template/);
    await confirm.getByTestId('confirm-ok').click();
    expect(await findings.inputValue()).toBe(
      'The lungs are clear. No pleural effusion or pneumothorax. The heart size is normal and the mediastinal contours are within normal limits. No acute bony abnormality.',
    );
    expect(await page.getByTestId('section-impression').inputValue()).toBe('No acute cardiopulmonary abnormality.');
    await saved(page);
  });

  it('manages templates and snippets in the settings panel, stored in SQLite, and shares them as a JSON file', async () => {
    const { page } = e2e.app;
    await page.getByTestId('templates-button').click();
    await page.getByTestId('templates-manage').click();
    const panel = page.getByTestId('aids-panel');
    await panel.waitFor();
    expect(await page.getByTestId('template-row').allInnerTexts()).toEqual([expect.stringMatching(/Normal chest/)]);
    expect(await page.getByTestId('snippet-row').allInnerTexts()).toEqual([expect.stringMatching(/\.norm/)]);

    // A snippet and a template of one's own.
    await page.getByTestId('snippet-new').click();
    await page.getByTestId('snippet-trigger').fill('.ptx');
    await page.getByTestId('snippet-text').fill('Small apical pneumothorax without mediastinal shift.');
    await page.getByTestId('snippet-save').click();
    await expect.poll(() => page.getByTestId('aids-notice').innerText()).toMatch(/Snippet \.ptx saved/);
    await page.getByTestId('template-new').click();
    await page.getByTestId('template-name').fill('Portable ICU');
    await page.getByTestId('template-technique').fill('AP supine portable chest radiograph.');
    await page.getByTestId('template-findings').fill('Lines and tubes: ');
    await page.getByTestId('template-save').click();
    await expect.poll(() => page.getByTestId('aids-notice').innerText()).toMatch(/Template “Portable ICU” saved/);
    // A trigger that is taken is refused with the reason, in the panel.
    await page.getByTestId('snippet-new').click();
    await page.getByTestId('snippet-trigger').fill('.PTX');
    await page.getByTestId('snippet-text').fill('Another.');
    await page.getByTestId('snippet-save').click();
    await expect.poll(() => page.getByTestId('aids-notice').getAttribute('data-tone')).toBe('error');
    expect(await page.getByTestId('aids-notice').innerText()).toMatch(/\.PTX is already used by another snippet/);
    await shot(page, '10-settings-panel');
    await page.getByRole('button', { name: 'Cancel' }).click();

    // In the database.
    const stored = await e2e.harness.services.handlers['aids:list']({});
    expect(stored.templates.map((t) => t.name)).toEqual(['Normal chest', 'Portable ICU']);
    expect(stored.snippets.map((s) => s.trigger)).toEqual(['.norm', '.ptx']);

    // Export: a versioned JSON file with all of them.
    await page.getByTestId('aids-export').click();
    await expect.poll(() => page.getByTestId('aids-notice').innerText()).toMatch(/Exported 2 templates and 2 snippets to /);
    const exportedPath = e2e.harness.savedPaths.at(-1)!;
    expect(existsSync(exportedPath)).toBe(true);
    const file = JSON.parse(readFileSync(exportedPath, 'utf8')) as { format: string; version: number; templates: unknown[]; snippets: Array<{ trigger: string }> };
    expect(file).toMatchObject({ format: 'radraft-reporting-aids', version: 1 });
    expect(file.snippets.map((s) => s.trigger)).toEqual(['.norm', '.ptx']);

    // Bad files: each says what is wrong, nothing is imported.
    const tryImport = async (name: string, content: string) => {
      const path = join(e2e.harness.workDir, name);
      writeFileSync(path, content);
      e2e.harness.nextAidsFile = path;
      await page.getByTestId('aids-import').click();
      await expect.poll(() => page.getByTestId('aids-notice').innerText()).not.toMatch(/Exported/);
      return page.getByTestId('aids-notice');
    };
    let notice = await tryImport('notes.json', 'Normal chest: lungs clear');
    await expect.poll(() => notice.innerText()).toMatch(/is not a JSON file .*nothing was imported/);
    notice = await tryImport('other.json', JSON.stringify({ name: 'something else' }));
    await expect.poll(() => notice.innerText()).toMatch(/not a Radraft templates and snippets file/);
    notice = await tryImport('newer.json', JSON.stringify({ ...file, version: 9 }));
    await expect.poll(() => notice.innerText()).toMatch(/written by a newer Radraft \(format version 9/);
    notice = await tryImport('broken.json', JSON.stringify({ ...file, snippets: [{ trigger: 'norm', text: 'x' }] }));
    await expect.poll(() => notice.innerText()).toMatch(/cannot be imported: snippets\.0\.trigger: A trigger is a dot/);
    expect(await notice.getAttribute('data-tone')).toBe('error');
    await shot(page, '11-import-bad-file');
    expect((await e2e.harness.services.handlers['aids:list']({})).snippets).toHaveLength(2);

    // A colleague's file: a new snippet is added, the same trigger replaced.
    notice = await tryImport(
      'department.json',
      JSON.stringify({ ...file, templates: [], snippets: [{ trigger: '.eff', text: 'Small right pleural effusion.' }, { trigger: '.ptx', text: 'Apical pneumothorax, unchanged.' }] }),
    );
    await expect.poll(() => notice.innerText()).toMatch(/Imported: 0 templates added; 1 snippet added, 1 replaced/);
    expect(await page.getByTestId('snippet-row').allInnerTexts()).toEqual([
      expect.stringMatching(/\.eff/),
      expect.stringMatching(/\.norm/),
      expect.stringMatching(/\.ptx\s+Apical pneumothorax, unchanged\./),
    ]);
    await shot(page, '12-imported');
    await page.getByTestId('aids-close').click();

    // The imported snippet works in the editor straight away, in Comparison too.
    await page.getByTestId('section-comparison').click();
    await page.keyboard.type('.eff ');
    expect(await page.getByTestId('section-comparison').inputValue()).toBe('Small right pleural effusion. ');
    await saved(page);
  });

  it('never puts a toast over the editor’s buttons or the signature line; snippets work in an addendum', async () => {
    const { page } = e2e.app;
    await select(page, 'Nguyen, Thi Minh Khai');
    await page.getByTestId('signed-by').waitFor();
    await page.getByTestId('copy-report').click();
    await page.getByTestId('toast').filter({ hasText: 'Report copied' }).waitFor();
    await toastsClearOf(page, ['signed-by', 'sign-report', 'export-report', 'copy-report', 'templates-button', 'draft', 'write-addendum', 'viewport']);
    await shot(page, '13-toast-clear-of-signature');

    // Snippets work in an addendum too.
    await page.getByTestId('write-addendum').click();
    await page.getByTestId('addendum-text').click();
    await page.keyboard.type('Later film: .eff ');
    expect(await page.getByTestId('addendum-text').inputValue()).toBe('Later film: Small right pleural effusion. ');
  });
});
