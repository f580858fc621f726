// `radraft eval --model DIR DATASET [--limit N] [--out REPORT_DIR]` or `radraft eval --model DIR --from-signed
// --images DIR [--db FILE]`: drafts every case of a validation dataset with the engine (in this process, like `radraft
// draft`), with a progress bar on stderr, then writes REPORT_DIR/eval-result.json and REPORT_DIR/report.html.
// Stopped runs continue where they stopped: run the same command again.
import { resolve } from 'node:path';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { CliCommand } from '../command';
import { DatasetError } from '../../../app/eval/dataset';
import { loadModel, type Model } from '../../../models/engine/index';
import { loadFolderDataset } from '../../eval/folder-dataset';
import { loadSignedDataset, signedCasesOf } from '../../eval/signed-dataset';
import { manifestSha256 } from '../../eval/model-identity';
import { formatDuration, progressLine } from '../../eval/progress-bar';
import { EvalCancelledError, EvalResumeError, runEval } from '../../eval/run-eval';
import type { LoadedDataset } from '../../eval/eval-case';
import { ReportStore } from '../../storage/report-store';
import { DATABASE_FILE } from '../../services';
import { defaultUserDataDir } from '../user-data';
import { bundledDemoModelDir, defaultModelDir } from './draft';
import packageJson from '../../../package.json';

const USAGE =
  'usage: radraft eval [--model MODEL_DIR] DATASET [--limit N] [--out REPORT_DIR] [--max-tokens N] [--threads N] [--fresh]\n' +
  '       radraft eval [--model MODEL_DIR] --from-signed --images DIR [--images DIR…] [--db FILE] [--since DATE] [...]\n' +
  '  DATASET: a folder of images (DICOM/PNG/JPEG) with a reports.jsonl ({"file", "indication", "findings", "impression"} per line).\n' +
  '  --from-signed: the reports signed in this Radraft (the report database in the app\'s user-data folder, or --db FILE);\n' +
  '  their images are looked up by UID in the --images folders. REPORT_DIR (default ./radraft-eval) gets eval-result.json,\n' +
  '  report.html and cases.jsonl; running the same command again continues a stopped run (--fresh starts over).';

export interface EvalIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stderr is a terminal (redraw the progress bar in place). */
  tty?: boolean;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  bundledModelDir?: () => string | null;
}

function wholeNumber(value: string | undefined, name: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new DatasetError(`${name} must be a whole number ≥ ${min}, got ${value}`);
  return n;
}

function readSigned(dbFile: string, since: string | undefined): ReturnType<typeof signedCasesOf> {
  const store = ReportStore.open(dbFile);
  try {
    return signedCasesOf(store.signedReports(since));
  } finally {
    store.close();
  }
}

export async function runEvalCommand(args: string[], io: EvalIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        model: { type: 'string' },
        out: { type: 'string' },
        limit: { type: 'string' },
        'max-tokens': { type: 'string' },
        threads: { type: 'string' },
        fresh: { type: 'boolean', default: false },
        'from-signed': { type: 'boolean', default: false },
        db: { type: 'string' },
        images: { type: 'string', multiple: true },
        since: { type: 'string' },
        resamples: { type: 'string' },
      },
    });
  } catch (error) {
    io.stderr(`radraft eval: ${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return 2;
  }
  const o = parsed.values;
  let limit: number | undefined;
  let maxTokens: number | undefined;
  let threads: number | undefined;
  let resamples: number | undefined;
  try {
    limit = wholeNumber(o.limit, '--limit', 1);
    maxTokens = wholeNumber(o['max-tokens'], '--max-tokens', 1);
    threads = wholeNumber(o.threads, '--threads', 1);
    resamples = wholeNumber(o.resamples, '--resamples', 1);
  } catch (error) {
    io.stderr(`radraft eval: ${(error as Error).message}\n`);
    return 2;
  }
  if (o['from-signed'] === (parsed.positionals.length > 0) || parsed.positionals.length > 1) {
    io.stderr(`radraft eval: give one DATASET folder, or --from-signed\n${USAGE}\n`);
    return 2;
  }
  const modelDir = o.model ?? defaultModelDir(io.env ?? process.env, io.bundledModelDir ?? bundledDemoModelDir);
  if (!modelDir) {
    io.stderr('radraft eval: no model: pass --model MODEL_DIR (a folder made by `radraft import-model`) or set RADRAFT_MODEL\n');
    return 2;
  }

  let dataset: LoadedDataset;
  try {
    if (o['from-signed']) {
      const db = o.db ?? join(defaultUserDataDir(io.env ?? process.env), DATABASE_FILE);
      dataset = await loadSignedDataset(readSigned(db, o.since), o.images ?? [], limit ?? null);
    } else {
      dataset = await loadFolderDataset(parsed.positionals[0], limit ?? null);
    }
  } catch (error) {
    io.stderr(`radraft eval: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  for (const p of dataset.problems) io.stderr(`radraft eval: left out ${p.case}: ${p.message}\n`);

  let model: Model;
  try {
    model = await loadModel(resolve(modelDir), threads ? { threads } : {});
  } catch (error) {
    io.stderr(`radraft eval: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const outDir = resolve(o.out ?? 'radraft-eval');
  io.stderr(`radraft eval: ${model.manifest.name} (${model.manifest.dtype}) on ${dataset.cases.length} cases of ${dataset.name}; results in ${outDir}\n`);
  let lastLength = 0;
  const started = performance.now();
  try {
    const { result, htmlFile, resultFile } = await runEval({
      dataset,
      engine: {
        manifest: model.manifest,
        manifestSha256: manifestSha256(resolve(modelDir)),
        loadMs: model.loadMs,
        demo: resolve(modelDir) === bundledDemoModelDir(),
        generate: (req) => model.generate(req),
      },
      outDir,
      maxTokens,
      fresh: o.fresh,
      signal: io.signal,
      radraftVersion: packageJson.version,
      limit: limit ?? null,
      threads: threads ?? null,
      resamples,
      onProgress: (p) => {
        const line = progressLine(p.done, p.total, p.drafted, p.elapsedMs);
        if (io.tty) {
          io.stderr(`\r${line.padEnd(lastLength)}`);
          lastLength = line.length;
        } else if (p.caseId !== null || p.done > 0) {
          io.stderr(`${line}\n`);
        }
      },
    });
    if (io.tty) io.stderr('\n');
    const m = result.metrics;
    const f = (v: number | null): string => (v === null ? '–' : v.toFixed(3));
    io.stdout(
      `${result.dataset.scoredCount} cases in ${formatDuration(performance.now() - started)} (median ${formatDuration(result.latency.p50Ms)}/case)\n` +
        `BLEU-1..4 ${m.bleu.map((b) => f(b.value)).join(' ')}  ROUGE-L ${f(m.rougeL.value)}  CIDEr-D ${f(m.ciderD.value)}\n` +
        `CheXpert micro-F1 ${f(m.chexpertMicroF1.value)}  macro-F1 ${f(m.chexpertMacroF1.value)}  (5 obs: micro ${f(m.chexpertMicroF1Of5.value)})\n` +
        `${resultFile}\n${htmlFile}\n`,
    );
    return result.dataset.problems.length > 0 ? 1 : 0;
  } catch (error) {
    if (io.tty) io.stderr('\n');
    if (error instanceof EvalCancelledError) {
      io.stderr(`radraft eval: ${error.message} Run the same command again to continue.\n`);
      return 130;
    }
    if (error instanceof EvalResumeError) {
      io.stderr(`radraft eval: ${error.message}\n`);
      return 2;
    }
    throw error;
  } finally {
    await model.dispose();
  }
}

export const evalCommand: CliCommand = {
  async run(args) {
    const controller = new AbortController();
    const onSigint = (): void => controller.abort();
    process.once('SIGINT', onSigint);
    try {
      return await runEvalCommand(args, {
        stdout: (t) => process.stdout.write(t),
        stderr: (t) => process.stderr.write(t),
        tty: process.stderr.isTTY === true,
        signal: controller.signal,
      });
    } finally {
      process.off('SIGINT', onSigint);
    }
  },
};
