// The local cache of images from the PACS (retrieved) and from other nodes (received by the storage SCP):
// <userData>/pacs-cache/studies/<study key>/<instance key>.dcm, indexed in the report database (pacs-store.ts).
// A file arrives in incoming/ as it streams, its header is read in the DICOM engine's worker pool, and only a
// readable image whose SOP Instance UID is what the sender announced moves into the cache. Beyond the size limit the
// least recently used studies are removed, studies with a signed report before those still to be read, never one in
// use (open, queued, being retrieved or drafted). Policy and limit: docs/pacs.md.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Part10HeaderInfo } from '../export/dicom-part10';
import type { ImageHeader } from '../studies/header';
import { IncomingFile } from './incoming-file';
import type { PacsStore } from './pacs-store';
import { isRadiographStorageClass } from './sop-classes';

export const CACHE_DIR = 'pacs-cache';

export interface ImageCacheDeps {
  /** <userData>/pacs-cache */
  dir: string;
  store: PacsStore;
  /** The image header, read in a worker (untrusted bytes from the network). */
  readHeader(filePath: string): Promise<ImageHeader & { sopClassUid?: string }>;
  /** Whether a study has a signed report (those go first when the cache is full). */
  isSigned(studyInstanceUid: string): boolean;
}

export type IngestResult =
  | { ok: true; filePath: string; studyInstanceUid: string; sopInstanceUid: string; bytes: number; header: ImageHeader }
  | { ok: false; reason: string; status: number };

/** PS3.4 B.2.3 C-STORE statuses Radraft answers with. */
export const STORE_STATUS = { success: 0x0000, outOfResources: 0xa700, cannotUnderstand: 0xc000, sopClassMismatch: 0xa900 } as const;

/** A stable, file-name-safe key for a UID (UIDs are up to 64 characters of digits and dots, but untrusted). */
function key(uid: string): string {
  return createHash('sha256').update(uid).digest('hex').slice(0, 32);
}

export class ImageCache {
  readonly incomingDir: string;
  private readonly studiesDir: string;

  constructor(private readonly deps: ImageCacheDeps) {
    this.incomingDir = join(deps.dir, 'incoming');
    this.studiesDir = join(deps.dir, 'studies');
  }

  /** Removes half-written transfers a previous run left (a killed app, a dropped association). */
  removeLeftovers(): void {
    rmSync(this.incomingDir, { recursive: true, force: true });
    mkdirSync(this.incomingDir, { recursive: true });
  }

  /** A new incoming file; `header` when the bytes are a bare data set (DIMSE), null for a Part 10 file (WADO-RS). */
  newIncoming(header: Part10HeaderInfo | null): IncomingFile {
    return new IncomingFile(this.incomingDir, header);
  }

  /**
   * Checks a finished incoming file and moves it into the cache. Refused (and removed): a file that could not be
   * written, one the DICOM engine cannot read as an image, one that is not a radiograph storage class, one whose
   * SOP Instance UID is not the one announced.
   */
  async ingest(file: IncomingFile, expect: { sopInstanceUid?: string; studyInstanceUid?: string } = {}): Promise<IngestResult> {
    try {
      await file.close();
    } catch (error) {
      file.discard();
      return { ok: false, reason: `it could not be written to disk (${(error as NodeJS.ErrnoException).code ?? 'I/O error'})`, status: STORE_STATUS.outOfResources };
    }
    let header: ImageHeader & { sopClassUid?: string };
    try {
      header = await this.deps.readHeader(file.path);
    } catch (error) {
      file.discard();
      return { ok: false, reason: `it is not a readable DICOM image (${error instanceof Error ? error.name : 'error'})`, status: STORE_STATUS.cannotUnderstand };
    }
    if (header.sopClassUid !== undefined && header.sopClassUid !== '' && !isRadiographStorageClass(header.sopClassUid)) {
      file.discard();
      return { ok: false, reason: 'it is not a radiograph (SOP class not kept)', status: STORE_STATUS.sopClassMismatch };
    }
    if (expect.sopInstanceUid !== undefined && header.sopInstanceUid !== expect.sopInstanceUid.trim()) {
      file.discard();
      return { ok: false, reason: 'its SOP Instance UID is not the one announced', status: STORE_STATUS.sopClassMismatch };
    }
    if (expect.studyInstanceUid !== undefined && header.studyInstanceUid !== expect.studyInstanceUid) {
      file.discard();
      return { ok: false, reason: 'it belongs to another study than the one asked for', status: STORE_STATUS.cannotUnderstand };
    }
    const target = join(this.studiesDir, key(header.studyInstanceUid), `${key(header.sopInstanceUid)}.dcm`);
    try {
      mkdirSync(dirname(target), { recursive: true });
      renameSync(file.path, target);
    } catch (error) {
      file.discard();
      return { ok: false, reason: `it could not be moved into the cache (${(error as NodeJS.ErrnoException).code ?? 'I/O error'})`, status: STORE_STATUS.outOfResources };
    }
    const bytes = statSync(target).size;
    const replaced = this.deps.store.recordInstance({ sopInstanceUid: header.sopInstanceUid, studyInstanceUid: header.studyInstanceUid, seriesInstanceUid: header.seriesInstanceUid, filePath: target, bytes });
    if (replaced) rmSync(replaced, { force: true });
    return { ok: true, filePath: target, studyInstanceUid: header.studyInstanceUid, sopInstanceUid: header.sopInstanceUid, bytes, header };
  }

  /** The cached files of a study that are still on disk. */
  files(studyInstanceUid: string): string[] {
    return this.deps.store
      .instancesOfStudy(studyInstanceUid)
      .map((i) => i.filePath)
      .filter((p) => {
        try {
          return statSync(p).isFile();
        } catch {
          return false;
        }
      });
  }

  /** SOP Instance UIDs of the study already cached (a retrieve resumes with the others). */
  cachedInstances(studyInstanceUid: string): Set<string> {
    return new Set(this.deps.store.instancesOfStudy(studyInstanceUid).map((i) => i.sopInstanceUid));
  }

  usedBytes(): number {
    return this.deps.store.usedBytes();
  }

  /**
   * Frees space down to `limitBytes`: signed studies least recently used first, then the others least recently used
   * first, skipping `inUse`. Answers the studies removed (their reports stay; opening them retrieves them again).
   */
  async purge(limitBytes: number, inUse: ReadonlySet<string>): Promise<string[]> {
    let used = this.usedBytes();
    if (used <= limitBytes) return [];
    const candidates = this.deps.store.studiesByLastUse().filter((s) => !inUse.has(s.studyInstanceUid));
    const order = [...candidates.filter((s) => this.deps.isSigned(s.studyInstanceUid)), ...candidates.filter((s) => !this.deps.isSigned(s.studyInstanceUid))];
    const removed: string[] = [];
    for (const study of order) {
      if (used <= limitBytes) break;
      const files = this.deps.store.forgetStudy(study.studyInstanceUid);
      await Promise.all(files.map((f) => rm(f, { force: true })));
      const folder = join(this.studiesDir, key(study.studyInstanceUid));
      await rm(folder, { recursive: true, force: true });
      used -= study.bytes;
      removed.push(study.studyInstanceUid);
    }
    return removed;
  }

  /** Files in the cache folder the index does not name (a crash between rename and record): removed at start. */
  removeUnindexed(): number {
    const known = this.deps.store.allFiles();
    let removed = 0;
    let folders: string[] = [];
    try {
      folders = readdirSync(this.studiesDir);
    } catch {
      return 0;
    }
    for (const folder of folders) {
      const dir = join(this.studiesDir, folder);
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (!known.has(path)) {
          rmSync(path, { force: true });
          removed++;
        }
      }
    }
    return removed;
  }
}
