import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'dicom');

/** sha256 over the little-endian bytes of decoded pixels, as in dicom_decode_reference.json. */
export function pixelSha256(a: ArrayBufferView): string {
  return createHash('sha256').update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest('hex');
}

export function fixture(...parts: string[]): string {
  return join(FIXTURES, ...parts);
}

export interface ReferenceEntry {
  file: string;
  transfer_syntax: string;
  rows: number;
  columns: number;
  bits_stored: number;
  photometric: string;
  dtype: string;
  sha256_le: string;
  min: number;
  max: number;
  mean: number;
}

/** pydicom's reference, limited to the files copied into the fixtures (path relative to fixtures/dicom). */
export function goldenReference(): (ReferenceEntry & { local: string })[] {
  const ref = JSON.parse(readFileSync(fixture('golden', 'dicom_decode_reference.json'), 'utf8')) as { files: ReferenceEntry[] };
  return ref.files
    .map((f) => ({ ...f, local: f.file.replace(/^data\//, '') }))
    .filter((f) => {
      try {
        readFileSync(fixture(f.local), { flag: 'r' }).subarray(0, 0);
        return true;
      } catch {
        return false;
      }
    });
}
