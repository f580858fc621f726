// `radraft export REPORT_ID --format text|pdf|sr|fhir|hl7|deidentified --out PATH [--db FILE] [options]`: a stored
// report in one format, written atomically, from the report database alone (headless, no Electron). REPORT_ID is
// the Study Instance UID the report is stored under (the text export prints it).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { processIo, type CliCommand, type CliIo } from '../command';
import { parseCliArgs } from '../cli-args';
import { EXPORT_FORMATS, ExportFormat, type ExportOptions } from '../../../app/domain/export';
import type { StudySummary } from '../../../app/domain/study';
import type { ReportRecord } from '../../../app/domain/report';
import { ReportStore } from '../../storage/report-store';
import { DATABASE_FILE, EXPORT_JOURNAL_DIR } from '../../services';
import { defaultUserDataDir } from '../user-data';
import { runExportJob } from '../../export/export-job';
import { writeFileAtomic, writeFolderAtomic } from '../../export/atomic-write';
import { AppError } from '../../ipc/errors';
import { DicomError } from '../../dicom/errors';
import { findValidationBySha } from '../../eval/validation-store';
import { validationSummaryLine } from '../../../app/eval/validation-record';
import packageJson from '../../../package.json';

const USAGE =
  `usage: radraft export REPORT_ID --format ${EXPORT_FORMATS.join('|')} --out PATH [--db FILE]\n` +
  '                      [--key-image] [--modified-dates] [--clean-descriptors] [--confirm-burned-in]\n' +
  '  REPORT_ID: the Study Instance UID the report is stored under. --db: the report database (default: radraft.db in\n' +
  "  Radraft's user data folder). --key-image: PDF with the key image. De-identified (PATH is a new folder):\n" +
  '  --modified-dates keeps dates shifted, --clean-descriptors keeps cleaned descriptions, --confirm-burned-in exports\n' +
  '  images flagged Burned In Annotation YES.';

export interface ExportIo extends CliIo {
  now?: () => Date;
}

/** The report database's path; a missing file is an error, never a new empty database. */
export function reportDatabaseFile(db: string | undefined, env: NodeJS.ProcessEnv): string {
  const file = resolve(db ?? join(defaultUserDataDir(env), DATABASE_FILE));
  if (!existsSync(file)) throw new CliInputError(`no report database at ${file}; name it with --db FILE`);
  return file;
}

/** The drafting model's validation as the app states it in exports: its record in the models folder beside the
 * database (<userData>/models), or null ("not validated here"). */
export async function modelValidationFor(dbFile: string, record: ReportRecord): Promise<string | null> {
  if (!record.provenance) return null;
  const validated = await findValidationBySha(join(dirname(dbFile), 'models'), record.provenance.manifestSha256);
  return validated ? validationSummaryLine(validated) : null;
}

export class CliInputError extends Error {
  override name = 'CliInputError';
}

/** The stored report and its study, or a one-line reason. */
export function storedReport(store: ReportStore, reportId: string): { record: NonNullable<ReturnType<ReportStore['get']>>; study: StudySummary } {
  const record = store.get(reportId);
  if (!record) throw new CliInputError(`no report is stored for Study Instance UID ${reportId}`);
  const study = store.rememberedStudy(reportId) ?? { studyInstanceUid: reportId, patientName: '', patientId: '', studyDate: '', studyDescription: '', accessionNumber: '', modalities: [], images: [] };
  return { record, study };
}

export async function runExport(args: string[], io: ExportIo): Promise<number> {
  const parsed = parseCliArgs('export', USAGE, {
    args,
    allowPositionals: true,
    options: {
      format: { type: 'string', short: 'f' },
      out: { type: 'string', short: 'o' },
      db: { type: 'string' },
      'key-image': { type: 'boolean' },
      'modified-dates': { type: 'boolean' },
      'clean-descriptors': { type: 'boolean' },
      'confirm-burned-in': { type: 'boolean' },
    },
  }, io.stderr);
  if (!parsed) return 2;
  const [reportId, ...extra] = parsed.positionals;
  const o = parsed.values;
  const format = ExportFormat.safeParse(o.format ?? 'text');
  if (!reportId || extra.length > 0 || !o.out || !format.success) {
    io.stderr(`${format.success ? '' : `radraft export: --format must be one of ${EXPORT_FORMATS.join(', ')}\n`}${USAGE}\n`);
    return 2;
  }
  const options: ExportOptions = {
    keyImage: o['key-image'] ?? false,
    deidentify: { retainModifiedDates: o['modified-dates'] ?? false, cleanDescriptors: o['clean-descriptors'] ?? false, confirmBurnedInAnnotation: o['confirm-burned-in'] ?? false },
  };
  let store: ReportStore | null = null;
  try {
    const dbFile = reportDatabaseFile(o.db, io.env ?? process.env);
    store = ReportStore.open(dbFile);
    const { record, study } = storedReport(store, reportId);
    const modelValidation = await modelValidationFor(dbFile, record);
    const result = await runExportJob({ format: format.data, options, record, study, exportedAt: (io.now ?? (() => new Date()))().toISOString(), appVersion: packageJson.version, modelValidation });
    const out = resolve(o.out);
    // Temp files in flight are journalled beside the database, as the app journals its own (main/services.ts).
    const journal = { journalDir: join(dirname(dbFile), EXPORT_JOURNAL_DIR) };
    if (result.folder) await writeFolderAtomic(out, result.files, journal);
    else await writeFileAtomic(out, result.files[0].bytes, journal);
    io.stdout(`${out}\n`);
    return 0;
  } catch (error) {
    if (error instanceof CliInputError || error instanceof AppError || error instanceof DicomError) {
      io.stderr(`radraft export: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    store?.close();
  }
}

export const exportCommand: CliCommand = {
  run: (args) => runExport(args, processIo()),
};
