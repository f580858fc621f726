// Expands what the user picked or dropped into the DICOM objects to read: files, folders (recursively), DICOMDIRs
// (the files they reference, PS3.10 8), discs and folders holding one, and zip archives (their entries, read in
// place). Each object is queued once, however many ways lead to it. Parsing happens in the decode workers
// (SourceCatalog); this module only walks folders and matches names.
import { realpath, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { FileProblem } from '../../app/domain/study';
import { formatDicomDate } from '../../app/dicom/date';
import { formatPersonName } from '../../app/dicom/person-name';
import { oneLine } from '../../app/text/one-line';
import type { ZipListing } from '../archives/zip-listing';
import { readDicomDirectory, type DicomDirectory, type DirectoryFile } from '../dicom/dicomdir';
import type { DicomSource } from '../dicom/source';
import { isCandidateName, isDicomdirName, isZipName } from './file-names';
import { DiskTree, ZipTree, resolveFileId, type FolderTree } from './file-set';
import { capitalise, reasonOf } from './problems';

export const MAX_FILES = 50_000;

/** The parsing the collector needs, done in the decode worker pool. */
export interface SourceCatalog {
  readDicomDirectory(source: DicomSource): Promise<DicomDirectory>;
  /** Without it, zip archives are not opened (readers that take plain files only). */
  listZip?(archivePath: string, maxEntries: number): Promise<ZipListing>;
}

export interface Candidate {
  source: DicomSource;
  /**
   * Found in a folder a DICOMDIR indexes but not listed in it: a disc's viewer program, autorun and other files
   * live there, so one that turns out not to be DICOM is skipped without a problem line.
   */
  quiet: boolean;
}

/** The identity of a source: a file's real path, or an archive's real path and the entry's name. */
export function sourceKey(source: DicomSource): string {
  return source.zipEntry ? `zip:${source.zipEntry.archive.path}\u0000${source.zipEntry.name}` : source.filePath;
}

async function real(path: string): Promise<string> {
  return realpath(path).catch(() => path);
}

function lastPart(entryName: string): string {
  return entryName.slice(entryName.lastIndexOf('/') + 1);
}

function entryFolder(entryName: string): string {
  const at = entryName.lastIndexOf('/');
  return at < 0 ? '' : entryName.slice(0, at);
}

export class SourceCollector {
  /** What to read, in order. Grows while headers are read: a file that turns out to be a DICOMDIR adds its files. */
  readonly candidates: Candidate[] = [];
  readonly problems: FileProblem[] = [];
  private readonly queued = new Set<string>();
  private readonly directoriesRead = new Set<string>();
  /** Referenced files reported missing: several DICOMDIRs (or copies of one) may list the same file. */
  private readonly missing = new Set<string>();
  private readonly folders = new Set<string>();
  private readonly disk = new DiskTree();
  private readonly zips = new Map<string, ZipTree>();
  private truncated = false;
  private firstPath = '';

  constructor(
    private readonly catalog: SourceCatalog,
    private readonly maxFiles = MAX_FILES,
  ) {}

  async addPaths(paths: readonly string[]): Promise<void> {
    this.firstPath ||= paths[0] ?? '';
    for (const p of paths) {
      if (this.truncated) break;
      const info = await stat(p).catch((error: NodeJS.ErrnoException) => error);
      if (info instanceof Error) {
        const reason = info.code === 'ENOENT' ? 'The file or folder does not exist.' : `The file or folder cannot be read (${info.code ?? 'I/O error'}).`;
        this.problems.push({ filePath: p, reason });
      } else if (info.isDirectory()) await this.walk(await real(p), false);
      else if (info.isFile()) await this.addPicked(await real(p));
      else this.problems.push({ filePath: p, reason: 'Not a regular file or folder.' });
    }
  }

  /**
   * A source whose header shows it is a DICOMDIR (Media Storage SOP Class 1.2.840.10008.1.3.10) under another
   * name: the files it references are queued, unless they already are.
   */
  async addDirectoryFound(source: DicomSource): Promise<void> {
    const entry = source.zipEntry;
    if (!entry) return this.addFileSet(this.disk, dirname(source.filePath), source.filePath);
    const tree = this.zips.get(entry.archive.path);
    if (tree) await this.addFileSet(tree, entryFolder(entry.name), entry.name);
  }

  /** A file the user picked: a DICOMDIR, a zip archive, or one DICOM file (whatever its name). */
  private async addPicked(path: string): Promise<void> {
    const name = basename(path);
    if (isDicomdirName(name)) await this.addFileSet(this.disk, dirname(path), path);
    else if (isZipName(name)) await this.addZip(path);
    else this.add({ filePath: path }, false);
  }

  /**
   * A folder: a DICOMDIR in it is read first and indexes the folder and those below (`indexed`); then every file
   * not queued yet is, so nothing the DICOMDIR leaves out is lost, and a zip archive is opened.
   */
  private async walk(folder: string, indexed: boolean): Promise<void> {
    if (this.folders.has(folder)) return; // symbolic link loops
    this.folders.add(folder);
    const index = await this.disk.folder(folder);
    if (!index) {
      this.problems.push({ filePath: folder, reason: 'The folder cannot be read.' });
      return;
    }
    const dicomdirs = index.nodes.filter((n) => !n.folder && isDicomdirName(n.name));
    for (const d of dicomdirs) await this.addFileSet(this.disk, folder, join(folder, d.name));
    const quiet = indexed || dicomdirs.length > 0;
    for (const node of index.nodes) {
      if (this.truncated) return;
      if (node.name.startsWith('.') || (!node.folder && isDicomdirName(node.name))) continue;
      const path = join(folder, node.name);
      if (node.folder) await this.walk(await real(path), quiet);
      else if (isZipName(node.name)) await this.addZip(await real(path));
      else if (isCandidateName(node.name)) this.add({ filePath: await real(path) }, quiet);
    }
  }

  /** A zip archive: listed in a worker; DICOMDIRs inside it are read first, then every other entry is queued. */
  private async addZip(archivePath: string): Promise<void> {
    if (this.zips.has(archivePath) || !this.catalog.listZip) return;
    let listing: ZipListing;
    try {
      listing = await this.catalog.listZip(archivePath, Math.max(1, this.maxFiles - this.candidates.length));
    } catch (error) {
      this.problems.push({ filePath: archivePath, reason: reasonOf(error) });
      return;
    }
    const tree = new ZipTree(listing);
    this.zips.set(archivePath, tree);
    for (const r of listing.refused) this.problems.push({ filePath: tree.display(r.name), reason: capitalise(r.reason) });
    const names = tree.names();
    const dicomdirs = names.filter((n) => isDicomdirName(lastPart(n))).sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
    for (const d of dicomdirs) await this.addFileSet(tree, entryFolder(d), d);
    const indexed = dicomdirs.map(entryFolder);
    for (const name of names) {
      if (this.truncated) break;
      if (isDicomdirName(lastPart(name))) continue;
      const quiet = indexed.some((folder) => folder === '' || name.startsWith(`${folder}/`));
      this.add(tree.source(name), quiet);
    }
    if (listing.truncated) this.stop();
  }

  /**
   * A DICOMDIR at `path` in `tree`, indexing `folder`: queues the image files it references, in its patient →
   * study → series order; says once which it references but are not there, and which are no images.
   */
  private async addFileSet(tree: FolderTree, folder: string, path: string): Promise<void> {
    const source = tree.source(path);
    const key = sourceKey(source);
    if (this.directoriesRead.has(key)) return;
    this.directoriesRead.add(key);
    let directory: DicomDirectory;
    try {
      directory = await this.catalog.readDicomDirectory(source);
    } catch (error) {
      this.problems.push({ filePath: source.filePath, reason: reasonOf(error) });
      return;
    }
    const notImages = new Map<string, number>();
    for (const file of directory.files) {
      if (this.truncated) return;
      const found = await resolveFileId(tree, folder, file.fileId);
      if (found === null) {
        const missing = tree.display(file.fileId.reduce((at, component) => tree.child(at, component), folder));
        if (!this.missing.has(missing)) this.problems.push({ filePath: missing, reason: missingReason(file) });
        this.missing.add(missing);
        continue;
      }
      const target = tree.source(found);
      if (!target.zipEntry) target.filePath = await real(target.filePath);
      if (file.image) this.add(target, false);
      else {
        // Known not to be an image: said once below, and not read again when the folder is walked.
        notImages.set(file.recordType, (notImages.get(file.recordType) ?? 0) + 1);
        this.queued.add(sourceKey(target));
      }
    }
    if (notImages.size > 0) {
      const count = [...notImages.values()].reduce((a, b) => a + b, 0);
      const kinds = [...notImages].map(([type, n]) => `${n} ${oneLine(type)}`).join(', ');
      this.problems.push({ filePath: source.filePath, reason: `The DICOMDIR also lists ${count} object${count === 1 ? '' : 's'} that ${count === 1 ? 'is' : 'are'} not an image (${kinds}); Radraft opens images only.`, files: count });
    }
    const invalid = directory.invalidFileIds;
    if (invalid.length > 0) {
      const shown = invalid.slice(0, 3).map((id) => oneLine(id)).join(', ');
      this.problems.push({
        filePath: source.filePath,
        reason: `The DICOMDIR names ${invalid.length} file${invalid.length === 1 ? '' : 's'} by a path outside its folder or an invalid one (${shown}${invalid.length > 3 ? ', …' : ''}); ${invalid.length === 1 ? 'it was' : 'they were'} not opened.`,
        files: invalid.length,
      });
    }
  }

  private add(source: DicomSource, quiet: boolean): void {
    const key = sourceKey(source);
    if (this.queued.has(key)) return;
    if (this.candidates.length >= this.maxFiles) return this.stop();
    this.queued.add(key);
    this.candidates.push({ source, quiet });
  }

  private stop(): void {
    if (this.truncated) return;
    this.truncated = true;
    this.problems.push({ filePath: this.firstPath, reason: `Stopped after ${this.maxFiles} files; open a smaller folder to see the rest.` });
  }
}

/**
 * The files under `paths`, for readers that take plain files and read them in their own worker or process
 * (validation, the training-data export): folders walked and DICOMDIRs followed as the study list does, each file
 * once; zip archives are not opened. DICOMDIRs are read in this thread.
 */
export async function collectFiles(paths: readonly string[], maxFiles = MAX_FILES): Promise<{ files: string[]; problems: FileProblem[] }> {
  const collector = new SourceCollector({ readDicomDirectory }, maxFiles);
  await collector.addPaths(paths);
  return { files: collector.candidates.map((c) => c.source.filePath), problems: collector.problems };
}

/** Why a referenced file is listed as a problem: where the DICOMDIR says it belongs, and what to do. */
function missingReason(file: DirectoryFile): string {
  const parts = [
    formatPersonName(file.patientName),
    [formatDicomDate(file.studyDate), file.studyDescription].filter((p) => p !== '').join(' '),
    [file.seriesNumber && `series ${file.seriesNumber}`, file.modality].filter((p) => p !== '').join(' '),
  ]
    .map((p) => oneLine(p))
    .filter((p) => p !== '');
  const where = parts.length > 0 ? ` (${parts.join('; ')})` : '';
  return `Listed in the DICOMDIR${where} but not found: the file was not copied, or the disc is damaged.`;
}
