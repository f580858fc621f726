// How much Radraft agrees to inflate from a zip archive. A zip's sizes are claims made by whoever wrote it: a few
// kilobytes can declare (or really inflate to) terabytes, by deflate's 1032:1 ratio, by entries that share one
// compressed stream (overlapping entries), or by sizes that lie. Entries are only ever inflated one at a time, in a
// worker, straight into memory; these limits bound what that can cost.
import { MAX_INFLATED_BYTES } from '../dicom/inflate';

/**
 * The DICOM entries of an archive may declare at most this many times the archive's size. Medical images rarely
 * compress better than 10:1 (a blank frame does far better), and a zip bomb needs thousands; 100 leaves a wide
 * margin for real studies while refusing every bomb before a byte is inflated.
 */
export const MAX_EXPANSION_RATIO = 100;

/** Below this many declared bytes an archive is never refused for its ratio: a small archive cannot hurt. */
export const RATIO_FLOOR_BYTES = 64 * 1024 * 1024;

/** Largest entry read: the bound the engine already puts on any inflated DICOM data set (1 GiB). */
export const MAX_ENTRY_BYTES = MAX_INFLATED_BYTES;

/** Deflate's best possible ratio (RFC 1951: one 258-byte match per 2 bits, about 1032:1); an entry declaring more lies. */
export const DEFLATE_MAX_RATIO = 1032;

/** Central directory records read from one archive (files, folders and names skipped together). */
export const MAX_ZIP_RECORDS = 200_000;
