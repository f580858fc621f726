// The studies the user has opened this session, grouped by Study Instance UID (PS3.3 C.7.2.1). Image IDs are
// opaque handles: the renderer can only ask for pixels of files the user opened, never for an arbitrary path.
import { createHash } from 'node:crypto';
import type { FileProblem, ImagePixels, ImageSummary, OpenResult, StudySummary } from '../../app/domain/study';
import { AppError } from '../ipc/errors';
import { DicomError } from '../dicom/errors';
import { viewRank } from '../../app/domain/views';
import { collectFiles } from './collect-files';
import type { ImageHeader } from './header';

export interface StudyIndexDeps {
  readHeader(filePath: string): Promise<ImageHeader>;
  /** Decodes one frame off the main thread (the DICOM engine's worker pool). */
  loadPixels(filePath: string, frame: number, imageId: string): Promise<ImagePixels>;
  /** Parallel header reads; I/O bound, so a few more than the cores. */
  concurrency?: number;
}

export class UnknownImageError extends AppError {
  readonly code = 'not-found' as const;
  override name = 'UnknownImageError';
}

interface IndexedImage {
  summary: ImageSummary;
  header: ImageHeader;
}

const IMAGE_ID_PREFIX = 'radraft:';

export function imageIdFor(filePath: string): string {
  return IMAGE_ID_PREFIX + createHash('sha256').update(filePath).digest('hex').slice(0, 32);
}

export class StudyIndex {
  private readonly images = new Map<string, IndexedImage>();

  constructor(private readonly deps: StudyIndexDeps) {}

  /** Reads the headers of every file under `paths`; returns the studies these files belong to and per-file problems. */
  async openPaths(paths: readonly string[]): Promise<OpenResult> {
    const { files, problems } = await collectFiles(paths);
    const touched = new Set<string>();
    const fileProblems: FileProblem[] = [];
    await forEachLimited(files, this.deps.concurrency ?? 8, async (filePath) => {
      try {
        const header = await this.deps.readHeader(filePath);
        const imageId = imageIdFor(filePath);
        this.images.set(imageId, { header, summary: summaryOf(imageId, filePath, header) });
        touched.add(header.studyInstanceUid);
      } catch (error) {
        fileProblems.push({ filePath, reason: reasonOf(error) });
      }
    });
    fileProblems.sort((a, b) => a.filePath.localeCompare(b.filePath));
    const studies = this.list().filter((s) => touched.has(s.studyInstanceUid));
    return { studies, problems: [...problems, ...fileProblems], cancelled: false };
  }

  list(): StudySummary[] {
    const byStudy = new Map<string, IndexedImage[]>();
    for (const image of this.images.values()) {
      const uid = image.header.studyInstanceUid;
      const group = byStudy.get(uid);
      if (group) group.push(image);
      else byStudy.set(uid, [image]);
    }
    const studies = [...byStudy.values()].map(studyOf);
    return studies.sort((a, b) => b.studyDate.localeCompare(a.studyDate) || a.patientName.localeCompare(b.patientName) || a.studyInstanceUid.localeCompare(b.studyInstanceUid));
  }

  study(studyInstanceUid: string): StudySummary | undefined {
    return this.list().find((s) => s.studyInstanceUid === studyInstanceUid);
  }

  image(imageId: string): ImageSummary | undefined {
    return this.images.get(imageId)?.summary;
  }

  async loadImage(imageId: string): Promise<ImagePixels> {
    const image = this.images.get(imageId);
    if (!image) throw new UnknownImageError('This image is no longer open; open its file or folder again.');
    return this.deps.loadPixels(image.summary.filePath, 0, imageId);
  }
}

function summaryOf(imageId: string, filePath: string, h: ImageHeader): ImageSummary {
  return {
    imageId,
    filePath,
    sopInstanceUid: h.sopInstanceUid,
    seriesInstanceUid: h.seriesInstanceUid,
    studyInstanceUid: h.studyInstanceUid,
    modality: h.modality,
    viewPosition: h.viewPosition,
    rows: h.rows,
    columns: h.columns,
    frames: h.frames,
  };
}

function studyOf(images: IndexedImage[]): StudySummary {
  // Frontal views first, so the list shows them in the order a reader opens them.
  const sorted = [...images].sort(
    (a, b) =>
      viewRank(a.header.viewPosition) - viewRank(b.header.viewPosition) ||
      a.header.seriesInstanceUid.localeCompare(b.header.seriesInstanceUid) ||
      a.summary.filePath.localeCompare(b.summary.filePath),
  );
  const first = sorted[0].header;
  const pick = (get: (h: ImageHeader) => string): string => sorted.map((i) => get(i.header)).find((v) => v !== '') ?? '';
  return {
    studyInstanceUid: first.studyInstanceUid,
    patientName: pick((h) => h.patientName),
    patientId: pick((h) => h.patientId),
    studyDate: pick((h) => h.studyDate),
    studyDescription: pick((h) => h.studyDescription),
    accessionNumber: pick((h) => h.accessionNumber),
    modalities: [...new Set(sorted.map((i) => i.header.modality).filter((m) => m !== ''))].sort(),
    images: sorted.map((i) => i.summary),
  };
}

function reasonOf(error: unknown): string {
  if (error instanceof AppError) return error.message;
  if (error instanceof DicomError) return capitalise(error.reason);
  return `The file could not be read: ${error instanceof Error ? error.message : String(error)}`;
}

async function forEachLimited<T>(items: readonly T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++];
      await run(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
