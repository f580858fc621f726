// Every main-process service behind the typed IPC contract, built from injected Electron-boundary dependencies so
// that Electron (main/index.ts), the e2e harness (HTTP transport) and tests all run exactly the same code.
import { join } from 'node:path';
import type { Handlers } from '../app/ipc/contract';
import type { EventChannel } from '../app/ipc/channels';
import type { EventOf } from '../app/ipc/contract';
import type { OpenResult } from '../app/domain/study';
import { defaultExportFileName, formatReportText, type StudyIdentity } from '../app/report/export-text';
import { ReportNotFoundError, ReportStore } from './storage/report-store';
import { StudyIndex } from './studies/study-index';
import { readImageHeader } from './studies/header';
import { createPixelSource } from './studies/pixel-source';
import { writeFileAtomic } from './export/atomic-write';
import { AppError } from './ipc/errors';
import packageJson from '../package.json';

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
    saveFile(defaultName: string): Promise<string | null>;
    openModelFolder(): Promise<string | null>;
  };
  clipboard: { writeText(text: string): void };
  emit<E extends EventChannel>(event: E, payload: EventOf<E>): void;
  now?: () => Date;
}

export interface Services {
  handlers: Handlers;
  dispose(): Promise<void>;
}

export const DATABASE_FILE = 'radraft.db';

export class NotAvailableError extends AppError {
  readonly code = 'model' as const;
  override name = 'NotAvailableError';
}

export async function createServices(deps: ServiceDeps): Promise<Services> {
  const now = deps.now ?? (() => new Date());
  const store = ReportStore.open(join(deps.userDataDir, DATABASE_FILE), now);
  const pixels = createPixelSource();
  const index = new StudyIndex({ readHeader: readImageHeader, loadPixels: (f, frame, id) => pixels.load(f, frame, id) });

  const opened = async (paths: readonly string[]): Promise<OpenResult> => {
    const result = await index.openPaths(paths);
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
  const reportText = (uid: string): string => {
    const record = store.get(uid);
    if (!record) throw new ReportNotFoundError('There is no saved report for this study yet.');
    return formatReportText({ record, study: identity(uid), exportedAt: now().toISOString(), appVersion: packageJson.version });
  };
  const notYet = (what: string) => async (): Promise<never> => {
    throw new NotAvailableError(`${what} is not available in this build yet.`);
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
    'studies:list': async () => index.list(),
    'image:load': async ({ imageId }) => index.loadImage(imageId),
    'report:get': async ({ studyInstanceUid }) => store.get(studyInstanceUid),
    'report:save': async ({ studyInstanceUid, sections, baseRevision }) => store.save(studyInstanceUid, sections, baseRevision),
    'report:sign': async ({ studyInstanceUid, signedBy }) => store.sign(studyInstanceUid, signedBy),
    'report:export': async ({ studyInstanceUid }) => {
      const text = reportText(studyInstanceUid);
      const filePath = await deps.dialogs.saveFile(defaultExportFileName(identity(studyInstanceUid), studyInstanceUid));
      if (filePath === null) return { cancelled: true, filePath: null };
      await writeFileAtomic(filePath, text);
      return { cancelled: false, filePath };
    },
    'report:copy': async ({ studyInstanceUid }) => {
      const text = reportText(studyInstanceUid);
      deps.clipboard.writeText(text);
      return { text };
    },
    'models:list': async () => [],
    'models:importDialog': notYet('Model import'),
    'models:setActive': notYet('Choosing a model'),
    'models:verify': notYet('Model verification'),
    'draft:start': notYet('Drafting'),
    'draft:cancel': async () => ({ cancelled: false }),
  };

  return {
    handlers,
    async dispose() {
      await pixels.dispose();
      store.close();
    },
  };
}
