import { describe, expect, it } from 'vitest';
import { parseReportsJsonl, referenceText } from '../../../app/eval/dataset';
import { renderHtmlReport } from '../../../app/eval/html-report';
import type { EvalResult } from '../../../app/eval/result';
import { latencySummary, scoreCases } from '../../../app/eval/score';
import { parseValidationRecord, validationSummaryLine, ValidationRecordError } from '../../../app/eval/validation-record';

describe('reports.jsonl', () => {
  it('parses good lines and names every bad one with its line number', () => {
    const text = [
      '{"file": "a.dcm", "indication": "cough", "findings": "No effusion.", "impression": "Normal."}',
      '',
      'not json',
      '{"file": "/abs/b.dcm", "findings": "x"}',
      '{"file": "c.png"}',
      '{"file": "a.dcm", "findings": "again"}',
      '{"file": "d.jpg", "id": "d", "prompt": "detect pneumothorax", "reference": "<loc0001><loc0002><loc0003><loc0004> pneumothorax"}',
    ].join('\n');
    const { rows, problems } = parseReportsJsonl(text);
    expect(rows.map((r) => r.file)).toEqual(['a.dcm', 'd.jpg']);
    expect(problems.map((p) => p.line)).toEqual([3, 4, 5, 6]);
    expect(problems[0].message).toMatch(/not valid JSON/);
    expect(problems[1].message).toMatch(/must be relative/);
    expect(problems[2].message).toMatch(/has no reference text/);
    expect(problems[3].message).toMatch(/appears twice/);
    expect(referenceText(rows[0])).toBe('No effusion.\nNormal.');
    expect(referenceText(rows[1])).toBe('<loc0001><loc0002><loc0003><loc0004> pneumothorax');
    expect(referenceText({ findings: '', impression: '', reference: 'FINDINGS: Clear lungs.\nIMPRESSION: Normal.' })).toBe('Clear lungs.\nNormal.');
  });
});

describe('scoring and the HTML report', () => {
  const scores = scoreCases(
    [
      { id: 'a', reference: 'Small left pleural effusion. No pneumothorax.', draft: 'Small left pleural effusion. No pneumothorax.' },
      { id: 'b<script>', reference: 'Large right pneumothorax.', draft: 'No pneumothorax. Lungs are clear.' },
    ],
    { resamples: 200 },
  );

  it('puts the case with CheXpert disagreements first and brackets every value with its interval', () => {
    expect(scores.worst[0]).toBe('b<script>');
    expect(scores.cases[1].disagreements).toEqual(expect.arrayContaining(['Pneumothorax', 'No Finding']));
    const r = scores.metrics.rougeL;
    expect(r.interval && r.interval.low <= (r.value ?? 0) && (r.value ?? 0) <= r.interval.high).toBe(true);
    expect(latencySummary([100, 300, 200])).toMatchObject({ meanMs: 200, p50Ms: 200, maxMs: 300 });
  });

  it('escapes every text it shows and loads nothing from outside', () => {
    const result: EvalResult = {
      version: 1,
      createdAt: '2026-12-03T10:00:00.000Z',
      radraftVersion: '0.1.0',
      model: { name: 'Model "<b>"', manifestSha256: 'a'.repeat(64), dtype: 'int4', imageSize: 224, loadMs: 1000, demo: false },
      dataset: { kind: 'folder', name: 'ds', fingerprint: 'f'.repeat(64), caseCount: 3, scoredCount: 2, problems: [{ case: 'x<i>', message: 'bad & broken' }] },
      settings: { maxTokens: null, limit: null, resamples: 200, threads: null },
      metrics: scores.metrics,
      perObservation: scores.perObservation,
      latency: { ...latencySummary([100, 200]), tokensPerSecond: 10, totalMs: 300 },
      worst: scores.worst,
      cases: scores.cases.map((c, i) => ({
        ...c,
        image: `img${i}.png`,
        prompt: 'report en',
        reference: i === 0 ? 'Small left pleural effusion. No pneumothorax.' : 'Large right pneumothorax.',
        draft: i === 0 ? 'Small left pleural effusion. No pneumothorax.' : 'No pneumothorax. <script>alert(1)</script>',
        draftRaw: '',
        latencyMs: 100,
        tokens: 10,
        stopReason: 'eos',
      })),
    };
    const html = renderHtmlReport({ result, thumbnails: { a: 'data:image/png;base64,AAAA' } });
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('Model &quot;&lt;b&gt;&quot;');
    expect(html).toContain('bad &amp; broken');
    expect(html).toContain('src="data:image/png;base64,AAAA"');
    expect(html).toContain('<div class="noimg">no image</div>');
    expect(html).not.toMatch(/(src|href)="(?!data:)/);
  });
});

describe('validation record', () => {
  const record = {
    version: 1,
    modelName: 'pg2',
    manifestSha256: 'a'.repeat(64),
    dtype: 'int4',
    validatedAt: '2026-12-03T10:00:00.000Z',
    source: 'folder',
    datasetName: 'ds',
    datasetFingerprint: 'f'.repeat(64),
    caseCount: 120,
    metrics: { chexpertMicroF1: 0.5234, chexpertMacroF1: 0.3, rougeL: 0.3149, bleu4: 0.12, ciderD: 0.4 },
    reportFile: 'report.html',
    radraftVersion: '0.1.0',
  };

  it('reads version 1 and says it the way the issue asks', () => {
    expect(validationSummaryLine(parseValidationRecord(record))).toBe(
      'validated on 120 local studies on 2026-12-03: CheXpert micro-F1 0.52, ROUGE-L 0.31, BLEU-4 0.12, CIDEr-D 0.40',
    );
  });

  it('refuses newer, unversioned and damaged records with a message', () => {
    expect(() => parseValidationRecord({ ...record, version: 2 })).toThrow(/newer Radraft/);
    expect(() => parseValidationRecord({ modelName: 'x' })).toThrow(ValidationRecordError);
    expect(() => parseValidationRecord({ ...record, caseCount: -1 })).toThrow(/damaged/);
  });
});
