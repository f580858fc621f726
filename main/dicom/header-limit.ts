// How far Radraft looks for a header. A real radiograph's header (everything before Pixel Data, PS3.5 7.1) is a
// few kilobytes, a few hundred with large private blocks or an icon; a file with no image data within this much
// is damaged or not an image, and reading further would only cost memory and time.
import { MalformedDicomError } from './errors';

/** Most bytes read (or inflated, PS3.5 A.5) before Pixel Data is reached. */
export const MAX_HEADER_BYTES = 16 * 1024 * 1024;

export function headerTooLong(filePath: string): MalformedDicomError {
  return new MalformedDicomError(
    filePath,
    `no image data within the first ${MAX_HEADER_BYTES / (1024 * 1024)} MiB: the header is longer than any radiograph's (a damaged file, or not an image)`,
  );
}
