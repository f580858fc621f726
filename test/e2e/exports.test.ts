// End to end: draft → edit → sign → export in every format from the export dialog, and each file the UI wrote
// passes its independent validator (dciodvfy + dsrdump, pdftotext, the FHIR R4 JSON schema, an HL7 parser, and for
// the de-identified folder dciodvfy and a search for the patient's identifiers). Real renderer, real services, the
// demo model in its worker.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { HL7Message } from 'hl7v2';
import { ROOT } from './harness/server';
import { appSuite, SHOTS } from './harness/suite';
import { signAs } from './sign';
import { dciodvfy, dsrdump, pdftotext } from '../support/validators';

const SIIM = join(ROOT, 'test/fixtures/e2e/siim_1.2.276.0.7230010.3.1.4.8323329.4904.1517875185.355709.dcm');
const PATIENT_ID = 'fef0ab32-8eb1-442e-93a3-2dd0162cc53a';
const STUDY_UID = '1.2.276.0.7230010.3.1.2.8323329.4904.1517875185.355708';
const EDIT = ' Reviewed in e2e: no pneumothorax | ^ ~ & all escaped.';
const require = createRequire(import.meta.url);
const JSONSchemaValidator = require('@asymmetrik/fhir-json-schema-validator') as new () => { validate(r: unknown, verbose?: boolean): unknown[] };

const e2e = appSuite({ fresh: 'test' });

/** Opens the export dialog, picks the format (and options), exports, and returns the path the UI wrote. */
async function exportAs(format: string, setOptions?: () => Promise<void>, shot?: string): Promise<string> {
  const { page } = e2e.app;
  const before = e2e.harness.savedPaths.length;
  await page.getByTestId('export-report').click();
  await page.getByTestId(`export-format-${format}`).click();
  await setOptions?.();
  if (shot) await page.screenshot({ path: join(SHOTS, shot) });
  await page.getByTestId('export-confirm').click();
  await expect.poll(() => e2e.harness.savedPaths.length).toBe(before + 1);
  const path = e2e.harness.savedPaths[before];
  // The dialog stays open ("Exporting…") until the file is written; the toast names the file.
  await page.getByTestId('toast').filter({ hasText: path.split('/').pop()! }).first().waitFor({ timeout: 60_000 });
  await expect.poll(() => page.locator('dialog[open]').count()).toBe(0);
  return path;
}

describe('export from the UI in every format', () => {
  it('drafts, edits, signs and exports text, PDF, DICOM SR, FHIR, HL7 and a de-identified copy, each passing its validator', async () => {
    const { page } = e2e.app;
    await expect.poll(() => page.getByTestId('open-models').innerText(), { timeout: 60_000 }).toMatch(/demo/);
    e2e.harness.nextOpenFiles = [SIIM];
    await page.getByTestId('open-files').click();
    await page.getByTestId('overlay-wl').waitFor({ timeout: 30_000 });

    // Draft, edit Findings, and look at the dialog before signing: formats for a final report are not offered.
    const drafted = () => e2e.harness.events.filter((e) => e.event === 'draft:event' && (e.payload as { type: string }).type === 'done').length;
    await page.getByTestId('draft').click();
    await expect.poll(drafted, { timeout: 120_000 }).toBe(1);
    await page.getByTestId('draft-progress').waitFor({ state: 'detached' });
    const findings = (await page.getByTestId('section-findings').inputValue()) + EDIT;
    await page.getByTestId('section-findings').fill(findings);
    await expect.poll(() => page.getByTestId('save-indicator').getAttribute('data-state')).toBe('saved');
    await page.getByTestId('export-report').click();
    expect(await page.getByTestId('export-format-text').locator('input').isChecked()).toBe(true);
    for (const f of ['sr', 'fhir', 'hl7', 'deidentified']) expect(await page.getByTestId(`export-format-${f}`).locator('input').isDisabled()).toBe(true);
    expect(await page.getByTestId('export-format-pdf').locator('input').isDisabled()).toBe(false);
    await page.screenshot({ path: join(SHOTS, '50-export-dialog-unsigned.png') });
    await page.keyboard.press('Escape');

    await signAs(page, 'Dr Grace Hopper', ['impression']);

    const text = await exportAs('text', undefined, '51-export-dialog-text.png');
    expect(readFileSync(text, 'utf8')).toContain(EDIT.trim());

    const pdf = await exportAs('pdf');
    const pdfText = pdftotext(pdf).replace(/\s+/g, ' ');
    expect(pdfText).toContain(EDIT.trim());
    expect(pdfText).toContain('Electronically signed by Dr Grace Hopper');
    expect(pdfText).toContain('Key image');

    const sr = await exportAs('sr');
    const verdict = dciodvfy(sr);
    expect(verdict.errors, verdict.output).toEqual([]);
    const dump = dsrdump(sr).replace(/\\r\\n/g, '\n');
    expect(dump).toContain(EDIT.trim());
    expect(dump).toContain('(121008,DCM,"Person Observer Name")="Hopper^Grace^^Dr"');
    expect(dump).toContain('Device Observer Name');
    expect(dump).toContain('AI-drafted, edited by the clinician');

    const fhir = await exportAs('fhir');
    const bundle = JSON.parse(readFileSync(fhir, 'utf8')) as { entry: { resource: { resourceType: string; conclusion?: string } }[] };
    expect(new JSONSchemaValidator().validate(bundle, true)).toEqual([]);
    expect(bundle.entry.map((e) => e.resource.resourceType)).toEqual(['Patient', 'ImagingStudy', 'Practitioner', 'DiagnosticReport', 'Device', 'Provenance']);

    const hl7 = await exportAs('hl7');
    const message = HL7Message.parse(readFileSync(hl7, 'utf8'));
    const lines = message.segments.filter((s) => s.segmentType === 'OBX' && s.field(2).getValue() === 'TX').map((s) => String(s.field(5).getValue() ?? ''));
    expect(lines.join('\n')).toContain(EDIT.trim());

    const folder = await exportAs(
      'deidentified',
      async () => {
        await page.getByTestId('export-deid-dates').check();
        await page.getByTestId('export-deid-descriptors').check();
      },
      '52-export-dialog-deidentified.png',
    );
    expect(statSync(folder).isDirectory()).toBe(true);
    const files = readdirSync(folder).sort();
    expect(files).toEqual(['IMG0001.dcm', 'README.txt', 'report-sr.dcm', 'report.txt']);
    expect(dciodvfy(join(folder, 'report-sr.dcm')).errors).toEqual([]);
    for (const name of files) {
      const bytes = readFileSync(join(folder, name)).toString('latin1');
      for (const id of [PATIENT_ID, STUDY_UID, 'Grace Hopper', 'Hopper']) expect(bytes.includes(id), `${name} holds ${id}`).toBe(false);
    }
    expect(readFileSync(join(folder, 'report.txt'), 'utf8')).toContain(EDIT.trim());
    await page.screenshot({ path: join(SHOTS, '53-exported-every-format.png') });
  });
});
