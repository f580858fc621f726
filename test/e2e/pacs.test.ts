// End to end against a real Orthanc (basic auth, DICOMweb plugin), with the real renderer in headless Chromium, the
// real services and the demo model: configure a PACS node → test the connection → the worklist lists the studies
// loaded into Orthanc → background pre-drafting fills their drafts → open one: its draft is already there → edit,
// sign, and send the signed report to the PACS as DICOM SR.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ROOT } from './harness/server';
import { appSuite, SHOTS } from './harness/suite';
import { signAs } from './sign';
import { startOrthanc, type Orthanc } from '../support/orthanc';

const CXR = join(ROOT, 'test/fixtures/dicom/cxr');
const SOURCES = ['siim_1.2.276.0.7230010.3.1.4.8323329.4904.1517875185.355709.dcm', 'nih_dx_pa_00000002_implLE_8bit.dcm', 'nema_wg04_RG1_J2KI_cr_pa_mono1_15bit.dcm'].map((f) => join(CXR, f));
const PASSWORD = 'e2e-Secret!';
const EDIT = ' Reviewed against the PACS images.';

let orthanc: Orthanc;
let uids: string[];
const today = (): string => {
  const d = new Date();
  return `${d.getFullYear()}${String(d.getMonth() + 1).padStart(2, '0')}${String(d.getDate()).padStart(2, '0')}`;
};

beforeAll(async () => {
  orthanc = await startOrthanc({ users: { radraft: PASSWORD } });
  uids = await orthanc.loadCopies(SOURCES, 3, (i) => ({ StudyDate: today(), StudyTime: `${String(7 + i).padStart(2, '0')}1500`, AccessionNumber: `E2E-${100 + i}` }));
}, 120_000);
afterAll(async () => {
  await orthanc?.stop();
});

const e2e = appSuite();

describe('hospital integration', () => {
  it('configures a node, tests it, lists the worklist, pre-drafts it, opens a drafted study, edits, signs and sends it', async () => {
    const { page } = e2e.app;
    await expect.poll(() => page.getByTestId('open-models').innerText(), { timeout: 60_000 }).toMatch(/demo/);

    // Configure the node in the PACS settings.
    await page.getByTestId('tab-worklist').click();
    await page.getByTestId('worklist-configure').click();
    await page.getByTestId('pacs-add-node').click();
    await page.getByTestId('pacs-node-name').fill('Radiology PACS');
    await page.getByTestId('pacs-node-ae').fill(orthanc.aeTitle);
    await page.getByTestId('pacs-node-host').fill('127.0.0.1');
    await page.getByTestId('pacs-node-port').fill(String(orthanc.dicomPort));
    await page.getByTestId('pacs-node-dicomweb').fill(orthanc.dicomWebUrl!);
    await page.getByTestId('pacs-node-auth').selectOption('basic');
    await page.getByTestId('pacs-node-user').fill('radraft');
    await page.getByTestId('pacs-node-secret').fill('wrong password');
    await page.getByTestId('pacs-node-test').click();
    await page.getByTestId('pacs-test-result').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('pacs-test-result').getAttribute('data-ok')).toBe('false');
    expect(await page.getByTestId('pacs-test-qido-rs').getAttribute('data-failure')).toBe('auth');
    await page.screenshot({ path: join(SHOTS, '70-pacs-test-connection-auth-failed.png') });
    await page.getByTestId('pacs-node-secret').fill(PASSWORD);
    await page.getByTestId('pacs-node-test').click();
    await expect.poll(() => page.getByTestId('pacs-test-result').getAttribute('data-ok'), { timeout: 30_000 }).toBe('true');
    await page.screenshot({ path: join(SHOTS, '71-pacs-test-connection-ok.png') });
    await page.getByTestId('pacs-node-save').click();
    await expect.poll(() => page.getByTestId('pacs-node').innerText()).toMatch(/password encrypted/);

    // Pre-drafting on, one background thread.
    await page.getByTestId('pacs-predraft-threads').fill('1');
    await page.getByTestId('pacs-predraft-enabled').check();
    await expect.poll(async () => (await e2e.harness.services.handlers['pacs:settings']({})).predraft).toEqual({ enabled: true, threads: 1, watchedFolder: null });
    await page.screenshot({ path: join(SHOTS, '72-pacs-settings.png') });
    await page.getByTestId('pacs-settings-close').click();

    // The worklist: today's three studies, oldest first; querying queues them for pre-drafting.
    await page.getByTestId('worklist-refresh').click();
    await expect.poll(() => page.getByTestId('worklist-entry').count(), { timeout: 30_000 }).toBe(3);
    expect(await page.getByTestId('worklist-entry').evaluateAll((els) => els.map((el) => el.getAttribute('data-uid')))).toEqual(uids);
    await page.screenshot({ path: join(SHOTS, '73-worklist-queued.png') });

    // Pre-drafting fills every draft in the background.
    await expect.poll(() => page.getByTestId('worklist-status').allInnerTexts(), { timeout: 180_000 }).toEqual(['draft ready', 'draft ready', 'draft ready']);
    expect(await page.getByTestId('predraft-summary').innerText()).toMatch(/3 ready/);
    await page.screenshot({ path: join(SHOTS, '74-worklist-predrafted.png') });
    const interactive = e2e.harness.events.filter((e) => e.event === 'draft:event').length;

    // Open the first one: the draft is already in the report, as unreviewed AI text.
    await page.getByTestId('worklist-entry').first().click();
    await page.getByTestId('section-findings').waitFor({ timeout: 60_000 });
    await expect.poll(() => page.getByTestId('section-findings').inputValue(), { timeout: 30_000 }).toMatch(/\S/);
    await page.getByTestId('ai-note').waitFor();
    expect(e2e.harness.events.filter((e) => e.event === 'draft:event').length).toBe(interactive);
    const record = await e2e.harness.services.handlers['report:get']({ studyInstanceUid: uids[0] });
    expect(record?.provenance?.modelName).toMatch(/demo/);
    expect(record?.ai.findings?.accepted).toBe(false);
    await page.screenshot({ path: join(SHOTS, '75-opened-with-predraft.png') });

    // Edit, sign, send to the PACS.
    const findings = (await page.getByTestId('section-findings').inputValue()) + EDIT;
    await page.getByTestId('section-findings').fill(findings);
    await expect.poll(() => page.getByTestId('save-indicator').getAttribute('data-state')).toBe('saved');
    // Findings was edited; Impression is still as the model wrote it and is accepted in the dialog.
    await signAs(page, 'Dr Marie Curie', ['impression']);
    await page.screenshot({ path: join(SHOTS, '76-signed.png') });

    await page.getByTestId('export-report').click();
    await page.getByTestId('export-format-sr').click();
    await page.getByTestId('export-send').waitFor();
    await page.screenshot({ path: join(SHOTS, '77-export-send-to-pacs.png') });
    await page.getByTestId('export-send-pacs').click();
    await page.getByTestId('toast').filter({ hasText: 'Report sent to the PACS' }).first().waitFor({ timeout: 60_000 });
    const series = await orthanc.get<{ MainDicomTags: { Modality: string }; ParentStudy: string }[]>('/series?expand');
    const sr = series.filter((s) => s.MainDicomTags.Modality === 'SR');
    expect(sr).toHaveLength(1);
    const study = await orthanc.get<{ MainDicomTags: { StudyInstanceUID: string } }>(`/studies/${sr[0].ParentStudy}`);
    expect(study.MainDicomTags.StudyInstanceUID).toBe(uids[0]);
    // Back in the worklist, the reported study goes last.
    await page.getByTestId('worklist-refresh').click();
    await expect.poll(() => page.getByTestId('worklist-status').allInnerTexts()).toEqual(['draft ready', 'draft ready', 'reported']);
    // The report sent back is no image: the study still shows its one radiograph.
    expect(await page.getByTestId('worklist-entry').last().innerText()).toMatch(/\b1 img\b/);
    await page.screenshot({ path: join(SHOTS, '78-worklist-after-sign.png') });
  });
});
