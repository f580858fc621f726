// `radraft send REPORT_ID --to AE@HOST:PORT [--calling-ae AE] [--db FILE]`: the signed report as DICOM SR, sent to a
// PACS node by C-STORE (main/pacs/c-store.ts). The node is named on the command line until Radraft has PACS settings.
import { processIo, type CliCommand } from '../command';
import { parseCliArgs } from '../cli-args';
import { AeTitle, DEFAULT_CALLING_AE_TITLE, formatDimseAddress, parseDimseAddress } from '../../../app/domain/pacs';
import { runExportJob } from '../../export/export-job';
import { storeToPacs } from '../../pacs/c-store';
import { adHocNode } from '../../pacs/dimse';
import { AppError } from '../../ipc/errors';
import { DicomError } from '../../dicom/errors';
import packageJson from '../../../package.json';
import { ReportStore } from '../../storage/report-store';
import { CliInputError, modelValidationFor, reportDatabaseFile, storedReport, type ExportIo } from './export';

const USAGE = 'usage: radraft send REPORT_ID --to AE@HOST:PORT [--calling-ae AE] [--db FILE]';

export async function runSend(args: string[], io: ExportIo): Promise<number> {
  const parsed = parseCliArgs('send', USAGE, { args, allowPositionals: true, options: { to: { type: 'string' }, 'calling-ae': { type: 'string' }, db: { type: 'string' } } }, io.stderr);
  if (!parsed) return 2;
  const [reportId, ...extra] = parsed.positionals;
  const node = parseDimseAddress(parsed.values.to ?? '');
  const calling = AeTitle.safeParse(parsed.values['calling-ae'] ?? DEFAULT_CALLING_AE_TITLE);
  if (!reportId || extra.length > 0 || !node || !calling.success) {
    io.stderr(`${!node && parsed.values.to ? `radraft send: --to must be AE@HOST:PORT, got ${parsed.values.to}\n` : ''}${calling.success ? '' : 'radraft send: --calling-ae must be 1 to 16 characters\n'}${USAGE}\n`);
    return 2;
  }
  let store: ReportStore | null = null;
  try {
    const dbFile = reportDatabaseFile(parsed.values.db, io.env ?? process.env);
    store = ReportStore.open(dbFile);
    const { record, study } = storedReport(store, reportId);
    store.close();
    store = null;
    const modelValidation = await modelValidationFor(dbFile, record);
    const sr = await runExportJob({ format: 'sr', options: {}, record, study, exportedAt: (io.now ?? (() => new Date()))().toISOString(), appVersion: packageJson.version, modelValidation });
    await storeToPacs({ node: adHocNode(node), callingAeTitle: calling.data }, sr.files[0].bytes);
    io.stdout(`stored on ${formatDimseAddress(node)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof CliInputError || error instanceof AppError || error instanceof DicomError) {
      io.stderr(`radraft send: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    store?.close();
  }
}

export const sendCommand: CliCommand = {
  run: (args) => runSend(args, processIo()),
};
