// Every main-process service behind the typed IPC contract, built from injected Electron-boundary dependencies so
// that Electron (main/index.ts), the e2e harness (HTTP transport) and tests all run exactly the same code.
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { Handlers } from '../app/ipc/contract';
import type { EventChannel } from '../app/ipc/channels';
import type { EventOf } from '../app/ipc/contract';
import type { OpenResult, StudySummary } from '../app/domain/study';
import { EXPORT_FORMAT_INFO, notSignedMessage, type ExportFormat } from '../app/domain/export';
import { defaultExportFileName, formatReportText, type StudyIdentity } from '../app/report/export-text';
import { ReportNotFoundError, ReportStore } from './storage/report-store';
import { ReportingAidsStore } from './storage/reporting-aids-store';
import { StudyIndex } from './studies/study-index';
import { createPixelSource } from './studies/pixel-source';
import { ExportError, removeLeftoverTempFiles, writeFileAtomic, writeFolderAtomic } from './export/atomic-write';
import { defaultExportName, type ExportJobInput, type ExportJobResult } from './export/export-job';
import { ModelsRegistry } from './models-registry/registry';
import { draftCorpus } from './drafting/draft-corpus';
import { DraftInProgressError, DraftingService } from './drafting/drafting-service';
import { bundledWorker, type WorkerName, type WorkerScript } from './workers/bundled-worker';
import { runWorkerTask } from './workers/task';
import { AppError } from './ipc/errors';
import { DicomError } from './dicom/errors';
import packageJson from '../package.json';
import { PendingOpens } from './window/open-with';
import { ValidationService } from './eval/validation-service';
import { TrainingExportService } from './training/training-export-service';
import { validationSummaryLine } from '../app/eval/validation-record';
import { readingRoomHandlers } from './reading/reading-room';
import { PacsService } from './pacs/pacs-service';
import { toImageHeader } from './studies/header';
import type { OsEncryption } from './pacs/secrets';
import { storeToPacs } from './pacs/c-store';
import { formatDimseAddress, type WorklistEntry } from '../app/domain/pacs';

/** What the services need from the outside world; Electron supplies the real ones, tests and e2e supply fakes. */
export interface ServiceDeps {
  /** Writable per-user folder: the report database lives here. */
  userDataDir: string;
  /** Folder of bundled sample studies (resources/samples). */
  samplesDir: string;
  /** Folder of imported models. */
  modelsDir: string;
  dialogs: {
    openFiles(): Promise<string[]>;
    openFolder(): Promise<string | null>;
    /** Where to write an export (a new folder for 'deidentified'); null when the clinician cancelled. */
    saveFile(defaultName: string, format?: ExportFormat): Promise<string | null>;
    openModelFolder(): Promise<string | null>;
    /** A templates and snippets JSON file to import (Reporting settings); null when cancelled. */
    openAidsFile?(): Promise<string | null>;
    /** Where to export the templates and snippets as JSON; null when cancelled. */
    saveAidsFile?(defaultName: string): Promise<string | null>;
    /** Folder for Models → Validate / Export training data: the dataset, the signed studies' images, or where to
     * write the training set (default: openFolder). */
    openValidationFolder?(purpose: 'dataset' | 'images' | 'export'): Promise<string | null>;
  };
  clipboard: { writeText(text: string): void };
  emit<E extends EventChannel>(event: E, payload: EventOf<E>): void;
  now?: () => Date;
  /** Bundled models (resources/models: the demo model); default: `models` beside samplesDir. */
  bundledModelsDir?: string;
  /** Worker scripts; default: the bundled dist/workers/*.cjs (tests pass bundles of their own). */
  workers?: Partial<Record<WorkerName, WorkerScript>>;
  /** Opens a file with the system's default application (Electron's shell.openPath): the validation report. */
  openPath?: (path: string) => Promise<string>;
  /**
   * The operating system's encryption for PACS passwords and tokens (Electron's safeStorage); null or absent: none,
   * so a secret is stored only on the clinician's explicit request, in plain text, and the settings say so.
   */
  osEncryption?: OsEncryption | null;
  /** Log lines of the DICOM listener (default console.warn); never patient data. */
  log?: (line: string) => void;
}

export interface Services {
  handlers: Handlers;
  /** Files the operating system asked to open; the renderer is told to take them. */
  requestOpen(paths: readonly string[]): void;
  dispose(): Promise<void>;
}

export const DATABASE_FILE = 'radraft.db';
/** Temp files of exports in flight (main/export/atomic-write.ts). */
export const EXPORT_JOURNAL_DIR = 'export-journal';

export async function createServices(deps: ServiceDeps): Promise<Services> {
  const now = deps.now ?? (() => new Date());
  const store = ReportStore.open(join(deps.userDataDir, DATABASE_FILE), now);
  const exportJournal = join(deps.userDataDir, EXPORT_JOURNAL_DIR);
  // Report text a killed export left in a hidden temp file beside its target goes now.
  await removeLeftoverTempFiles(exportJournal).catch((error: unknown) => {
    console.warn(`radraft: leftover export temp files could not all be removed (${error instanceof Error ? error.name : 'error'}); retried at the next start`);
  });
  const worker = (name: WorkerName): WorkerScript => deps.workers?.[name] ?? bundledWorker(name);
  const pixels = createPixelSource(worker('decode.worker'));
  const index = new StudyIndex({
    readHeader: (source) => pixels.header(source),
    loadPixels: (source, frame, id) => pixels.load(source, frame, id),
    readDicomDirectory: (source) => pixels.readDicomDirectory(source),
    listZip: (archivePath, maxEntries) => pixels.listZip(archivePath, maxEntries),
    identityDecisions: { get: (uid) => store.getSetting(`identity:${uid}`), set: (uid, decision) => store.setSetting(`identity:${uid}`, decision) },
  });
  const registry = new ModelsRegistry({
    modelsDir: deps.modelsDir,
    bundledModelsDir: deps.bundledModelsDir ?? join(dirname(deps.samplesDir), 'models'),
    settings: { get: (key) => store.getSetting(key), set: (key, value) => store.setSetting(key, value) },
    importWorker: worker('model-import.worker'),
    emitProgress: (progress) => deps.emit('models:importProgress', progress),
  });
  const reportingAids = new ReportingAidsStore(store.database, now);
  const drafting = new DraftingService({
    registry,
    index,
    store,
    emit: (event) => deps.emit('draft:event', event),
    modelView: (imageId, frame) => pixels.modelView(index.source(imageId), frame),
    inputWorker: worker('model-input.worker'),
    inferenceWorker: worker('inference.worker'),
    corpus: () => draftCorpus(store, reportingAids),
    now,
  });

  const validation = new ValidationService({
    registry,
    modelsDir: deps.modelsDir,
    store,
    chooseFolder: (purpose) => (deps.dialogs.openValidationFolder ? deps.dialogs.openValidationFolder(purpose) : deps.dialogs.openFolder()),
    worker: worker('eval.worker'),
    emit: (progress) => deps.emit('models:validateProgress', progress),
    radraftVersion: packageJson.version,
    openPath: deps.openPath,
  });

  const trainingExport = new TrainingExportService({
    registry,
    store,
    chooseFolder: (purpose) => (deps.dialogs.openValidationFolder ? deps.dialogs.openValidationFolder(purpose) : deps.dialogs.openFolder()),
    worker: worker('export-dataset.worker'),
    radraftVersion: packageJson.version,
  });

  const reportStatus = (uid: string): WorklistEntry['report'] => {
    try {
      const record = store.get(uid);
      return !record ? 'none' : record.status === 'final' ? 'signed' : 'draft';
    } catch {
      return 'none';
    }
  };

  const opened = async (paths: readonly string[]): Promise<OpenResult> => {
    const result = await index.openPaths(paths);
    if (result.studies.length > 0) drafting.prewarm();
    for (const study of result.studies) {
      try {
        store.rememberStudy(study);
      } catch (error) {
        // The study still opens; only a later export after restart would lack its identifiers, so say so.
        result.problems.push({ filePath: study.images[0]?.filePath ?? '', reason: error instanceof Error ? error.message : String(error) });
      }
    }
    return result;
  };
  const cancelled = (): OpenResult => ({ studies: [], problems: [], cancelled: true });
  const identity = (uid: string): StudyIdentity | null => index.study(uid) ?? store.rememberedStudy(uid);
  const storedReport = (uid: string) => {
    const record = store.get(uid);
    if (!record) throw new ReportNotFoundError('There is no saved report for this study yet.');
    return record;
  };
  /** The drafting model's validation on this workstation, as every export states it (or "not validated here"). */
  const modelValidationOf = async (record: ReturnType<typeof storedReport>): Promise<string | null> => {
    const validated = record.provenance ? await validation.recordFor(record.provenance.manifestSha256) : null;
    return validated ? validationSummaryLine(validated) : null;
  };
  const reportText = async (uid: string): Promise<string> => {
    const record = storedReport(uid);
    return formatReportText({ record, study: identity(uid), exportedAt: now().toISOString(), appVersion: packageJson.version, modelValidation: await modelValidationOf(record) });
  };
  /** The study with its images' file paths: open now, else as remembered; empty when neither knows it. */
  const studyWithImages = (uid: string): StudySummary =>
    index.study(uid) ??
    store.rememberedStudy(uid) ?? { studyInstanceUid: uid, patientName: '', patientId: '', studyDate: '', studyDescription: '', accessionNumber: '', modalities: [], images: [] };

  /** Every format but text is made in the export worker: it reads and parses the study's images. */
  const exportAs = async (uid: string, format: ExportFormat, options: ExportJobInput['options']): Promise<{ cancelled: boolean; filePath: string | null }> => {
    const record = storedReport(uid);
    if (EXPORT_FORMAT_INFO[format].signedOnly && record.status !== 'final') throw new ExportError(notSignedMessage(format));
    const textName = defaultExportFileName(identity(uid), uid);
    if (format === 'text') {
      const text = await reportText(uid);
      const filePath = await deps.dialogs.saveFile(textName, 'text');
      if (filePath === null) return { cancelled: true, filePath: null };
      await writeFileAtomic(filePath, text, { journalDir: exportJournal });
      return { cancelled: false, filePath };
    }
    const filePath = await deps.dialogs.saveFile(defaultExportName(format, textName), format);
    if (filePath === null) return { cancelled: true, filePath: null };
    const input: ExportJobInput = {
      format,
      options,
      record,
      study: studyWithImages(uid),
      exportedAt: now().toISOString(),
      appVersion: packageJson.version,
      modelValidation: await modelValidationOf(record),
    };
    let result: ExportJobResult;
    try {
      result = await runWorkerTask<ExportJobInput, ExportJobResult>(worker('export.worker'), input);
    } catch (error) {
      // Typed export and DICOM errors come back as themselves (main/workers/revive-error.ts); anything else is
      // still said in the export's words.
      if (error instanceof AppError || error instanceof DicomError) throw error;
      throw new ExportError(`The export failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (result.folder) await writeFolderAtomic(filePath, result.files, { journalDir: exportJournal });
    else await writeFileAtomic(filePath, result.files[0].bytes, { journalDir: exportJournal });
    return { cancelled: false, filePath };
  };

  /** While the model writes into a report, the screen shows text that is not the report yet: nothing leaves. */
  const notWhileDrafting = (uid: string, what: string): void => {
    if (drafting.isDrafting(uid)) throw new DraftInProgressError(`The AI draft is still being written; the report can be ${what} once it is finished or cancelled.`);
  };

  const pending = new PendingOpens(() => deps.emit('studies:openRequested', {}));

  const pacs = new PacsService({
    userDataDir: deps.userDataDir,
    databaseFile: join(deps.userDataDir, DATABASE_FILE),
    settings: { get: (key) => store.getSetting(key), set: (key, value) => store.setSetting(key, value) },
    osEncryption: deps.osEncryption ?? null,
    readHeader: async (filePath) => {
      const header = await pixels.header({ filePath });
      return { ...toImageHeader(header), sopClassUid: header.sopClassUid };
    },
    open: (paths) => opened(paths),
    openStudies: () => index.list(),
    reportStatus,
    drafting,
    chooseFolder: () => deps.dialogs.openFolder(),
    emitStudiesChanged: () => deps.emit('studies:changed', {}),
    emitRetrieveProgress: (progress) => deps.emit('pacs:retrieveProgress', progress),
    emitPredraft: (status) => deps.emit('predraft:changed', status),
    now,
    log: deps.log,
  });
  await pacs.start();

  /** The signed report as DICOM SR (made in the export worker), stored on a configured node by C-STORE. */
  const sendToPacs = async (uid: string, nodeId: string): Promise<{ node: string }> => {
    const record = storedReport(uid);
    if (record.status !== 'final') throw new ExportError(notSignedMessage('sr'));
    const target = pacs.dimseTarget(nodeId);
    const input: ExportJobInput = { format: 'sr', options: {}, record, study: studyWithImages(uid), exportedAt: now().toISOString(), appVersion: packageJson.version, modelValidation: await modelValidationOf(record) };
    let result: ExportJobResult;
    try {
      result = await runWorkerTask<ExportJobInput, ExportJobResult>(worker('export.worker'), input);
    } catch (error) {
      if (error instanceof AppError || error instanceof DicomError) throw error;
      throw new ExportError(`The DICOM SR could not be made: ${error instanceof Error ? error.message : String(error)}`);
    }
    await storeToPacs(target, result.files[0].bytes);
    return { node: `${target.node.name} (${formatDimseAddress(target.node)})` };
  };

  const handlers: Handlers = {
    'studies:openDialog': async ({ kind }) => {
      if (kind === 'files') {
        const files = await deps.dialogs.openFiles();
        return files.length === 0 ? cancelled() : opened(files);
      }
      const folder = await deps.dialogs.openFolder();
      return folder === null ? cancelled() : opened([folder]);
    },
    'studies:openPaths': async ({ paths }) => opened(paths),
    'studies:openSamples': async () => opened([deps.samplesDir]),
    'studies:takePendingOpens': async () => pending.take(),
    'studies:list': async () => index.list(),
    'studies:resolveIdentity': async ({ studyInstanceUid, resolution }) => {
      const studies = index.resolveIdentity(studyInstanceUid, resolution);
      // The export after a restart reads the remembered study: it must say what the clinician decided.
      for (const study of studies) if (study.identityConflict || study.splitFrom) store.rememberStudy(study);
      return studies;
    },
    'image:load': async ({ imageId }) => index.loadImage(imageId),
    'report:get': async ({ studyInstanceUid }) => store.get(studyInstanceUid),
    'report:save': async ({ studyInstanceUid, sections, baseRevision, accept }) => store.save(studyInstanceUid, sections, baseRevision, accept ?? []),
    'report:insertDraft': async ({ studyInstanceUid, draftId, baseRevision }) => store.insertDraft(studyInstanceUid, draftId, baseRevision),
    'report:discardDraft': async ({ studyInstanceUid, baseRevision }) => {
      notWhileDrafting(studyInstanceUid, 'discarded');
      return store.discardDraft(studyInstanceUid, baseRevision);
    },
    'report:sign': async ({ studyInstanceUid, ...request }) => {
      notWhileDrafting(studyInstanceUid, 'signed');
      index.requireOnePatient(studyInstanceUid, 'sign');
      return store.sign(studyInstanceUid, request);
    },
    'report:saveAddendum': async ({ studyInstanceUid, text, baseRevision }) => store.saveAddendum(studyInstanceUid, text, baseRevision),
    'report:signAddendum': async ({ studyInstanceUid, ...request }) => store.signAddendum(studyInstanceUid, request),
    'report:export': async ({ studyInstanceUid, format, options }) => {
      notWhileDrafting(studyInstanceUid, 'exported');
      return exportAs(studyInstanceUid, format ?? 'text', options ?? {});
    },
    'report:copy': async ({ studyInstanceUid }) => {
      notWhileDrafting(studyInstanceUid, 'copied');
      const text = await reportText(studyInstanceUid);
      deps.clipboard.writeText(text);
      return { text };
    },
    'models:list': async () => registry.list(),
    'models:importDialog': async ({ dtype }) => {
      const folder = await deps.dialogs.openModelFolder();
      if (folder === null) return { cancelled: true, jobId: null, model: null };
      const jobId = randomUUID();
      const model = await registry.importFolder(folder, dtype, jobId);
      return { cancelled: false, jobId, model };
    },
    'models:setActive': async ({ modelId }) => registry.setActive(modelId),
    'models:verify': async ({ modelId }) => registry.verify(modelId),
    'models:validate': async (request) => validation.validate(request),
    'models:cancelValidation': async ({ jobId }) => validation.cancel(jobId),
    'models:openValidationReport': async ({ modelId }) => validation.openReport(modelId),
    'models:exportTrainingSet': async ({ since }) => trainingExport.export(since),
    'draft:start': async (request) => drafting.start(request),
    'draft:cancel': async ({ draftId }) => drafting.cancel(draftId),
    ...readingRoomHandlers({ index, store, pixels, open: opened, isDrafting: (uid) => drafting.isDrafting(uid), dialogs: deps.dialogs, exportJournal, now }),
    'report:sendToPacs': async ({ studyInstanceUid, nodeId }) => {
      notWhileDrafting(studyInstanceUid, 'sent');
      return sendToPacs(studyInstanceUid, nodeId);
    },
    ...pacs.handlers(),
  };

  return {
    handlers,
    requestOpen: (paths) => pending.add(paths),
    async dispose() {
      await pacs.dispose();
      await drafting.dispose();
      await pixels.dispose();
      store.close();
    },
  };
}
