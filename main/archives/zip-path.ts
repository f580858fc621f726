// From a study list path back to the object it names. An image opened from a zip archive is shown, and remembered
// with its study (ReportStore.rememberStudy), as the archive's path followed by the entry's path inside it
// (main/studies/file-set.ts, ZipTree.display). Readers that get only such a path (the exports, in their worker, even
// after a restart) find the archive along it and list it again, so an archive rewritten since still reads right.
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { DicomSource } from '../dicom/source';
import { isZipName } from '../studies/file-names';
import { listZipArchive, type ZipListing } from './zip-listing';

/** Entries listed to find one: the study list opens no more from one archive. */
const MAX_LISTED = 50_000;

export class SourcesByPath {
  private readonly listings = new Map<string, Promise<ZipListing | null>>();

  /** The file at `path`, or the zip entry it names; a path that names neither is returned as a file to fail on. */
  async source(path: string): Promise<DicomSource> {
    if ((await stat(path).catch(() => null))?.isFile()) return { filePath: path };
    const inside: string[] = [];
    for (let archive = path; dirname(archive) !== archive; archive = dirname(archive)) {
      inside.unshift(basename(archive));
      const folder = dirname(archive);
      if (!isZipName(folder) || !(await stat(folder).catch(() => null))?.isFile()) continue;
      const listing = await this.listing(folder);
      const name = inside.join('/');
      const entry = listing?.entries.find((e) => e.name === name);
      if (entry && listing) return { filePath: path, zipEntry: { ...entry, archive: listing.archive } };
      break;
    }
    return { filePath: path };
  }

  private listing(archive: string): Promise<ZipListing | null> {
    let listing = this.listings.get(archive);
    if (!listing) {
      // An archive that can no longer be listed (gone, damaged, refused) reads as the missing file it now is.
      listing = listZipArchive(archive, MAX_LISTED).catch(() => null);
      this.listings.set(archive, listing);
    }
    return listing;
  }
}
