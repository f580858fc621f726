// Drafting with the real engine (demo model imported from resources/models on first use) through the services.
// Every test starts from its own user-data folder and services, and the tests run in a random order, so none can
// lean on what an earlier one left behind.
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptySections } from '../../../app/domain/report';
import { createServices, type Services } from '../../../main/services';
import type { DraftEvent } from '../../../app/domain/model';
import { buildPrompt } from '../../../main/drafting/drafting-service';
import { fakeDeps, SAMPLES_DIR, type FakeBoundary } from '../services/fake-deps';
import { bundleWorkers } from './bundle-workers';
import { damageByte, pinFileTime } from '../../support/damage-file';

const ROOT = join(__dirname, '../../..');
const SIIM_4904 = join(SAMPLES_DIR, 'siim_1.2.276.0.7230010.3.1.4.8323329.4904.1517875185.355709.dcm');
// Golden reference (transformers, greedy) for this image: shared/golden/cases.json dev09 and dev11.
const DEV09 = 'FINDINGS: Large right pneumothorax with partial collapse of the right lung. No mediastinal shift. The left lung is clear.\nIMPRESSION: Large right pneumothorax.';
const DEV11_LOCS = [99, 171, 255, 434];

/**
 * A bundle holding only the demo checkpoint, so these tests exercise the first-run import into the models folder
 * (and their tampering never touches the demo model that the build imports into resources/models/demo).
 */
function checkpointOnlyBundle(parent: string): string {
  const bundle = join(parent, 'bundle');
  mkdirSync(bundle, { recursive: true });
  symlinkSync(join(ROOT, 'resources/models/demo-checkpoint'), join(bundle, 'demo-checkpoint'));
  return bundle;
}

let dir: string;
let boundary: FakeBoundary;
let services: Services;
let workers: ReturnType<typeof bundleWorkers>;

beforeAll(() => {
  workers = bundleWorkers();
});
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'radraft-draft-'));
  boundary = fakeDeps(dir, { bundledModelsDir: checkpointOnlyBundle(dir), workers });
  services = await createServices(boundary.deps);
});
afterEach(async () => {
  await services.dispose();
  rmSync(dir, { recursive: true, force: true });
});

function draftEvents(draftId: string): DraftEvent[] {
  return boundary.events.filter((e) => e.event === 'draft:event').map((e) => e.payload as DraftEvent).filter((e) => e.draftId === draftId);
}

async function until(draftId: string, done: (events: DraftEvent[]) => boolean, timeoutMs = 60_000): Promise<DraftEvent[]> {
  const start = Date.now();
  for (;;) {
    const events = draftEvents(draftId);
    if (done(events)) return events;
    if (Date.now() - start > timeoutMs) throw new Error(`draft ${draftId} did not finish: ${JSON.stringify(events.slice(-3))}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
const finished = (events: DraftEvent[]): boolean => events.some((e) => e.type === 'stage' && ['done', 'cancelled', 'error'].includes(e.stage));

/** Drafts a report for the study with the active model and waits until the draft has finished. */
async function draftReport(studyInstanceUid: string): Promise<DraftEvent[]> {
  const imageId = (await services.handlers['studies:list']({})).find((s) => s.studyInstanceUid === studyInstanceUid)!.images[0].imageId;
  const { draftId } = await services.handlers['draft:start']({ studyInstanceUid, imageId, task: 'report' });
  return until(draftId, finished);
}

describe.shuffle('drafting services', () => {
  describe('models registry', () => {
    it('lists the embedded demo model, imported on first use and clearly labelled', async () => {
      const models = await services.handlers['models:list']({});
      expect(models).toHaveLength(1);
      expect(models[0]).toMatchObject({ id: 'demo', demo: true, active: true, status: 'ok', dtype: 'fp32', imageSize: 224, problem: null });
      expect(models[0].name).toMatch(/NOT FOR CLINICAL USE/);
      expect(models[0].intendedUse).toMatch(/Demonstration only/);
      expect(models[0].manifestSha256).toMatch(/^[0-9a-f]{64}$/);
      expect(models[0].sizeBytes).toBeGreaterThan(1_000_000);
    });

    it('imports a checkpoint folder with progress, and remembers the active model across restarts', async () => {
      // The Models panel lists the models (setting up the demo) before it offers Import.
      expect((await services.handlers['models:list']({})).map((m) => m.id)).toEqual(['demo']);
      boundary.next.modelFolder = join(ROOT, 'resources/models/demo-checkpoint');
      const result = await services.handlers['models:importDialog']({ dtype: 'int8' });
      expect(result).toMatchObject({ cancelled: false, model: { id: 'demo-checkpoint-int8', dtype: 'int8', status: 'ok', demo: false, active: false } });
      const progress = boundary.events.filter((e) => e.event === 'models:importProgress').map((e) => e.payload as { jobId: string; fraction: number });
      expect(progress.length).toBeGreaterThan(2);
      expect(progress.every((p) => p.jobId === result.jobId)).toBe(true);
      expect(progress.at(-1)?.fraction).toBe(1);

      const listed = await services.handlers['models:setActive']({ modelId: 'demo-checkpoint-int8' });
      expect(listed.find((m) => m.active)?.id).toBe('demo-checkpoint-int8');
      await services.dispose();
      services = await createServices(boundary.deps);
      expect((await services.handlers['models:list']({})).find((m) => m.active)?.id).toBe('demo-checkpoint-int8');
      await services.handlers['models:setActive']({ modelId: 'demo' });

      boundary.next.modelFolder = null;
      expect(await services.handlers['models:importDialog']({ dtype: 'int4' })).toEqual({ cancelled: true, jobId: null, model: null });
    });

    it('a cancelled or broken import leaves no model behind and says why', async () => {
      boundary.next.modelFolder = join(ROOT, 'resources/samples');
      await expect(services.handlers['models:importDialog']({ dtype: 'fp32' })).rejects.toThrow(/could not be imported: .*config\.json/);
      expect((await services.handlers['models:list']({})).map((m) => m.id)).toEqual(['demo']);
      expect(readdirSync(boundary.deps.modelsDir)).toEqual(['demo']);
    });

    it('verify finds a file whose bytes changed but whose size did not', async () => {
      await services.handlers['models:list']({}); // imports the demo model on first use
      const copy = join(boundary.deps.modelsDir, 'tampered');
      cpSync(join(boundary.deps.modelsDir, 'demo'), copy, { recursive: true });
      const decoder = join(copy, 'decoder.onnx');
      const bytes = readFileSync(decoder);
      bytes[bytes.length - 10] ^= 0xff;
      writeFileSync(decoder, bytes);
      expect((await services.handlers['models:list']({})).find((m) => m.id === 'tampered')).toMatchObject({ status: 'ok' });
      const verified = await services.handlers['models:verify']({ modelId: 'tampered' });
      expect(verified).toMatchObject({ status: 'broken', problem: expect.stringMatching(/decoder\.onnx does not match its sha256/) });
      rmSync(copy, { recursive: true, force: true });
      expect(await services.handlers['models:verify']({ modelId: 'demo' })).toMatchObject({ status: 'ok' });
    });
  });

  describe('drafting', () => {
    let uid: string;
    beforeEach(async () => {
      const { studies } = await services.handlers['studies:openPaths']({ paths: [SIIM_4904] });
      uid = studies[0].studyInstanceUid;
    });

    it('streams the golden draft for the frontal image, with stages, and records provenance', async () => {
      const events = await draftReport(uid);
      const stages = events.filter((e) => e.type === 'stage').map((e) => (e as { stage: string }).stage);
      expect(stages).toEqual(['loading-model', 'reading-image', 'reading-prompt', 'writing', 'done']);
      const tokens = events.filter((e): e is Extract<DraftEvent, { type: 'token' }> => e.type === 'token');
      expect(tokens.map((t) => t.text).join('')).toBe(DEV09);
      expect(tokens.every((t) => t.probability > 0 && t.probability <= 1)).toBe(true);
      expect(tokens.at(-1)!.tokensPerSecond).toBeGreaterThan(0);
      expect(events.find((e) => e.type === 'done')).toMatchObject({ text: DEV09, boxes: [] });

      const record = await services.handlers['report:get']({ studyInstanceUid: uid });
      const demo = (await services.handlers['models:list']({})).find((m) => m.id === 'demo')!;
      expect(record?.provenance).toMatchObject({
        draftId: events[0].draftId,
        modelName: demo.name,
        manifestSha256: demo.manifestSha256,
        dtype: 'fp32',
        prompt: 'report en',
        sopInstanceUid: '1.2.276.0.7230010.3.1.4.8323329.4904.1517875185.355709',
        generation: { maxTokens: 160, greedy: true },
        aiDraft: {
          findings: 'Large right pneumothorax with partial collapse of the right lung. No mediastinal shift. The left lung is clear.',
          impression: 'Large right pneumothorax.',
        },
      });
      // The revision is untouched and nothing is in the report yet: the draft goes in with report:insertDraft.
      expect(record?.revision).toBe(0);
      expect(record?.sections.findings).toBe('');
      expect(record?.ai).toEqual({});
    });

    it('guessing ahead from a template that says what the model writes changes nothing in the draft', async () => {
      const [findings, impression] = DEV09.replace('FINDINGS: ', '').split('\nIMPRESSION: ');
      await services.handlers['aids:saveTemplate']({ template: { name: 'Right pneumothorax', sections: { findings, impression } } });
      const events = await draftReport(uid);
      const tokens = events.filter((e): e is Extract<DraftEvent, { type: 'token' }> => e.type === 'token');
      expect(tokens.map((t) => t.text).join('')).toBe(DEV09);
      expect(events.find((e) => e.type === 'done')).toMatchObject({ text: DEV09 });
    });

    it('the export of an edited, signed AI draft carries the AI statement and the model identity', async () => {
      await draftReport(uid);
      const record = (await services.handlers['report:get']({ studyInstanceUid: uid }))!;
      const inserted = await services.handlers['report:insertDraft']({ studyInstanceUid: uid, draftId: record.provenance!.draftId, baseRevision: record.revision });
      const ai = record.provenance!.aiDraft;
      expect(inserted.sections).toMatchObject({ findings: ai.findings, impression: ai.impression });
      const edited = { ...inserted.sections, findings: ai.findings!.replace('Large', 'Moderate') };
      const saved = await services.handlers['report:save']({ studyInstanceUid: uid, baseRevision: inserted.revision, sections: edited });
      await services.handlers['report:sign']({ studyInstanceUid: uid, signedBy: 'Dr Grace Hopper', sections: edited, baseRevision: saved.revision, accept: ['impression'] });
      boundary.next.save = join(dir, 'drafted.txt');
      await services.handlers['report:export']({ studyInstanceUid: uid });
      const text = readFileSync(join(dir, 'drafted.txt'), 'utf8');
      expect(text).toContain('Moderate right pneumothorax with partial collapse');
      expect(text).toContain('AI-assisted draft');
      expect(text).toContain('FINDINGS (AI-drafted, edited by the clinician)');
      expect(text).toContain('IMPRESSION (AI-drafted, accepted unchanged by the clinician)');
      expect(text).not.toMatch(/reviewed, edited as needed/);
      expect(text).toContain(record.provenance!.manifestSha256);
      expect(text).toContain('NOT FOR CLINICAL USE');
      await expect(services.handlers['draft:start']({ studyInstanceUid: uid, imageId: 'x', task: 'report' })).rejects.toThrow(/signed/);
    });

    it('locates: a detect prompt returns the golden box in image pixels', async () => {
      const { draftId } = await services.handlers['draft:start']({ studyInstanceUid: uid, imageId: 'x', task: 'detect', detectLabel: 'pneumothorax' });
      const events = await until(draftId, finished);
      const done = events.find((e): e is Extract<DraftEvent, { type: 'done' }> => e.type === 'done');
      expect(done?.boxes).toHaveLength(1);
      const [y0, x0, y1, x1] = DEV11_LOCS.map((bin) => (bin / 1024) * 1024);
      expect(done!.boxes[0]).toMatchObject({ label: 'pneumothorax', y0, x0, y1, x1 });
    });

    it('cancel stops a running draft before its end and stores nothing', async () => {
      const { studies } = await services.handlers['studies:openPaths']({ paths: [join(SAMPLES_DIR, 'nih_dx_pa_00000002_implLE_8bit.dcm')] });
      const other = studies[0].studyInstanceUid;
      // The demo model writes a whole draft in a fraction of a second, so what must happen while it writes happens in
      // the event of its first token: the worker's result is queued behind that token, so the draft is still running.
      let during: { refusals: Promise<unknown[]>; cancel: Promise<{ cancelled: boolean }>; tokensAtCancel: number } | undefined;
      boundary.onEvent = ({ event, payload }) => {
        const token = event === 'draft:event' && (payload as DraftEvent).type === 'token' ? (payload as DraftEvent) : null;
        if (token && !during) {
          // While the model writes into this report nothing leaves: not a signature, not an export, not a copy.
          const refusals = Promise.all([
            services.handlers['report:sign']({ studyInstanceUid: other, signedBy: 'Dr Fast', sections: emptySections(), baseRevision: 0, accept: [] }).catch((e: Error) => e),
            services.handlers['report:export']({ studyInstanceUid: other }).catch((e: Error) => e),
            services.handlers['report:copy']({ studyInstanceUid: other }).catch((e: Error) => e),
          ]);
          during = { refusals, cancel: services.handlers['draft:cancel']({ draftId: token.draftId }), tokensAtCancel: draftEvents(token.draftId).filter((e) => e.type === 'token').length };
        }
      };
      const { draftId } = await services.handlers['draft:start']({ studyInstanceUid: other, imageId: 'x', task: 'report' });
      await until(draftId, (events) => events.some((e) => e.type === 'token'));
      const { refusals, cancel, tokensAtCancel } = during!;
      for (const r of await refusals) expect(r).toMatchObject({ name: 'DraftInProgressError', code: 'draft', message: expect.stringMatching(/still being written/) });
      expect(await cancel).toEqual({ cancelled: true });
      const events = await until(draftId, finished);
      expect(events.at(-1)).toMatchObject({ type: 'stage', stage: 'cancelled' });
      expect(events.some((e) => e.type === 'done')).toBe(false);
      expect((await services.handlers['report:get']({ studyInstanceUid: other }))?.provenance ?? null).toBeNull();
      expect(await services.handlers['draft:cancel']({ draftId })).toEqual({ cancelled: false });
      // The cancel reached the worker (which stops within one decode step: generate.test.ts): the cancelled run wrote
      // fewer tokens than the whole draft. Tokens the worker had posted before the cancel may still arrive after it
      // (as many as this thread was busy for), so the count after cancel is not pinned here.
      const cancelledTokens = events.filter((e) => e.type === 'token').length;
      expect(cancelledTokens).toBeGreaterThanOrEqual(tokensAtCancel);
      const whole = await until((await services.handlers['draft:start']({ studyInstanceUid: other, imageId: 'x', task: 'report' })).draftId, finished);
      expect(whole.at(-1)).toMatchObject({ type: 'stage', stage: 'done' });
      expect(cancelledTokens).toBeLessThan(whole.filter((e) => e.type === 'token').length);
    });
  });

  describe('model verification on load', () => {
    it('refuses, before any draft text, a model file changed without changing its size or modification time', async () => {
      const draft = async (): Promise<DraftEvent[]> => {
        const { studies } = await services.handlers['studies:openPaths']({ paths: [SIIM_4904] });
        return draftReport(studies[0].studyInstanceUid);
      };
      expect((await draft()).at(-1)).toMatchObject({ type: 'stage', stage: 'done' });
      const decoder = join(boundary.deps.modelsDir, 'demo', 'decoder.onnx');
      pinFileTime(decoder);

      // Quit, damage one byte of the decoder as a disk or a careless tool might, keeping size and mtime, start again.
      await services.dispose();
      const good = damageByte(decoder, 0x01);
      try {
        services = await createServices(boundary.deps);
        const events = await draft();
        expect(events.filter((e) => e.type === 'token')).toEqual([]);
        expect(events.filter((e) => e.type === 'stage').map((e) => (e as { stage: string }).stage)).toEqual(['loading-model', 'error']);
        expect(events.find((e) => e.type === 'error')).toMatchObject({ message: expect.stringMatching(/decoder\.onnx in .* is corrupt \(sha256 does not match the manifest\)/) });
      } finally {
        writeFileSync(decoder, good);
      }
      // Restored: the next draft hashes the file again and goes ahead.
      expect((await draft()).at(-1)).toMatchObject({ type: 'stage', stage: 'done' });
    });
  });

  describe('prompt', () => {
    const templates = { report: 'report en', reportWithIndication: 'report en INDICATION: {indication}', detect: 'detect {label}' };
    it('adds the indication only when the manifest has a template for it', () => {
      expect(buildPrompt(templates, { task: 'report', indication: ' cough,\n fever ' })).toBe('report en INDICATION: cough, fever');
      expect(buildPrompt(templates, { task: 'report', indication: '  ' })).toBe('report en');
      expect(buildPrompt({ report: 'report en' }, { task: 'report', indication: 'cough' })).toBe('report en');
      expect(buildPrompt(templates, { task: 'detect', detectLabel: 'effusion' })).toBe('detect effusion');
    });
  });

  describe('without any model', () => {
    it('says how to fix it instead of failing silently', async () => {
      const empty = mkdtempSync(join(tmpdir(), 'radraft-nomodel-'));
      const b = fakeDeps(empty, { bundledModelsDir: join(empty, 'no-bundle'), workers });
      const s = await createServices(b.deps);
      try {
        const listed = await s.handlers['models:list']({});
        expect(listed).toEqual([expect.objectContaining({ id: 'demo', status: 'broken', active: false, problem: expect.stringMatching(/demo checkpoint is not part of this installation/) })]);
        const { studies } = await s.handlers['studies:openPaths']({ paths: [SIIM_4904] });
        const { draftId } = await s.handlers['draft:start']({ studyInstanceUid: studies[0].studyInstanceUid, imageId: 'x', task: 'report' });
        for (let i = 0; i < 200 && !b.events.some((e) => e.event === 'draft:event' && (e.payload as DraftEvent).type === 'error'); i++) await new Promise((r) => setTimeout(r, 10));
        const error = b.events.map((e) => e.payload as DraftEvent).find((e) => e.draftId === draftId && e.type === 'error');
        expect(error).toMatchObject({ message: expect.stringMatching(/No model is installed.*Import one in the Models panel/) });
      } finally {
        await s.dispose();
        rmSync(empty, { recursive: true, force: true });
      }
    });
  });
});
