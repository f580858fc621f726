// Every file of the robustness corpora gives a correct result or a typed error naming the file.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CorruptCodestreamError,
  DicomError,
  NoPixelDataError,
  NotDicomError,
  TruncatedError,
  UnsupportedSyntaxError,
  decodeBytes,
  decodeFile,
  readHeader,
  renderModelView,
} from '../../../main/dicom';
import { fixture, pixelSha256 } from './fixtures';

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

interface PydicomEntry {
  file: string;
  error?: string;
  photometric?: string;
  sha256_le?: string;
}
const pydicom = new Map(
  (JSON.parse(readFileSync(fixture('golden', 'pydicom_reference.json'), 'utf8')) as { files: PydicomEntry[] }).files.map((f) => [f.file, f]),
);

/** Outcomes we hold the engine to, beyond "result or typed error". */
const expected: Record<string, new (...args: never[]) => DicomError> = {
  'pydicom-test-files/MR_truncated.dcm': TruncatedError,
  'pydicom-test-files/rtplan.dcm': NoPixelDataError,
  'pydicom-test-files/waveform_ecg.dcm': NoPixelDataError,
  'pydicom-test-files/README.txt': NotDicomError,
  'pydicom-test-files/JPEG2000-embedded-sequence-delimiter.dcm': CorruptCodestreamError,
  'cxr-robustness/pydicom966_bad_COM_marker_j2k.dcm': CorruptCodestreamError,
};

const files = [...walk(fixture('pydicom-test-files')), ...walk(fixture('cxr-robustness'))];


describe('robustness corpus: result or typed error, never a crash', () => {
  it('holds the whole corpus', () => {
    expect(files.length).toBeGreaterThan(150);
  });

  for (const path of files) {
    const rel = relative(fixture(), path);
    it(rel, async () => {
      let outcome: unknown;
      try {
        const d = await decodeFile(path);
        outcome = d;
        // A result must be a usable image: the model view renders (or is refused with a typed error).
        try {
          const view = renderModelView(d);
          expect(view.data.length).toBe(d.rows * d.columns);
        } catch (e) {
          expect(e).toBeInstanceOf(UnsupportedSyntaxError);
        }
        const ref = pydicom.get(relative(fixture('pydicom-test-files'), path));
        // pydicom leaves JPEG YCbCr unconverted; we convert it to RGB, so only same-colour-space results compare.
        if (ref?.sha256_le && ref.photometric === d.photometricInterpretation) expect(pixelSha256(d.pixels), 'matches pydicom').toBe(ref.sha256_le);
      } catch (e) {
        outcome = e;
        expect(e, String(e)).toBeInstanceOf(DicomError);
        const err = e as DicomError;
        expect(err.filePath).toBe(path);
        expect(err.message.startsWith(`${basename(path)}: `)).toBe(true);
        expect(err.reason.length).toBeGreaterThan(10);
      }
      const want = expected[rel];
      if (want) expect(outcome).toBeInstanceOf(want);
    });
  }

  it('readHeader agrees with decodeFile on what is an image', async () => {
    for (const path of files) {
      const header = await readHeader(path).then(
        (h) => h.filePath,
        (e: unknown) => e,
      );
      if (typeof header === 'string') expect(header).toBe(path);
      else expect(header).toBeInstanceOf(DicomError);
    }
  });
});

describe('damaged but structurally valid codestreams are reported, not shown as garbage', () => {
  // Zero the second half of the file, keeping the last 16 bytes (J2K EOC, DICOM delimiters) intact.
  const damaged = (rel: string) => {
    const bytes = new Uint8Array(readFileSync(fixture(rel)));
    bytes.fill(0, Math.floor(bytes.length / 2), bytes.length - 16);
    return bytes;
  };
  for (const rel of [
    'cxr-derived/barre_CR-MONO1-10-chest_j2k_lossless.dcm',
    'cxr-derived/barre_CR-MONO1-10-chest_jpegll_sv1.dcm',
    'cxr-derived/barre_CR-MONO1-10-chest_jpegls_lossless.dcm',
    'cxr-derived/barre_CR-MONO1-10-chest_rle.dcm',
    'derived/barre_CR-MONO1-10-chest_htj2k.dcm',
    'pydicom-test-files/JPGExtended.dcm',
    'cxr/siim_1.2.276.0.7230010.3.1.4.8323329.1000.1517875165.878027.dcm',
  ]) {
    it(rel, async () => {
      await expect(decodeBytes(rel, damaged(rel))).rejects.toBeInstanceOf(CorruptCodestreamError);
    });
  }
});

it('a JPEG-LS scan that lost its EOI is refused at once (CharLS would spin on it for tens of seconds)', async () => {
  const err = await decodeFile(fixture('derived', 'fuzz_MR_small_jpeg_ls_no_eoi.dcm')).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(CorruptCodestreamError);
  expect((err as Error).message).toContain('EOI');
});
