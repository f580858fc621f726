// `radraft export-dataset --out DIR --images DIR [--since DATE] [--db FILE] [--model MODEL_DIR] [--validation-fraction F]`:
// the reports signed in this Radraft as a de-identified fine-tuning set (main/training/export-dataset.ts).
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { processIo, type CliCommand, type CliIo } from '../command';
import { errorMessage, parseCliArgs } from '../cli-args';
import { defaultModelDir } from '../cli-model';
import { readManifest } from '../../../models/engine/index';
import { exportCasesFrom, exportTrainingSet, type ExportCase } from '../../training/export-dataset';
import { ReportStore } from '../../storage/report-store';
import { DATABASE_FILE } from '../../services';
import { defaultUserDataDir } from '../user-data';
import packageJson from '../../../package.json';

const USAGE =
  'usage: radraft export-dataset --out DIR --images DIR [--images DIR…] [--since DATE] [--db FILE] [--model MODEL_DIR] [--validation-fraction F]\n' +
  "  Writes the signed reports as a de-identified Hugging Face imagefolder set. --images: where the signed studies' DICOM\n" +
  '  files are (the report database keeps no paths). --model: the image size and prompt templates to write for\n' +
  '  (default: $RADRAFT_MODEL, else the demo model). --since: reports signed on or after DATE (YYYY-MM-DD).';

export async function runExportDataset(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCliArgs('export-dataset', USAGE, {
    args,
    options: {
      out: { type: 'string' },
      images: { type: 'string', multiple: true },
      since: { type: 'string' },
      db: { type: 'string' },
      model: { type: 'string' },
      'validation-fraction': { type: 'string' },
    },
  }, io.stderr);
  if (!parsed) return 2;
  const o = parsed.values;
  if (!o.out) {
    io.stderr(`radraft export-dataset: --out DIR is required\n${USAGE}\n`);
    return 2;
  }
  const fraction = o['validation-fraction'] === undefined ? 0.1 : Number(o['validation-fraction']);
  if (!(fraction >= 0 && fraction < 1)) {
    io.stderr(`radraft export-dataset: --validation-fraction must be a number from 0 to below 1, got ${o['validation-fraction']}\n`);
    return 2;
  }
  if (o.since !== undefined && !/^\d{4}-\d{2}-\d{2}/.test(o.since)) {
    io.stderr(`radraft export-dataset: --since must be a date, YYYY-MM-DD, got ${o.since}\n`);
    return 2;
  }
  const outDir = resolve(o.out);
  if (existsSync(outDir) && readdirSync(outDir).length > 0) {
    io.stderr(`radraft export-dataset: ${outDir} is not empty; choose a new folder so no earlier export is mixed in\n`);
    return 2;
  }
  const modelDir = o.model ?? defaultModelDir(io.env ?? process.env);
  const manifest = modelDir ? readManifest(resolve(modelDir)) : null;
  const db = o.db ?? join(defaultUserDataDir(io.env ?? process.env), DATABASE_FILE);
  if (!existsSync(db)) {
    io.stderr(`radraft export-dataset: there is no report database at ${db}; pass --db FILE\n`);
    return 1;
  }
  const store = ReportStore.open(db);
  let cases: ExportCase[];
  try {
    cases = exportCasesFrom(store, o.since);
  } finally {
    store.close();
  }
  try {
    const summary = await exportTrainingSet({
      cases,
      imageDirs: o.images ?? [],
      outDir,
      imageSize: manifest?.imageSize ?? 224,
      promptTemplates: manifest?.promptTemplates ?? { report: 'report en', reportWithIndication: 'report en INDICATION: {indication}' },
      validationFraction: fraction,
      radraftVersion: packageJson.version,
      since: o.since ?? null,
      onProgress: (done, total) => io.stderr(`export ${done}/${total}\n`),
    });
    for (const s of summary.skipped) io.stderr(`radraft export-dataset: left out ${s.case}: ${s.message}\n`);
    io.stdout(`${summary.train} train + ${summary.validation} validation cases from ${summary.patients} patients in ${summary.outDir}\n`);
    return 0;
  } catch (error) {
    io.stderr(`radraft export-dataset: ${errorMessage(error)}\n`);
    return 1;
  }
}

export const exportDatasetCommand: CliCommand = {
  run: (args) => runExportDataset(args, processIo()),
};
