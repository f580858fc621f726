// Runs an evaluation: drafts every case with the engine, one after another, appending each outcome to
// REPORT_DIR/cases.jsonl as it finishes (so a stopped run continues where it stopped), then scores the drafts and
// writes eval-result.json and the self-contained report.html.
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { scoredTextOf } from '../../app/eval/scored-text';
import { renderHtmlReport } from '../../app/eval/html-report';
import { EVAL_RESULT_VERSION, type EvalCaseResult, type EvalResult } from '../../app/eval/result';
import { latencySummary, scoreCases } from '../../app/eval/score';
import type { GenerateRequest, GenerateResult, Manifest } from '../../models/engine/index';
import { preprocessRaster } from '../../models/preprocess/index';
import { buildPrompt } from '../drafting/drafting-service';
import { removeLeftoverTempFiles, writeFileAtomic } from '../export/atomic-write';
import type { EvalCaseSpec, LoadedDataset } from './eval-case';
import { readEvalImage, thumbnailDataUri } from './eval-image';

export const PARTIAL_FILE = 'cases.jsonl';
export const RESULT_FILE = 'eval-result.json';
export const HTML_FILE = 'report.html';
const JOURNAL_DIR = '.journal';

/** What the runner needs of a loaded model (the engine's Model, in this thread or a worker's). */
export interface EvalEngine {
  manifest: Manifest;
  /** sha256 of the manifest file, as the Models panel shows it. */
  manifestSha256: string;
  loadMs: number;
  demo: boolean;
  generate(req: GenerateRequest): Promise<GenerateResult>;
}

export interface EvalProgress {
  done: number;
  total: number;
  /** Cases finished in this run (not read back from an earlier one). */
  drafted: number;
  elapsedMs: number;
  /** The case just finished, or null at the start. */
  caseId: string | null;
}

export interface RunEvalOptions {
  dataset: LoadedDataset;
  engine: EvalEngine;
  outDir: string;
  maxTokens?: number;
  /** Start over instead of continuing from REPORT_DIR/cases.jsonl. */
  fresh?: boolean;
  signal?: AbortSignal;
  onProgress?(progress: EvalProgress): void;
  radraftVersion: string;
  limit?: number | null;
  threads?: number | null;
  resamples?: number;
  now?: () => Date;
}

export class EvalResumeError extends Error {
  override name = 'EvalResumeError';
}

export class EvalCancelledError extends Error {
  override name = 'EvalCancelledError';
}

const Header = z.object({ kind: z.literal('header'), version: z.literal(1), manifestSha256: z.string(), datasetFingerprint: z.string(), maxTokens: z.number().nullable() });
const Outcome = z.union([
  z.object({ kind: z.literal('case'), id: z.string(), prompt: z.string(), draftRaw: z.string(), tokens: z.number(), stopReason: z.string(), latencyMs: z.number(), decodeMs: z.number() }),
  z.object({ kind: z.literal('case'), id: z.string(), error: z.string() }),
]);
type Outcome = z.infer<typeof Outcome>;

/** Outcomes already in the partial file, when it belongs to this model, dataset and token limit. */
async function resume(file: string, header: z.infer<typeof Header>, fresh: boolean): Promise<Map<string, Outcome>> {
  const done = new Map<string, Outcome>();
  if (fresh || !existsSync(file)) {
    await writeFile(file, `${JSON.stringify(header)}\n`);
    return done;
  }
  const lines = (await readFile(file, 'utf8')).split('\n').filter((l) => l.trim() !== '');
  const first = Header.safeParse(safeJson(lines[0] ?? ''));
  if (!first.success || JSON.stringify(first.data) !== JSON.stringify(header)) {
    throw new EvalResumeError(
      `${file} holds the results of another model, dataset or token limit. Choose another output folder, or start over with --fresh (the earlier results are then replaced).`,
    );
  }
  for (const line of lines.slice(1)) {
    // A run killed mid-write leaves at most one torn last line: that case is drafted again.
    const parsed = Outcome.safeParse(safeJson(line));
    if (parsed.success) done.set(parsed.data.id, parsed.data);
  }
  return done;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function draftCase(c: EvalCaseSpec, engine: EvalEngine, maxTokens: number | undefined, signal: AbortSignal | undefined): Promise<Outcome> {
  const t0 = performance.now();
  try {
    const image = await readEvalImage(c.imagePath);
    const pixelValues = preprocessRaster(image, engine.manifest.imageSize);
    const decodeMs = performance.now() - t0;
    const prompt = c.prompt ?? buildPrompt(engine.manifest.promptTemplates, { task: 'report', indication: c.indication });
    const result = await engine.generate({ pixelValues, prompt, maxTokens, signal });
    if (result.stopReason === 'aborted') throw new EvalCancelledError('Stopped.');
    return { kind: 'case', id: c.id, prompt, draftRaw: result.text, tokens: result.ids.length, stopReason: result.stopReason, latencyMs: performance.now() - t0, decodeMs };
  } catch (error) {
    if (error instanceof EvalCancelledError || signal?.aborted) throw new EvalCancelledError('Stopped.');
    return { kind: 'case', id: c.id, error: message(error) };
  }
}

export interface EvalOutput {
  result: EvalResult;
  resultFile: string;
  htmlFile: string;
}

export async function runEval(opts: RunEvalOptions): Promise<EvalOutput> {
  const now = opts.now ?? (() => new Date());
  const { dataset, engine } = opts;
  await mkdir(opts.outDir, { recursive: true });
  await removeLeftoverTempFiles(join(opts.outDir, JOURNAL_DIR));
  const partial = join(opts.outDir, PARTIAL_FILE);
  const header = { kind: 'header' as const, version: 1 as const, manifestSha256: engine.manifestSha256, datasetFingerprint: dataset.fingerprint, maxTokens: opts.maxTokens ?? null };
  const outcomes = await resume(partial, header, opts.fresh ?? false);

  const started = performance.now();
  const total = dataset.cases.length;
  let drafted = 0;
  const doneCount = (): number => dataset.cases.filter((c) => outcomes.has(c.id)).length;
  opts.onProgress?.({ done: doneCount(), total, drafted, elapsedMs: 0, caseId: null });
  for (const c of dataset.cases) {
    if (outcomes.has(c.id)) continue;
    if (opts.signal?.aborted) throw new EvalCancelledError(`Stopped after ${doneCount()} of ${total} cases.`);
    const outcome = await draftCase(c, engine, opts.maxTokens, opts.signal).catch((error: unknown) => {
      if (error instanceof EvalCancelledError) throw new EvalCancelledError(`Stopped after ${doneCount()} of ${total} cases.`);
      throw error;
    });
    await appendFile(partial, `${JSON.stringify(outcome)}\n`);
    outcomes.set(c.id, outcome);
    drafted++;
    opts.onProgress?.({ done: doneCount(), total, drafted, elapsedMs: performance.now() - started, caseId: c.id });
  }
  return writeResults(opts, outcomes, now());
}

async function writeResults(opts: RunEvalOptions, outcomes: Map<string, Outcome>, at: Date): Promise<EvalOutput> {
  const { dataset, engine } = opts;
  const problems = [...dataset.problems];
  const drafted: { spec: EvalCaseSpec; outcome: Extract<Outcome, { draftRaw: string }> }[] = [];
  for (const spec of dataset.cases) {
    const outcome = outcomes.get(spec.id);
    if (!outcome) continue;
    if ('error' in outcome) problems.push({ case: spec.id, message: outcome.error });
    else drafted.push({ spec, outcome });
  }
  const resamples = opts.resamples ?? 1000;
  const scores = scoreCases(
    drafted.map(({ spec, outcome }) => ({ id: spec.id, reference: spec.reference, draft: scoredTextOf(outcome.draftRaw) })),
    { resamples },
  );
  const cases: EvalCaseResult[] = drafted.map(({ spec, outcome }, i) => ({
    id: spec.id,
    image: spec.imageLabel,
    prompt: outcome.prompt,
    reference: spec.reference,
    draft: scoredTextOf(outcome.draftRaw),
    draftRaw: outcome.draftRaw,
    latencyMs: outcome.latencyMs,
    tokens: outcome.tokens,
    stopReason: outcome.stopReason,
    metrics: scores.cases[i].metrics,
    labels: scores.cases[i].labels,
    disagreements: scores.cases[i].disagreements,
  }));
  const latencies = cases.map((c) => c.latencyMs);
  const totalMs = latencies.reduce((s, v) => s + v, 0);
  const tokens = cases.reduce((s, c) => s + c.tokens, 0);
  const result: EvalResult = {
    version: EVAL_RESULT_VERSION,
    createdAt: at.toISOString(),
    radraftVersion: opts.radraftVersion,
    model: { name: engine.manifest.name, manifestSha256: engine.manifestSha256, dtype: engine.manifest.dtype, imageSize: engine.manifest.imageSize, loadMs: engine.loadMs, demo: engine.demo },
    dataset: { kind: dataset.kind, name: dataset.name, fingerprint: dataset.fingerprint, caseCount: dataset.cases.length, scoredCount: cases.length, problems },
    settings: { maxTokens: opts.maxTokens ?? null, limit: opts.limit ?? null, resamples, threads: opts.threads ?? null },
    metrics: scores.metrics,
    perObservation: scores.perObservation,
    latency: { ...latencySummary(latencies), tokensPerSecond: totalMs > 0 ? tokens / (totalMs / 1000) : null, totalMs },
    worst: scores.worst,
    cases,
  };
  const thumbnails: Record<string, string> = {};
  for (const id of result.worst) {
    const spec = dataset.cases.find((c) => c.id === id);
    if (!spec) continue;
    try {
      thumbnails[id] = thumbnailDataUri(await readEvalImage(spec.imagePath));
    } catch {
      // The image was read a moment ago to draft it; if it is gone now, the report shows "no image".
    }
  }
  const resultFile = join(opts.outDir, RESULT_FILE);
  const htmlFile = join(opts.outDir, HTML_FILE);
  // The two files hold report text: a temp file a crash leaves behind is journalled and removed by the next run.
  const journal = { journalDir: join(opts.outDir, JOURNAL_DIR) };
  await writeFileAtomic(resultFile, `${JSON.stringify(result, null, 1)}\n`, journal);
  await writeFileAtomic(htmlFile, renderHtmlReport({ result, thumbnails }), journal);
  return { result, resultFile, htmlFile };
}
