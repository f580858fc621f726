// The studies the user has opened this session, grouped by Study Instance UID (PS3.3 C.7.2.1). Image IDs are
// opaque handles: the renderer can only ask for pixels of files the user opened, never for an arbitrary path. Each
// maps to its DicomSource, a file or an entry of a zip archive, which the decode workers read in place.
// Files that share a Study Instance UID but name different patients are flagged (identityConflict) until the
// clinician confirms they are one patient or opens them as separate studies, one per patient.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { FileProblem, IdentityConflict, ImagePixels, ImageSummary, OpenResult, StudySummary } from '../../app/domain/study';
import { conflictingIdentities, describeIdentities, identitiesSignature, patientKey } from '../../app/domain/identity';
import { AppError } from '../ipc/errors';
import { NotDicomError } from '../dicom/errors';
import { MEDIA_STORAGE_DIRECTORY_UID } from '../dicom/dicomdir';
import type { DicomSource } from '../dicom/source';
import type { DicomHeader } from '../dicom/types';
import { viewRank } from '../../app/domain/views';
import { SourceCollector, sourceKey, type SourceCatalog } from './collect-sources';
import { NoInstanceUidError, toImageHeader, type ImageHeader } from './header';
import { reasonOf, summariseProblems } from './problems';

export interface StudyIndexDeps extends SourceCatalog {
  /** The header of a file or zip entry, read off the main thread (the DICOM engine's worker pool). */
  readHeader(source: DicomSource): Promise<DicomHeader>;
  /** Decodes one frame off the main thread (the DICOM engine's worker pool). */
  loadPixels(source: DicomSource, frame: number, imageId: string): Promise<ImagePixels>;
  /** Parallel header reads; I/O bound, so a few more than the cores. */
  concurrency?: number;
  /** Where the clinician's identity decisions are kept across runs (the report database's settings). */
  identityDecisions?: {
    get(studyInstanceUid: string): unknown;
    set(studyInstanceUid: string, decision: IdentityDecision): void;
  };
}

/** What the clinician decided for a study whose files name different patients. */
export const IdentityDecision = z.object({
  resolution: z.enum(['same-patient', 'separate']),
  /** The identities it was decided for (identitiesSignature): a confirmation does not cover a patient added later. */
  signature: z.string(),
});
export type IdentityDecision = z.infer<typeof IdentityDecision>;
export type IdentityResolution = IdentityDecision['resolution'];

/** Drafting or signing a study whose files name different patients, before the clinician has resolved it. */
export class IdentityConflictError extends AppError {
  readonly code = 'identity' as const;
  override name = 'IdentityConflictError';
}

export class UnknownStudyError extends AppError {
  readonly code = 'not-found' as const;
  override name = 'UnknownStudyError';
}

export class UnknownImageError extends AppError {
  readonly code = 'not-found' as const;
  override name = 'UnknownImageError';
}

interface IndexedImage {
  summary: ImageSummary;
  header: ImageHeader;
  source: DicomSource;
}

const IMAGE_ID_PREFIX = 'radraft:';

export function imageIdFor(source: DicomSource): string {
  return IMAGE_ID_PREFIX + createHash('sha256').update(sourceKey(source)).digest('hex').slice(0, 32);
}

export class StudyIndex {
  private readonly images = new Map<string, IndexedImage>();
  private readonly decisions = new Map<string, IdentityDecision>();

  constructor(private readonly deps: StudyIndexDeps) {}

  /**
   * Reads the headers of every DICOM object under `paths` (files, folders, DICOMDIRs and what they reference, zip
   * archives); returns the studies these objects belong to and the problems, many alike in one folder as one line.
   */
  async openPaths(paths: readonly string[]): Promise<OpenResult> {
    const collector = new SourceCollector(this.deps);
    await collector.addPaths(paths);
    const touched = new Set<string>();
    const problems: FileProblem[] = [];
    await forEachLimited(collector.candidates, this.deps.concurrency ?? 8, async ({ source, quiet }) => {
      try {
        const header = await this.deps.readHeader(source);
        if (header.mediaStorageSopClassUid === MEDIA_STORAGE_DIRECTORY_UID) {
          await collector.addDirectoryFound(source);
          return;
        }
        const image = toImageHeader(header);
        const imageId = imageIdFor(source);
        this.images.set(imageId, { header: image, source, summary: summaryOf(imageId, source.filePath, image) });
        touched.add(image.studyInstanceUid);
      } catch (error) {
        // Beside a DICOMDIR, what is not DICOM (a disc's viewer, autorun) is no problem of the studies.
        if (quiet && (error instanceof NotDicomError || error instanceof NoInstanceUidError)) return;
        problems.push({ filePath: source.filePath, reason: reasonOf(error) });
      }
    });
    const studies = this.list().filter((s) => touched.has(s.splitFrom ?? s.studyInstanceUid));
    return { studies, problems: summariseProblems([...collector.problems, ...problems]), cancelled: false };
  }

  list(): StudySummary[] {
    const byStudy = new Map<string, { uid: string; images: IndexedImage[] }>();
    for (const image of this.images.values()) {
      const uid = image.header.studyInstanceUid;
      const key = this.decision(uid)?.resolution === 'separate' ? splitStudyUid(uid, patientKey(image.header)) : uid;
      const group = byStudy.get(key);
      if (group) group.images.push(image);
      else byStudy.set(key, { uid, images: [image] });
    }
    const studies = [...byStudy].map(([key, { uid, images }]) => studyOf(key, uid, images, this.decision(uid)));
    return studies.sort((a, b) => b.studyDate.localeCompare(a.studyDate) || a.patientName.localeCompare(b.patientName) || a.studyInstanceUid.localeCompare(b.studyInstanceUid));
  }

  study(studyInstanceUid: string): StudySummary | undefined {
    return this.list().find((s) => s.studyInstanceUid === studyInstanceUid);
  }

  /**
   * Records the clinician's answer for a study whose files name different patients: 'same-patient' lifts the
   * flag for exactly these identities; 'separate' lists one study per patient from then on. Returns the new list.
   */
  resolveIdentity(studyInstanceUid: string, resolution: IdentityResolution): StudySummary[] {
    const study = this.study(studyInstanceUid);
    if (!study) throw new UnknownStudyError('This study is no longer open; open its files again.');
    if (study.identityConflict) {
      const uid = study.splitFrom ?? study.studyInstanceUid;
      const decision: IdentityDecision = { resolution, signature: identitiesSignature(study.identityConflict.identities) };
      this.decisions.set(uid, decision);
      this.deps.identityDecisions?.set(uid, decision);
    }
    return this.list();
  }

  /** Refuses to go on with a study whose files name different patients until the clinician has resolved it. */
  requireOnePatient(studyInstanceUid: string, action: string): void {
    const conflict = this.study(studyInstanceUid)?.identityConflict;
    if (!conflict || conflict.confirmed) return;
    throw new IdentityConflictError(
      `The files of this study name different patients: ${describeIdentities(conflict.identities)}. Before you ${action}, confirm they are the same patient or open them as separate studies.`,
    );
  }

  /**
   * Takes a study off the list: its images are forgotten (opening its files again brings it back). Returns the ids of
   * the images it held.
   */
  close(studyInstanceUid: string): string[] {
    const study = this.study(studyInstanceUid);
    if (!study) throw new UnknownStudyError('This study is no longer open.');
    const ids = study.images.map((i) => i.imageId);
    for (const id of ids) this.images.delete(id);
    return ids;
  }

  image(imageId: string): ImageSummary | undefined {
    return this.images.get(imageId)?.summary;
  }

  async loadImage(imageId: string): Promise<ImagePixels> {
    return this.deps.loadPixels(this.source(imageId), 0, imageId);
  }

  /** Where the image's bytes are: its file, or its entry in a zip archive. */
  source(imageId: string): DicomSource {
    const image = this.images.get(imageId);
    if (!image) throw new UnknownImageError('This image is no longer open; open its file or folder again.');
    return image.source;
  }

  private decision(uid: string): IdentityDecision | undefined {
    if (!this.decisions.has(uid)) {
      const stored = IdentityDecision.safeParse(this.deps.identityDecisions?.get(uid));
      if (stored.success) this.decisions.set(uid, stored.data);
    }
    return this.decisions.get(uid);
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
    patientOrientation: h.patientOrientation,
    imageLaterality: h.imageLaterality,
    patientPosition: h.patientPosition,
    patientOrientationCode: h.patientOrientationCode,
    bodyPartExamined: h.bodyPartExamined,
    seriesDescription: h.seriesDescription,
    seriesNumber: h.seriesNumber,
    instanceNumber: h.instanceNumber,
  };
}


/**
 * The key of one patient's part of a study opened as separate studies: a UID under 2.25 (PS3.5 B.2) from 128 bits
 * of SHA-256 over the files' Study Instance UID and the patient, so the same files give the same key (and find
 * their report again) in every session.
 */
export function splitStudyUid(studyInstanceUid: string, patient: string): string {
  const hex = createHash('sha256').update(`${studyInstanceUid}\u0000${patient}`).digest('hex').slice(0, 32);
  return `2.25.${BigInt(`0x${hex}`).toString(10)}`;
}

function identityConflictOf(images: IndexedImage[], decision: IdentityDecision | undefined): IdentityConflict | undefined {
  const identities = conflictingIdentities(images.map((i) => ({ imageId: i.summary.imageId, patientName: i.header.patientName, patientId: i.header.patientId })));
  if (identities.length === 0) return undefined;
  const confirmed = decision?.resolution === 'same-patient' && decision.signature === identitiesSignature(identities);
  return { identities, confirmed };
}

function studyOf(key: string, uid: string, images: IndexedImage[], decision: IdentityDecision | undefined): StudySummary {
  // Frontal views first, so the list shows them in the order a reader opens them.
  const sorted = [...images].sort(
    (a, b) =>
      viewRank(a.summary) - viewRank(b.summary) ||
      a.header.seriesInstanceUid.localeCompare(b.header.seriesInstanceUid) ||
      a.summary.filePath.localeCompare(b.summary.filePath),
  );
  const pick = (get: (h: ImageHeader) => string): string => sorted.map((i) => get(i.header)).find((v) => v !== '') ?? '';
  const identityConflict = identityConflictOf(sorted, decision);
  return {
    studyInstanceUid: key,
    patientName: pick((h) => h.patientName),
    patientId: pick((h) => h.patientId),
    issuerOfPatientId: pick((h) => h.issuerOfPatientId),
    patientBirthDate: pick((h) => h.patientBirthDate),
    studyDate: pick((h) => h.studyDate),
    studyDescription: pick((h) => h.studyDescription),
    accessionNumber: pick((h) => h.accessionNumber),
    modalities: [...new Set(sorted.map((i) => i.header.modality).filter((m) => m !== ''))].sort(),
    images: sorted.map((i) => ({ ...i.summary, studyInstanceUid: key })),
    ...(identityConflict ? { identityConflict } : {}),
    ...(key !== uid ? { splitFrom: uid } : {}),
  };
}

/** Runs `run` on every item, `limit` at a time; items added to `items` meanwhile are run too. */
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
