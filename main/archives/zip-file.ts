// yauzl (https://github.com/thejoshwolfe/yauzl) with promises, and its failures as typed errors. yauzl reads the
// central directory, the authority on a zip's contents (APPNOTE.TXT 4.3.6), not the local headers a streaming
// reader would trust; Radraft opens every archive with lazy entries and undecoded names.
import { open, type Entry, type Options, type ZipFile } from 'yauzl';
import { ZipUnreadableError } from './errors';

/** Opens `archivePath` and reads its End of Central Directory record; nothing else is read yet. */
export function openZip(archivePath: string, options: Pick<Options, 'validateEntrySizes'>): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    open(archivePath, { ...options, lazyEntries: true, autoClose: false, decodeStrings: false, strictFileNames: false }, (err, zip) => {
      if (err) reject(unreadable(archivePath, err));
      else resolve(zip);
    });
  });
}

/** The next central directory record, or null after the last. */
export function nextEntry(archivePath: string, zip: ZipFile): Promise<Entry | null> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    const onEntry = (entry: Entry): void => {
      done();
      resolve(entry);
    };
    const onEnd = (): void => {
      done();
      resolve(null);
    };
    const onError = (err: Error): void => {
      done();
      reject(unreadable(archivePath, err));
    };
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}

/** yauzl's message for what is wrong with the archive, as a clinician reads it. */
function unreadable(archivePath: string, err: Error): ZipUnreadableError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code) return new ZipUnreadableError(archivePath, `the archive cannot be read (${code})`, { cause: err });
  if (/end of central directory record signature not found/i.test(err.message)) {
    return new ZipUnreadableError(archivePath, 'not a zip archive, or an incomplete one (its table of contents at the end is missing)', { cause: err });
  }
  if (/multi-disk/i.test(err.message)) return new ZipUnreadableError(archivePath, 'a zip archive split over several files; join the parts first', { cause: err });
  if (/strong encryption/i.test(err.message)) return new ZipUnreadableError(archivePath, 'the archive is encrypted; Radraft cannot open it', { cause: err });
  return new ZipUnreadableError(archivePath, `the archive is damaged (${err.message})`, { cause: err });
}
