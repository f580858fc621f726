// A single-frame JPEG-LS image split over several fragments (PS3.5 A.4) goes to CharLS as the fragments themselves,
// gathered into its heap: same pixels as one fragment, and the codestream checks still run on the gathered copy.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CorruptCodestreamError, decodeBytes } from '../../../main/dicom';
import { encapsulatedFrame } from '../../../main/dicom/frames';
import { PIXEL_DATA_TAG, parseDicomBytes } from '../../../main/dicom/parse';
import { encapsulated } from './build-dicom';

const source = join(__dirname, '..', '..', 'fixtures', 'dicom', 'cxr-derived', 'barre_CR-MONO1-10-chest_jpegls_lossless.dcm');

/** The fixture with its Pixel Data rewritten as the given fragments of its one frame. */
function withFragments(make: (codestream: Uint8Array) => Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(readFileSync(source));
  const { dataSet } = parseDicomBytes(source, bytes);
  const element = dataSet.elements[PIXEL_DATA_TAG];
  const codestream = encapsulatedFrame(source, dataSet, element, 0, 1, 'jpeg-ls').slice();
  // Explicit VR little endian OB with undefined length: tag, VR, reserved, length = 12 bytes before the value.
  const head = bytes.subarray(0, element.dataOffset - 12);
  const tail = encapsulated(make(codestream));
  const out = new Uint8Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}

function split(cs: Uint8Array, parts: number): Uint8Array[] {
  const step = Math.ceil(cs.length / parts / 2) * 2; // even fragment lengths, as PS3.5 A.4 requires
  const out: Uint8Array[] = [];
  for (let at = 0; at < cs.length; at += step) out.push(cs.subarray(at, Math.min(cs.length, at + step)));
  return out;
}

describe('multi-fragment JPEG-LS', () => {
  it('decodes to the same stored values as the single-fragment file', async () => {
    const whole = await decodeBytes(source, readFileSync(source));
    const pieces = withFragments((cs) => split(cs, 5));
    expect(parseDicomBytes('split', pieces).dataSet.elements[PIXEL_DATA_TAG].fragments?.length).toBe(5);
    const fromPieces = await decodeBytes('split.dcm', pieces);
    expect(fromPieces.pixels).toEqual(whole.pixels);
    expect([fromPieces.minValue, fromPieces.maxValue]).toEqual([whole.minValue, whole.maxValue]);
  });

  it('still refuses a codestream that lost its EOI when it comes in fragments', async () => {
    const damaged = withFragments((cs) => {
      let end = cs.length;
      while (cs[end - 1] === 0) end--;
      return split(cs.subarray(0, end - 2), 4); // drop FF D9
    });
    await expect(decodeBytes('no-eoi.dcm', damaged)).rejects.toThrow(CorruptCodestreamError);
    await expect(decodeBytes('no-eoi.dcm', damaged)).rejects.toThrow(/EOI/);
  });

  it('still checks the frame size in the SOF before CharLS allocates, when it comes in fragments', async () => {
    const huge = withFragments((cs) => {
      const c = cs.slice();
      // SOF55 (FF F7): length(2) P(1) Y(2) X(2). A damaged SOF claiming 60000² must be refused, not allocated for.
      const sof = c.findIndex((b, i) => b === 0xff && c[i + 1] === 0xf7);
      c.set([0xea, 0x60, 0xea, 0x60], sof + 5);
      return split(c, 3);
    });
    await expect(decodeBytes('huge.dcm', huge)).rejects.toThrow(/holds a 60000×60000×1 image but the header says 440×440×1/);
  });
});
