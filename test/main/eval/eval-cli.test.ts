// `radraft eval` end to end on the tiny fine-tuned model: dataset folder → engine → metrics → JSON + HTML, resuming,
// bad input, and the reports signed in a real report database.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEvalCommand } from '../../../main/cli/commands/eval';
import type { EvalResult } from '../../../app/eval/result';
import { textMetrics } from '../../../app/metrics/report-metrics';
import { labelReport } from '../../../app/chexpert/labeler';
import { scoredTextOf } from '../../../app/eval/scored-text';
import { readHeader } from '../../../main/dicom/index';
import { ReportStore } from '../../../main/storage/report-store';
import { importFixture, tempDir } from '../../models/engine/fixtures';
import { signReport } from './sign-reports';

interface Generation { id: string; generated_text: string }
const generations = new Map(
  (JSON.parse(readFileSync(join(__dirname, '../../fixtures/tokenizer/generations.json'), 'utf8')) as Generation[]).map((g) => [g.id, g.generated_text]),
);
const DATASETS = join(__dirname, '../../fixtures/eval');
const DICOM = join(__dirname, '../../fixtures/dicom/cxr');

async function evalCli(args: string[], signal?: AbortSignal): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runEvalCommand(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), signal, env: {}, bundledModelDir: () => null });
  return { code, stdout, stderr };
}

const readResult = (dir: string): EvalResult => JSON.parse(readFileSync(join(dir, 'eval-result.json'), 'utf8')) as EvalResult;
const partialLines = (dir: string): string[] => readFileSync(join(dir, 'cases.jsonl'), 'utf8').trim().split('\n');

describe('radraft eval', () => {
  let model: { dir: string; cleanup: () => void };
  let scratch: { dir: string; cleanup: () => void };
  beforeAll(() => {
    model = importFixture('tiny-paligemma2-cxr');
    scratch = tempDir('eval');
  });
  afterAll(() => {
    model?.cleanup();
    scratch?.cleanup();
  });

  it('drafts the golden dev cases as the reference generations and scores them as coco-caption would', async () => {
    const out = join(scratch.dir, 'golden');
    const r = await evalCli(['--model', model.dir, join(DATASETS, 'golden-dev'), '--limit', '3', '--out', out]);
    expect(r.stderr).toContain('eval 3/3');
    expect(r.code).toBe(0);
    const result = readResult(out);
    expect(result.version).toBe(1);
    expect(result.dataset).toMatchObject({ kind: 'folder', name: 'golden-dev', caseCount: 3, scoredCount: 3, problems: [] });
    expect(result.dataset.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(result.model.manifestSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(result.model.dtype).toBe('fp32');
    expect(result.cases.map((c) => c.id)).toEqual(['dev00', 'dev01', 'dev02']);
    for (const c of result.cases) {
      expect(c.draftRaw, c.id).toBe(generations.get(c.id));
      expect(c.prompt).toBe('report en');
      expect(c.latencyMs).toBeGreaterThan(0);
    }
    // The demo model memorised these images: its drafts are the references.
    expect(result.metrics.rougeL.value).toBe(1);
    expect(result.metrics.chexpertMicroF1.value).toBe(1);
    expect(r.stdout).toContain('ROUGE-L 1.000');
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain(result.model.manifestSha256);
    expect(html).toContain(result.dataset.fingerprint);
    expect(html).toContain('data:image/png;base64,');
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/(src|href)="(https?:|\/\/)/);
  });

  it('continues a stopped run where it stopped and refuses results of another model or dataset', async () => {
    const out = join(scratch.dir, 'resume');
    const controller = new AbortController();
    let stderr = '';
    const first = runEvalCommand(['--model', model.dir, join(DATASETS, 'golden-dev'), '--limit', '3', '--out', out], {
      stdout: () => undefined,
      stderr: (t) => {
        stderr += t;
        if (t.startsWith('eval 1/3')) controller.abort();
      },
      signal: controller.signal,
      env: {},
      bundledModelDir: () => null,
    });
    expect(await first).toBe(130);
    expect(stderr).toContain('Run the same command again to continue');
    expect(existsSync(join(out, 'eval-result.json'))).toBe(false);
    const kept = partialLines(out);
    expect(kept).toHaveLength(2); // header + dev00
    const again = await evalCli(['--model', model.dir, join(DATASETS, 'golden-dev'), '--limit', '3', '--out', out]);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('eval 1/3'); // picked up at 1 of 3
    expect(again.stderr).not.toContain('eval 0/3');
    const lines = partialLines(out);
    expect(lines.slice(0, 2)).toEqual(kept);
    expect(lines).toHaveLength(4);
    expect(readResult(out).cases.map((c) => c.draftRaw)).toEqual(['dev00', 'dev01', 'dev02'].map((id) => generations.get(id)));

    const other = await evalCli(['--model', model.dir, join(DATASETS, 'golden-dev'), '--limit', '2', '--out', out]);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('--fresh');
    const fresh = await evalCli(['--model', model.dir, join(DATASETS, 'golden-dev'), '--limit', '1', '--out', out, '--fresh']);
    expect(fresh.code).toBe(0);
    expect(readResult(out).cases).toHaveLength(1);
  });

  it('scores DICOM, PNG and detect cases exactly, and names every case it had to leave out', async () => {
    const out = join(scratch.dir, 'mixed');
    const r = await evalCli(['--model', model.dir, join(DATASETS, 'mixed'), '--out', out]);
    expect(r.code).toBe(1); // left-out cases make the run fail, after writing everything
    expect(r.stderr).toContain('left out reports.jsonl line 3: not valid JSON');
    expect(r.stderr).toContain('left out missing-image: the image no-such-image.dcm is missing');
    const result = readResult(out);
    expect(result.cases.map((c) => c.id)).toEqual(['barre-dicom', 'barre-png-other-report', 'pneumothorax-box']);
    const [dicom, png, box] = result.cases;
    expect(dicom.draftRaw).toBe(generations.get('dev00'));
    expect(png.prompt).toBe('report en INDICATION: Shortness of breath.');
    expect(box.prompt).toBe('detect pneumothorax');
    expect(box.draftRaw).toBe(generations.get('dev11'));
    expect(box.metrics.rougeL).toBe(1);
    // Every figure follows from the texts: recompute them independently.
    const expected = textMetrics(result.cases.map((c) => ({ hypothesis: scoredTextOf(c.draftRaw), references: [c.reference] })));
    result.metrics.bleu.forEach((b, k) => expect(b.value).toBeCloseTo(expected.corpus.bleu[k], 12));
    expect(result.metrics.ciderD.value).toBeCloseTo(expected.corpus.ciderD, 12);
    expect(png.labels.reference).toEqual(labelReport(png.reference));
    expect(png.labels.reference).toMatchObject({ 'Lung Opacity': 'positive', 'Pleural Effusion': 'positive' });
    expect(png.disagreements).toEqual(expect.arrayContaining(['Lung Opacity', 'Pleural Effusion']));
    expect(result.worst[0]).toBe('barre-png-other-report');
    const interval = result.metrics.rougeL.interval;
    expect(interval && interval.low <= (result.metrics.rougeL.value ?? 0) && (result.metrics.rougeL.value ?? 0) <= interval.high).toBe(true);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<del>');
    expect(html).toContain('Cases left out (2)');
  });

  it('validates against the reports signed in a real report database, finding their images by UID', async () => {
    const db = join(scratch.dir, 'radraft.db');
    const store = ReportStore.open(db);
    const files = ['barre_CR-MONO1-10-chest_nometa.dcm', 'nih_dx_ap_effusion_implLE_8bit.dcm', 'siim_1.2.276.0.7230010.3.1.4.8323329.4440.1517875182.865105.dcm'];
    const [barre, effusion, pneumothorax] = await Promise.all(files.map((f) => readHeader(join(DICOM, f))));
    const demoModel = { name: 'demo', manifestSha256: 'x', dtype: 'fp32' };
    signReport(store, barre, { findings: 'Heart size and mediastinal contour are within normal limits.', impression: 'No acute cardiopulmonary findings.' }, demoModel);
    signReport(store, pneumothorax, { findings: 'There is a small left apical pneumothorax.', impression: 'Small left apical pneumothorax.' });
    // A draft that is not signed is not a reference.
    store.save(effusion.studyInstanceUid, { indication: '', technique: '', comparison: '', findings: 'Draft only.', impression: '' }, 0);
    store.close();

    const out = join(scratch.dir, 'signed');
    const r = await evalCli(['--model', model.dir, '--from-signed', '--db', db, '--images', DICOM, '--out', out]);
    expect(r.stderr).not.toContain('left out');
    expect(r.code).toBe(0);
    const result = readResult(out);
    expect(result.dataset).toMatchObject({ kind: 'signed', name: 'signed reports', caseCount: 2, scoredCount: 2 });
    expect(result.cases.map((c) => c.image).sort()).toEqual([barre.sopInstanceUid, pneumothorax.sopInstanceUid].sort());
    const ptx = result.cases.find((c) => c.image === pneumothorax.sopInstanceUid);
    expect(ptx?.draftRaw).toBe(generations.get('dev08'));
    expect(ptx?.labels.reference.Pneumothorax).toBe('positive');
    expect(ptx?.labels.generated.Pneumothorax).toBe('positive');

    const none = await evalCli(['--model', model.dir, '--from-signed', '--db', db, '--images', join(DICOM, '..', 'derived'), '--out', join(scratch.dir, 'none')]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('None of the 2 signed reports has its image');
  });

  it('explains bad usage and bad datasets in one line', async () => {
    expect((await evalCli(['--model', model.dir])).code).toBe(2);
    expect((await evalCli(['--model', model.dir, DATASETS, '--limit', '0'])).stderr).toContain('--limit must be a whole number ≥ 1');
    const empty = tempDir('eval-empty');
    try {
      const r = await evalCli(['--model', model.dir, empty.dir]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('There is no reports.jsonl in');
      writeFileSync(join(empty.dir, 'reports.jsonl'), '{"file": "a.dcm"}\n');
      expect((await evalCli(['--model', model.dir, empty.dir])).stderr).toContain('has no reference text');
    } finally {
      empty.cleanup();
    }
  });
});
