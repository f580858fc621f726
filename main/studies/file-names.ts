// Which names are worth reading as DICOM, and how names on media compare. Used for folders on disk and for the
// names inside a zip archive alike, so both open the same files.

/** Files with these extensions are not DICOM; skipping them while walking keeps the problem list useful. */
const NOT_DICOM_EXTENSIONS = new Set([
  '.txt', '.md', '.json', '.csv', '.xml', '.html', '.htm', '.pdf', '.jpg', '.jpeg', '.png', '.gif', '.bmp', '.tif', '.tiff',
  '.gz', '.exe', '.dll', '.ini', '.inf', '.log', '.js', '.db', '.7z', '.rar', '.tar',
]);

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot).toLowerCase() : '';
}

/** A zip archive, opened in place (main/archives). */
export function isZipName(name: string): boolean {
  return extensionOf(name) === '.zip';
}

/**
 * A name as ISO 9660 writes it, for comparing with a File ID (PS3.10 8.2, 8.5): a CD may show `IM000001;1`,
 * `IM000001.;1`, `IM000001.` or, mounted with name mapping, `im000001` for the File ID component `IM000001`.
 * The version suffix and a trailing dot are dropped and the case folded.
 */
export function mediaName(name: string): string {
  return name.replace(/;\d*$/, '').replace(/\.$/, '').toUpperCase();
}

/** The DICOMDIR of a file-set (PS3.10 8.6: its File ID is DICOMDIR), as any medium may spell it. */
export function isDicomdirName(name: string): boolean {
  return mediaName(name) === 'DICOMDIR';
}

/** A file found while walking (not picked by the user) that may be a DICOM image: not hidden, not a known other type. */
export function isCandidateName(name: string): boolean {
  return !name.startsWith('.') && !NOT_DICOM_EXTENSIONS.has(extensionOf(name));
}

/**
 * An entry of a zip archive that may be a DICOM image or a DICOMDIR: a file (not a folder), in no hidden folder
 * and not in the resource forks macOS adds (`__MACOSX/`), not a known other type, not a zip inside the zip.
 */
export function isCandidateEntry(entryName: string): boolean {
  if (entryName.endsWith('/')) return false;
  const parts = entryName.split('/');
  if (parts.some((p) => p.startsWith('.') || p === '__MACOSX')) return false;
  const name = parts[parts.length - 1];
  return isCandidateName(name) && !isZipName(name);
}
