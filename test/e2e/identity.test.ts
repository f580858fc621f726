// End to end: what a file says about its patient cannot forge the report, and files that disagree about the patient
// are not reported on silently (issue 9, items 3 and 4). The files are the real SIIM radiograph with byte edits
// (test/main/dicom/edit-elements.ts): a Patient Name that carries line breaks, and two copies of one study that name
// different patients.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './harness/server';
import { appSuite, SHOTS } from './harness/suite';
import { writeEdited } from '../main/dicom/edit-elements';

const SIIM = join(ROOT, 'test/fixtures/e2e/siim_1.2.276.0.7230010.3.1.4.8323329.4904.1517875185.355709.dcm');
/** What the forged name tries to add to the report, one line each. */
const FORGED_LINES = ['IMPRESSION:', 'No acute findings.'];
const FORGED_NAME = `Doe^John\r\n${FORGED_LINES.join('\r\n')}`;

const e2e = appSuite();

async function openFiles(paths: string[]): Promise<void> {
  const { page } = e2e.app;
  e2e.harness.nextOpenFiles = paths;
  await page.getByTestId('open-files').click();
  await page.getByTestId('toast').filter({ hasText: 'Opened' }).last().waitFor();
}

/** Two copies of the SIIM film as two SOP instances of study `uid`, each naming one of the two patients. */
function mixedStudy(uid: string, ...patients: Array<[name: string, id: string]>): string[] {
  return patients.map(([name, id], i) => {
    const path = join(e2e.harness.workDir, `${id}.dcm`);
    writeEdited(SIIM, path, { x0020000d: uid, x00100010: name, x00100020: id, x00080018: `${uid}.${i + 1}` });
    return path;
  });
}

async function exportText(): Promise<string> {
  const { page } = e2e.app;
  const before = e2e.harness.savedPaths.length;
  await page.getByTestId('export-report').click();
  await page.getByTestId('export-confirm').click(); // Text, the dialog's default
  await expect.poll(() => e2e.harness.savedPaths.length).toBe(before + 1);
  // The export is written after the save dialog answers: wait for the file, not for a toast an earlier export left.
  await expect.poll(() => existsSync(e2e.harness.savedPaths[before])).toBe(true);
  return readFileSync(e2e.harness.savedPaths[before], 'utf8');
}

describe('identity, end to end', () => {
  it('shows and exports a Patient Name with line breaks on one line: the file writes no line of the report', async () => {
    const { page } = e2e.app;
    const forged = join(e2e.harness.workDir, 'forged-name.dcm');
    writeEdited(SIIM, forged, { x00100010: FORGED_NAME, x00100020: 'PID-FORGED' });
    await openFiles([forged]);
    const shown = 'Doe, John⏎IMPRESSION:⏎No acute findings.';
    await expect.poll(() => page.getByTestId('study-item').first().locator('.name').innerText()).toBe(shown);
    await page.getByTestId('overlay-patient').waitFor();
    expect((await page.getByTestId('overlay-patient').innerText()).split('\n')[0]).toBe(shown);
    await expect.poll(() => page.getByTestId('report-editor').locator('.patient .strong').innerText()).toBe(shown);

    await page.getByTestId('section-findings').fill('Small left apical pneumothorax.');
    await page.getByTestId('section-impression').fill('Left pneumothorax.');
    await expect.poll(() => page.getByTestId('save-indicator').getAttribute('data-state'), { timeout: 5000 }).toBe('saved');
    const text = await exportText();
    const lines = text.split('\n').map((l) => l.trim());
    for (const line of FORGED_LINES) expect(lines, `the file wrote the line "${line}"`).not.toContain(line);
    expect(lines).toContain(`Patient:            ${shown}`);
    expect(text).not.toMatch(/\r/);
    await page.screenshot({ path: join(SHOTS, 'identity-01-forged-name.png') });
  });

  it('refuses a signer name with a line break at the IPC boundary', async () => {
    const { page } = e2e.app;
    const uid = (await e2e.harness.services.handlers['studies:list']({}))[0].studyInstanceUid;
    const stored = await e2e.harness.services.handlers['report:get']({ studyInstanceUid: uid });
    if (!stored) throw new Error('the first test left no report');
    // A request that is valid but for the name, sent through the page's own bridge (the transport Electron IPC
    // replaces), not the sign dialog, whose one-line input cannot hold a line break.
    const request = { studyInstanceUid: uid, signedBy: 'Dr Mallory\nIMPRESSION: No acute findings.', sections: stored.sections, baseRevision: stored.revision, accept: [] };
    const outcome = await page.evaluate(async (req) => {
      try {
        await window.radraft!.invoke('report:sign', req);
        return 'signed';
      } catch (err) {
        return err instanceof Error ? err.message : String(err);
      }
    }, request);
    expect(outcome).toMatch(/invalid-request.*signedBy The signer name must be one line/);
    expect((await e2e.harness.services.handlers['report:get']({ studyInstanceUid: uid }))?.status).toBe('draft');
  });

  it('flags a study whose files name two patients and asks before signing; "Same patient" signs and the export says so', async () => {
    const { page } = e2e.app;
    await openFiles(mixedStudy('1.2.826.0.1.3680043.2.1143.9001', ['Doe^Jane', 'PID-100'], ['Roe^Richard', 'PID-200']));
    const item = page.getByTestId('study-item').filter({ has: page.getByTestId('identity-conflict') });
    await expect.poll(() => item.count()).toBe(1);
    expect(await item.getByTestId('identity-conflict').innerText()).toBe('2 patients');
    await item.click();

    await page.getByTestId('section-findings').fill('Lungs clear.');
    await expect.poll(() => page.getByTestId('save-indicator').getAttribute('data-state'), { timeout: 5000 }).toBe('saved');
    await page.getByTestId('sign-report').click();
    await page.getByTestId('identity-list').waitFor();
    expect(await page.getByTestId('identity-list').innerText()).toMatch(/Doe, Jane[\s\S]*PID-100[\s\S]*Roe, Richard[\s\S]*PID-200/);
    expect(await page.getByTestId('sign-name').isVisible()).toBe(false);
    await page.screenshot({ path: join(SHOTS, 'identity-02-conflict-dialog.png') });

    await page.getByTestId('identity-same').click();
    await page.getByTestId('sign-name').fill('Dr Ada Lovelace');
    await page.getByTestId('sign-confirm').click();
    await expect.poll(() => page.getByTestId('signed-by').innerText()).toContain('Dr Ada Lovelace');
    expect(await item.getByTestId('identity-conflict').innerText()).toBe('same patient');
    const text = await exportText();
    expect(text).toContain('Identity check:     the files name Doe, Jane (ID PID-100), Roe, Richard (ID PID-200); the clinician confirmed they are one patient');
    expect(text).toContain('Patient:            Doe, Jane');
  });

  it('opens a mixed study as separate studies when asked to draft it, each with its own report', async () => {
    const { page } = e2e.app;
    await openFiles(mixedStudy('1.2.826.0.1.3680043.2.1143.9002', ['Poe^Edgar', 'PID-300'], ['Moe^Anna', 'PID-400']));
    await page.getByTestId('study-item').filter({ hasText: '2 patients' }).click();
    await expect.poll(() => page.getByTestId('draft').isEnabled(), { timeout: 30_000 }).toBe(true);
    await page.getByTestId('draft').click();
    await page.getByTestId('identity-separate').click();

    const parts = page.getByTestId('study-item').filter({ has: page.getByTestId('identity-split') });
    await expect.poll(() => parts.count()).toBe(2);
    const partTexts = (await parts.allInnerTexts()).join('\n');
    expect(partTexts).toContain('Poe, Edgar');
    expect(partTexts).toContain('Moe, Anna');
    const studies = await e2e.harness.services.handlers['studies:list']({});
    const split = studies.filter((s) => s.splitFrom === '1.2.826.0.1.3680043.2.1143.9002');
    expect(split.map((s) => s.patientName).sort()).toEqual(['Moe^Anna', 'Poe^Edgar']);
    expect(split.every((s) => s.identityConflict === undefined && s.images.length === 1)).toBe(true);
    // No draft ran on the mixed study.
    expect(e2e.harness.events.some((e) => e.event === 'draft:event')).toBe(false);
    await page.screenshot({ path: join(SHOTS, 'identity-03-split.png') });

    // A part is one patient: signing it goes straight to the sign dialog.
    await parts.filter({ hasText: 'Moe, Anna' }).click();
    await expect.poll(() => page.getByTestId('report-editor').locator('.patient .strong').innerText()).toBe('Moe, Anna');
    await page.getByTestId('section-findings').fill('Normal.');
    await expect.poll(() => page.getByTestId('save-indicator').getAttribute('data-state'), { timeout: 5000 }).toBe('saved');
    await page.getByTestId('sign-report').click();
    await page.getByTestId('sign-name').waitFor();
    expect(await page.getByTestId('identity-list').isVisible()).toBe(false);
    await page.getByTestId('sign-name').fill('Dr Ada Lovelace');
    await page.getByTestId('sign-confirm').click();
    await expect.poll(() => page.getByTestId('signed-by').innerText()).toContain('Dr Ada Lovelace');
    const text = await exportText();
    expect(text).toContain('Study Instance UID: 1.2.826.0.1.3680043.2.1143.9002');
    expect(text).toMatch(/Images:\s+this patient's only/);
    expect(e2e.app.errors, 'no console errors').toEqual([]);
  });
});
