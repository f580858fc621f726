// Decoding off the UI thread: the worker pool returns what in-process decoding returns, revives typed errors,
// stops runaway jobs, and leaves the calling thread free while it works.
import { afterAll, describe, expect, it } from 'vitest';
import { CorruptCodestreamError, DecodePool, DecodeTimeoutError, FrameOutOfRangeError, NotDicomError, decodeFile, renderModelView } from '../../../main/dicom';
import { bundleWorkers } from '../drafting/bundle-workers';
import { fixture } from './fixtures';

// The worker bundled the way scripts/build.mjs does, so the test does not depend on a prior build.
const source = { worker: bundleWorkers()['decode.worker'] };
const pool = new DecodePool({ ...source, size: 2, timeoutMs: 30_000 });
afterAll(() => pool.close());

const J2K = fixture('cxr', 'pydicom966_dx_pa_mono1_12bit_j2k_lossless.dcm');

describe('DecodePool', () => {
  it('returns the same stored values and model view as in-process decoding', async () => {
    const path = fixture('cxr', 'barre_CR-MONO1-10-chest_nometa.dcm');
    const [viaWorker, local] = await Promise.all([pool.decodeWithModelView(path), decodeFile(path)]);
    expect(viaWorker.image.pixels).toBeInstanceOf(Uint16Array);
    expect(Buffer.from(viaWorker.image.pixels.buffer).equals(Buffer.from(local.pixels.buffer))).toBe(true);
    expect(viaWorker.image.header).toEqual(local.header);
    expect(Buffer.from(viaWorker.modelView.data).equals(Buffer.from(renderModelView(local).data))).toBe(true);
  });

  it('revives typed errors with the file and reason', async () => {
    const err = await pool.decode(fixture('cxr-robustness', 'pydicom966_bad_COM_marker_j2k.dcm')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptCodestreamError);
    expect((err as CorruptCodestreamError).filePath).toBe(fixture('cxr-robustness', 'pydicom966_bad_COM_marker_j2k.dcm'));
    await expect(pool.decode(fixture('PROVENANCE.md'))).rejects.toBeInstanceOf(NotDicomError);
    const frame = await pool.decode(fixture('cxr', 'barre_CR-MONO1-10-chest_nometa.dcm'), 5).catch((e: unknown) => e);
    expect(frame).toBeInstanceOf(FrameOutOfRangeError);
    expect(frame).toBeInstanceOf(RangeError);
    expect((frame as FrameOutOfRangeError).filePath).toBe(fixture('cxr', 'barre_CR-MONO1-10-chest_nometa.dcm'));
  });

  it('keeps the calling thread responsive while a large JPEG 2000 decodes', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const started = performance.now();
    const image = await pool.decode(J2K);
    const elapsed = performance.now() - started;
    clearInterval(timer);
    expect([image.columns, image.rows]).toEqual([2000, 2128]);
    // A blocked thread would not tick at all while decoding; allow generous scheduling slack.
    expect(ticks).toBeGreaterThan(elapsed / 10 / 4);
  });

  it('decodes jobs concurrently and in any order', async () => {
    const paths = ['barre_CR-MONO1-10-chest_jpegls_lossless.dcm', 'barre_CR-MONO1-10-chest_rle.dcm', 'barre_CR-MONO1-10-chest_j2k_lossless.dcm'].map((f) => fixture('cxr-derived', f));
    const images = await Promise.all(paths.map((p) => pool.decode(p)));
    for (const img of images) expect([img.minValue, img.maxValue]).toEqual([0, 979]);
  });

  it('stops a job that overruns its deadline and keeps serving', async () => {
    const strict = new DecodePool({ ...source, size: 1, timeoutMs: 1 });
    try {
      const err = await strict.decode(J2K).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DecodeTimeoutError);
      expect((err as DecodeTimeoutError).message).toContain('pydicom966_dx_pa_mono1_12bit_j2k_lossless.dcm');
    } finally {
      await strict.close();
    }
    expect((await pool.decode(fixture('cxr-derived', 'barre_CR-MONO1-10-chest_rle.dcm'))).maxValue).toBe(979);
  });
});
