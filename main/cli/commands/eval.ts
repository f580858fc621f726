// `radraft eval --model DIR DATASET [--limit N] [--out REPORT_DIR]` or `radraft eval --model DIR --from-signed
// --images DIR [--db FILE]`: drafts every case of a validation dataset with the engine (in this process, like `radraft
// draft`), with a progress bar on stderr, then writes REPORT_DIR/eval-result.json and REPORT_DIR/report.html.
// Stopped runs continue where they stopped: run the same command again.
import { resolve } from 'node:path';
import { join } from 'node:path';
import { abortOnSigint, processIo, type CliCommand, type CliIo } from '../command';
import { errorMessage, parseCliArgs, wholeNumberOption } from '../cli-args';
import { bundledDemoModelDir, loadModelOrSayWhy, modelDirOrSayWhy } from '../cli-model';
import { loadFolderDataset } from '../../eval/folder-dataset';
import { loadSignedDataset, signedCasesOf } from '../../eval/signed-dataset';
import { manifestSha256 } from '../../eval/model-identity';
import { formatDuration, progressLine } from '../../eval/progress-bar';
import { EvalCancelledError, EvalResumeError, runEval } from '../../eval/run-eval';
import type { LoadedDataset } from '../../eval/eval-case';
import { ReportStore } from '../../storage/report-store';
import { DATABASE_FILE } from '../../services';
import { defaultUserDataDir } from '../user-data';
import packageJson from '../../../package.json';

const USAGE =
  'usage: radraft eval [--model MODEL_DIR] DATASET [--limit N] [--out REPORT_DIR] [--max-tokens N] [--threads N] [--fresh]\n' +
  '       radraft eval [--model MODEL_DIR] --from-signed --images DIR [--images DIR…] [--db FILE] [--since DATE] [...]\n' +
  '  DATASET: a folder of images (DICOM/PNG/JPEG) with a reports.jsonl ({"file", "indication", "findings", "impression"} per line).\n' +
  '  --from-signed: the reports signed in this Radraft (the report database in the app\'s user-data folder, or --db FILE);\n' +
  '  their images are looked up by UID in the --images folders. REPORT_DIR (default ./radraft-eval) gets eval-result.json,\n' +
  '  report.html and cases.jsonl; running the same command again continues a stopped run (--fresh starts over).';

export interface EvalIo extends CliIo {
  /** Whether stderr is a terminal (redraw the progress bar in place). */
  tty?: boolean;
  signal?: AbortSignal;
  bundledModelDir?: () => string | null;
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
  const parsed = parseCliArgs('eval', USAGE, {
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
  }, io.stderr);
  if (!parsed) return 2;
  const o = parsed.values;
  let limit: number | undefined;
  let maxTokens: number | undefined;
  let threads: number | undefined;
  let resamples: number | undefined;
  try {
    limit = wholeNumberOption(o.limit, '--limit', 1);
    maxTokens = wholeNumberOption(o['max-tokens'], '--max-tokens', 1);
    threads = wholeNumberOption(o.threads, '--threads', 1);
    resamples = wholeNumberOption(o.resamples, '--resamples', 1);
  } catch (error) {
    io.stderr(`radraft eval: ${errorMessage(error)}\n`);
    return 2;
  }
  if (o['from-signed'] === (parsed.positionals.length > 0) || parsed.positionals.length > 1) {
    io.stderr(`radraft eval: give one DATASET folder, or --from-signed\n${USAGE}\n`);
    return 2;
  }
  const modelDir = modelDirOrSayWhy('eval', o.model, io);
  if (!modelDir) return 2;

  let dataset: LoadedDataset;
  try {
    if (o['from-signed']) {
      const db = o.db ?? join(defaultUserDataDir(io.env ?? process.env), DATABASE_FILE);
      dataset = await loadSignedDataset(readSigned(db, o.since), o.images ?? [], limit ?? null);
    } else {
      dataset = await loadFolderDataset(parsed.positionals[0], limit ?? null);
    }
  } catch (error) {
    io.stderr(`radraft eval: ${errorMessage(error)}\n`);
    return 1;
  }
  for (const p of dataset.problems) io.stderr(`radraft eval: left out ${p.case}: ${p.message}\n`);

  const model = await loadModelOrSayWhy('eval', modelDir, threads, io.stderr);
  if (!model) return 1;
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
  run: (args) => abortOnSigint((signal) => runEvalCommand(args, { ...processIo(), tty: process.stderr.isTTY === true, signal })),
};
