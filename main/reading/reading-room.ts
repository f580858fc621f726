// The reading room's services behind the IPC contract (issue 11): closing studies, finding a patient's priors in what
// is open and what the database remembers, each study's report status, thumbnails, measurements per image, and the
// reporting aids (templates, snippets) with their shared JSON file.
import { readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Handlers } from '../../app/ipc/contract';
import type { StudySummary } from '../../app/domain/study';
import { findPriors } from '../../app/domain/priors';
import { reportProgress, type ReportProgress } from '../../app/report/review';
import { AidsFileError, aidsFile, parseAidsFile } from '../../app/report/reporting-aids';
import { thumbnailOf } from '../../app/imaging/thumbnail';
import { AppError } from '../ipc/errors';
import { UnknownStudyError, type StudyIndex } from '../studies/study-index';
import type { PixelSource } from '../studies/pixel-source';
import type { ReportStore } from '../storage/report-store';
import { MeasurementStore } from '../storage/measurement-store';
import { ReportingAidsStore } from '../storage/reporting-aids-store';
import { writeFileAtomic } from '../export/atomic-write';
import { DraftInProgressError } from '../drafting/drafting-service';

export type ReadingRoomChannel =
  | 'studies:close'
  | 'studies:priors'
  | 'studies:openPrior'
  | 'reports:progress'
  | 'image:thumbnail'
  | 'measurements:list'
  | 'measurements:add'
  | 'measurements:delete'
  | 'aids:list'
  | 'aids:saveTemplate'
  | 'aids:deleteTemplate'
  | 'aids:saveSnippet'
  | 'aids:deleteSnippet'
  | 'aids:export'
  | 'aids:import';

export interface ReadingRoomDeps {
  index: StudyIndex;
  store: ReportStore;
  pixels: PixelSource;
  /** Opens paths as the Open commands do (remembering the studies). */
  open(paths: readonly string[]): Promise<unknown>;
  isDrafting(studyInstanceUid: string): boolean;
  dialogs: {
    /** A JSON file of templates and snippets to import; null when the clinician cancelled. */
    openAidsFile?(): Promise<string | null>;
    /** Where to write the templates and snippets; null when cancelled. */
    saveAidsFile?(defaultName: string): Promise<string | null>;
  };
  exportJournal: string;
  now: () => Date;
}

/** A prior's files are no longer where they were opened from. */
export class PriorImagesMissingError extends AppError {
  readonly code = 'not-found' as const;
  override name = 'PriorImagesMissingError';
}

export class AidsImportError extends AppError {
  readonly code = 'validation' as const;
  override name = 'AidsImportError';
}

/** A shared templates file is a few kilobytes; anything this large is not one. */
const MAX_AIDS_FILE_BYTES = 8 * 1024 * 1024;
/** Thumbnails kept (about 16 KB each). */
const KEPT_THUMBNAILS = 400;
const THUMBNAIL_SIDE = 128;

export function readingRoomHandlers(deps: ReadingRoomDeps): Pick<Handlers, ReadingRoomChannel> {
  const measurements = new MeasurementStore(deps.store.database, deps.now);
  const aids = new ReportingAidsStore(deps.store.database, deps.now);
  const thumbnails = new Map<string, { imageId: string; width: number; height: number; pixels: Uint8Array<ArrayBuffer> }>();

  /** The study, open or remembered. */
  const known = (uid: string): StudySummary | null => deps.index.study(uid) ?? deps.store.rememberedStudy(uid);

  /** Paths to open again for a remembered study: each image's file, or for a zip entry the archive that holds it. */
  const reopenPaths = async (study: StudySummary): Promise<string[]> => {
    const paths = new Set<string>();
    for (const image of study.images) {
      let path = image.filePath;
      // A zip entry's path is the archive's path followed by the entry's: the archive is the nearest file above it.
      for (;;) {
        const info = await stat(path).catch(() => null);
        if (info?.isFile()) {
          paths.add(path);
          break;
        }
        const up = dirname(path);
        if (up === path || info?.isDirectory()) break;
        path = up;
      }
    }
    return [...paths];
  };

  return {
    'studies:close': async ({ studyInstanceUid }) => {
      if (deps.isDrafting(studyInstanceUid)) throw new DraftInProgressError('The AI draft for this study is still being written; cancel it or wait before closing the study.');
      for (const id of deps.index.close(studyInstanceUid)) thumbnails.delete(id);
      return deps.index.list();
    },
    'studies:priors': async ({ studyInstanceUid }) => {
      const current = known(studyInstanceUid);
      if (!current) throw new UnknownStudyError('This study is no longer open; open its files again.');
      const open = deps.index.list();
      const openUids = new Set(open.map((s) => s.studyInstanceUid));
      // Open studies first: where the database remembers one too, the open one (with today's image ids) is offered.
      const priors = findPriors(current, [...open, ...deps.store.rememberedStudiesOf(current.patientId)]);
      const reports = deps.store.reportsOf(priors.map((p) => p.studyInstanceUid));
      return priors.map((study) => ({ study, open: openUids.has(study.studyInstanceUid), report: reports.get(study.studyInstanceUid) ?? null }));
    },
    'studies:openPrior': async ({ studyInstanceUid }) => {
      const open = deps.index.study(studyInstanceUid);
      if (open) return open;
      const remembered = deps.store.rememberedStudy(studyInstanceUid);
      if (!remembered) throw new UnknownStudyError('Radraft does not remember this study; open its files.');
      const paths = await reopenPaths(remembered);
      if (paths.length > 0) await deps.open(paths);
      const study = deps.index.study(studyInstanceUid);
      if (!study) {
        throw new PriorImagesMissingError(
          `The images of the ${remembered.studyDate ? `study of ${remembered.studyDate}` : 'earlier study'} are no longer where they were opened from (${remembered.images[0]?.filePath ?? 'unknown place'}). Open them from their new place to compare.`,
        );
      }
      return study;
    },
    'reports:progress': async ({ studyInstanceUids }) => {
      const records = deps.store.reportsOf(studyInstanceUids);
      const out: Record<string, ReportProgress> = {};
      for (const uid of studyInstanceUids) out[uid] = reportProgress(records.get(uid) ?? null);
      return out;
    },
    'image:thumbnail': async ({ imageId }) => {
      const kept = thumbnails.get(imageId);
      if (kept) return kept;
      const view = await deps.pixels.modelView(deps.index.source(imageId), 0);
      const thumb = { imageId, ...thumbnailOf(view, THUMBNAIL_SIDE) };
      thumbnails.set(imageId, thumb);
      while (thumbnails.size > KEPT_THUMBNAILS) thumbnails.delete(thumbnails.keys().next().value as string);
      return thumb;
    },
    'measurements:list': async ({ sopInstanceUid }) => measurements.list(sopInstanceUid),
    'measurements:add': async ({ sopInstanceUid, shape }) => measurements.add(sopInstanceUid, shape),
    'measurements:delete': async ({ id }) => {
      measurements.delete(id);
      return { deleted: true };
    },
    'aids:list': async () => aids.list(),
    'aids:saveTemplate': async ({ id, template }) => {
      aids.saveTemplate(template, id);
      return aids.list();
    },
    'aids:deleteTemplate': async ({ id }) => {
      aids.deleteTemplate(id);
      return aids.list();
    },
    'aids:saveSnippet': async ({ id, snippet }) => {
      aids.saveSnippet(snippet, id);
      return aids.list();
    },
    'aids:deleteSnippet': async ({ id }) => {
      aids.deleteSnippet(id);
      return aids.list();
    },
    'aids:export': async () => {
      const filePath = (await deps.dialogs.saveAidsFile?.('radraft-templates.json')) ?? null;
      if (filePath === null) return { cancelled: true, filePath: null };
      const json = `${JSON.stringify(aidsFile(aids.list(), deps.now().toISOString()), null, 2)}\n`;
      await writeFileAtomic(filePath, json, { journalDir: deps.exportJournal });
      return { cancelled: false, filePath };
    },
    'aids:import': async () => {
      const none = { added: 0, replaced: 0 };
      const filePath = (await deps.dialogs.openAidsFile?.()) ?? null;
      if (filePath === null) return { cancelled: true, aids: null, templates: none, snippets: none };
      const info = await stat(filePath).catch(() => null);
      if (!info?.isFile()) throw new AidsImportError(`${filePath} cannot be read: it is not a file.`);
      if (info.size > MAX_AIDS_FILE_BYTES) throw new AidsImportError(`${filePath} is ${(info.size / 1048576).toFixed(1)} MB, far larger than a templates and snippets file; nothing was imported.`);
      let json: unknown;
      try {
        json = JSON.parse(await readFile(filePath, 'utf8')) as unknown;
      } catch (error) {
        throw new AidsImportError(`${filePath} is not a JSON file (${error instanceof Error ? error.message : String(error)}); nothing was imported.`);
      }
      let file;
      try {
        file = parseAidsFile(json);
      } catch (error) {
        if (error instanceof AidsFileError) throw new AidsImportError(error.message);
        throw error;
      }
      const counts = aids.importFile(file);
      return { cancelled: false, aids: aids.list(), ...counts };
    },
  };
}
