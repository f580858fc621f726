// `radraft draft FILE... [--model MODEL_DIR] [--prompt TEXT] [--max-tokens N] [--pixel-values FILE] [--json]`
// Drafts with the PaliGemma 2 engine in this process: one model load, then one generation per input. FILE is a
// DICOM file (its model view, as the app shows it to the model), a PNG or a JPEG. Plain output streams the text as it
// is generated; --json prints one JSON object per input (JSON Lines) with ids, per-step top-5 logits, boxes, timing.
import { readFileSync } from 'node:fs';
import { abortOnSigint, processIo, type CliCommand, type CliIo } from '../command';
import { errorMessage, parseCliArgs, wholeNumberOption } from '../cli-args';
import { loadModelOrSayWhy, modelDirOrSayWhy } from '../cli-model';
import type { Box } from '../../../app/domain/model';
import { parseLocBoxes } from '../../../app/report/loc-tokens';
import { decodeImage, preprocessRaster, readPixelValuesFile, sniffImageFormat } from '../../../models/preprocess/index';
import { decodeFile, DicomError, renderModelView } from '../../dicom/index';

const USAGE =
  'usage: radraft draft FILE... [--model MODEL_DIR] [--prompt TEXT] [--max-tokens N] [--pixel-values FILE] [--json] [--threads N]\n' +
  '  FILE: DICOM, PNG or JPEG. --pixel-values: a PNG at the model size or a raw float32 NCHW .f32 file used as the\n' +
  '  model input instead of preprocessing FILE (give one per FILE, or give them alone). Without --model, the model\n' +
  '  in $RADRAFT_MODEL, else the bundled demo model.';

export class DraftInputError extends Error {
  override name = 'DraftInputError';
}

export interface DraftOutput {
  file: string;
  prompt: string;
  ids: number[];
  text: string;
  steps: { top5_ids: number[]; top5_logits: number[] }[];
  boxes: Box[];
  timing: { load_ms: number; vision_ms: number; prefill_ms: number; decode_ms: number; tokens_per_s: number };
}

interface ModelInput {
  pixelValues: Float32Array;
  /** Original image size, for mapping <loc> boxes back to pixels. */
  rows: number;
  columns: number;
}

/** The 8-bit model view of a DICOM image: the DICOM engine's grey rendering (window, MONOCHROME1 inverted). */
type DicomModelView = (path: string) => Promise<{ width: number; height: number; data: Uint8Array }>;

async function dicomModelView(path: string): Promise<{ width: number; height: number; data: Uint8Array }> {
  // In-process: the CLI has no UI thread to keep free, and one decode per input is all it does.
  return renderModelView(await decodeFile(path));
}

async function readInput(path: string, size: number, renderDicom: DicomModelView): Promise<ModelInput> {
  let head: Buffer;
  try {
    head = readFileSync(path);
  } catch (error) {
    throw new DraftInputError(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  if (sniffImageFormat(head) !== null) {
    const image = decodeImage(head, path);
    return { pixelValues: preprocessRaster(image, size), rows: image.height, columns: image.width };
  }
  const view = await renderDicom(path);
  return { pixelValues: preprocessRaster({ width: view.width, height: view.height, channels: 1, data: view.data }, size), rows: view.height, columns: view.width };
}

export interface DraftIo extends CliIo {
  signal?: AbortSignal;
  renderDicom?: DicomModelView;
  /** Where to look when neither --model nor $RADRAFT_MODEL is given (default: the bundled demo model). */
  bundledModelDir?: () => string | null;
}

interface Job {
  /** What the output names: the image file, or the pixel-values file when it stands alone. */
  file: string;
  image: string | null;
  pixelValues: string | null;
}

function planJobs(files: string[], pixelValues: string[]): Job[] {
  if (pixelValues.length === 0) return files.map((f) => ({ file: f, image: f, pixelValues: null }));
  if (files.length === 0) return pixelValues.map((p) => ({ file: p, image: null, pixelValues: p }));
  if (files.length !== pixelValues.length) {
    throw new DraftInputError(`give one --pixel-values per FILE (${files.length} files, ${pixelValues.length} --pixel-values), or --pixel-values alone`);
  }
  return files.map((f, i) => ({ file: f, image: f, pixelValues: pixelValues[i] }));
}

async function prepare(job: Job, size: number, renderDicom: DicomModelView): Promise<ModelInput> {
  if (job.pixelValues === null) return readInput(job.image ?? job.file, size, renderDicom);
  const pixelValues = readPixelValuesFile(job.pixelValues, size);
  if (job.image === null) return { pixelValues, rows: size, columns: size };
  // The image still names the original size that boxes map back to.
  const input = await readInput(job.image, size, renderDicom);
  return { pixelValues, rows: input.rows, columns: input.columns };
}

/** The command body with its streams injected (tests call this directly). Returns the exit code. */
export async function runDraft(args: string[], io: DraftIo): Promise<number> {
  const parsed = parseCliArgs('draft', USAGE, {
    args,
    allowPositionals: true,
    options: {
      model: { type: 'string' },
      prompt: { type: 'string' },
      'max-tokens': { type: 'string' },
      'pixel-values': { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
      threads: { type: 'string' },
    },
  }, io.stderr);
  if (!parsed) return 2;
  const opts = parsed.values;
  let maxTokens: number | undefined;
  let threads: number | undefined;
  try {
    maxTokens = wholeNumberOption(opts['max-tokens'], '--max-tokens', 0);
    threads = wholeNumberOption(opts.threads, '--threads', 1);
  } catch (error) {
    io.stderr(`radraft draft: ${errorMessage(error)}\n`);
    return 2;
  }
  let jobs: Job[];
  try {
    jobs = planJobs(parsed.positionals, opts['pixel-values'] ?? []);
  } catch (error) {
    io.stderr(`radraft draft: ${errorMessage(error)}\n`);
    return 2;
  }
  if (jobs.length === 0) {
    io.stderr(`${USAGE}\n`);
    return 2;
  }
  const modelDir = modelDirOrSayWhy('draft', opts.model, io);
  if (!modelDir) return 2;

  const model = await loadModelOrSayWhy('draft', modelDir, threads, io.stderr);
  if (!model) return 1;
  const renderDicom = io.renderDicom ?? dicomModelView;
  const prompt = opts.prompt ?? model.manifest.promptTemplates.report ?? 'report en';
  let failures = 0;
  try {
    for (const job of jobs) {
      if (io.signal?.aborted) break;
      try {
        const input = await prepare(job, model.manifest.imageSize, renderDicom);
        if (!opts.json && jobs.length > 1) io.stdout(`==> ${job.file} <==\n`);
        const result = await model.generate({
          pixelValues: input.pixelValues,
          prompt,
          maxTokens,
          signal: io.signal,
          onToken: opts.json ? undefined : (piece) => piece && io.stdout(piece),
        });
        const boxes = parseLocBoxes(result.text, { rows: input.rows, columns: input.columns });
        if (opts.json) {
          const out: DraftOutput = {
            file: job.file,
            prompt,
            ids: result.ids,
            text: result.text,
            steps: result.steps.map((s) => ({ top5_ids: s.top5Ids, top5_logits: s.top5Logits })),
            boxes,
            timing: result.timing,
          };
          io.stdout(`${JSON.stringify(out)}\n`);
        } else {
          io.stdout('\n');
          for (const b of boxes) {
            io.stdout(`box: ${b.label || '(no label)'} y0=${b.y0.toFixed(1)} x0=${b.x0.toFixed(1)} y1=${b.y1.toFixed(1)} x1=${b.x1.toFixed(1)} (pixels of ${input.columns}×${input.rows})\n`);
          }
          if (result.stopReason === 'aborted') io.stderr('radraft draft: stopped\n');
        }
      } catch (error) {
        failures++;
        const message = error instanceof DicomError ? `${job.file}: ${error.message}` : errorMessage(error);
        io.stderr(`radraft draft: ${message.includes(job.file) ? message : `${job.file}: ${message}`}\n`);
        if (opts.json) io.stdout(`${JSON.stringify({ file: job.file, error: message })}\n`);
      }
    }
  } finally {
    await model.dispose();
  }
  if (io.signal?.aborted) return 130;
  return failures > 0 ? 1 : 0;
}

export const draftCommand: CliCommand = {
  run: (args) => abortOnSigint((signal) => runDraft(args, { ...processIo(), signal })),
};
