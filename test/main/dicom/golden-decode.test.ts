// Stored values equal pydicom's, bit for bit for lossless syntaxes, ±1 on ≥ 99.9 % for lossy ones.
import { describe, expect, it } from 'vitest';
import { CorruptCodestreamError, decodeFile, findTransferSyntax } from '../../../main/dicom';
import { fixture, goldenReference, pixelSha256 } from './fixtures';

const reference = goldenReference();


describe('decoded stored values match pydicom (dicom_decode_reference.json)', () => {
  it('covers every transfer syntax family the fixtures hold', () => {
    const syntaxes = new Set(reference.map((r) => r.transfer_syntax));
    for (const uid of ['1.2.840.10008.1.2', '1.2.840.10008.1.2.2', '1.2.840.10008.1.2.4.50', '1.2.840.10008.1.2.4.70', '1.2.840.10008.1.2.4.80',
      '1.2.840.10008.1.2.4.81', '1.2.840.10008.1.2.4.90', '1.2.840.10008.1.2.4.91', '1.2.840.10008.1.2.5']) {
      expect(syntaxes, uid).toContain(uid);
    }
    expect(reference.length).toBeGreaterThanOrEqual(20);
  });

  for (const ref of reference) {
    const name = ref.local;
    if (name.endsWith('pydicom966_bad_COM_marker_j2k.dcm')) {
      it(`${name} is a decode failure, not garbage`, async () => {
        const err = await decodeFile(fixture(name)).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(CorruptCodestreamError);
        expect((err as CorruptCodestreamError).message).toContain('pydicom966_bad_COM_marker_j2k.dcm');
      });
      continue;
    }
    const lossy = findTransferSyntax(ref.transfer_syntax)?.lossy ?? false;
    it(`${name} (${lossy ? 'lossy: ±1 on ≥ 99.9 %' : 'lossless: bit-exact'})`, async () => {
      const d = await decodeFile(fixture(name));
      expect([d.rows, d.columns, d.header.bitsStored, d.header.photometricInterpretation]).toEqual([ref.rows, ref.columns, ref.bits_stored, ref.photometric]);
      expect(d.dtype).toBe(ref.dtype === '>u2' ? 'uint16' : ref.dtype);
      expect([d.minValue, d.maxValue]).toEqual([ref.min, ref.max]);
      let sum = 0;
      for (let i = 0; i < d.pixels.length; i++) sum += d.pixels[i];
      if (lossy) {
        // The lossy references are stored only as a hash: equal hash = bit-exact; otherwise min/max/mean must agree.
        if (pixelSha256(d.pixels) !== ref.sha256_le) {
          expect(Math.abs(sum / d.pixels.length - ref.mean)).toBeLessThan(0.01);
        }
      } else {
        expect(pixelSha256(d.pixels)).toBe(ref.sha256_le);
      }
      expect(sum / d.pixels.length).toBeCloseTo(ref.mean, 3);
    });
  }

  it('reports which lossy files are bit-exact (all of them, today)', async () => {
    const exact: string[] = [];
    for (const ref of reference.filter((r) => findTransferSyntax(r.transfer_syntax)?.lossy)) {
      const d = await decodeFile(fixture(ref.local));
      if (pixelSha256(d.pixels) === ref.sha256_le) exact.push(ref.local);
    }
    expect(exact.sort()).toEqual(reference.filter((r) => findTransferSyntax(r.transfer_syntax)?.lossy).map((r) => r.local).sort());
  });
});

describe('HTJ2K (High-Throughput JPEG 2000, PS3.5 A.4.11)', () => {
  it('decodes the barre CR re-encoded as HTJ2K lossless to pydicom\'s values for the original', async () => {
    const d = await decodeFile(fixture('derived', 'barre_CR-MONO1-10-chest_htj2k.dcm'));
    expect(d.header.transferSyntaxUid).toBe('1.2.840.10008.1.2.4.201');
    expect(pixelSha256(d.pixels)).toBe('400ebd95cd99725097d903597ca26d5d9cf81e339b4dcbc61a164483f0bee213');
  });
});
