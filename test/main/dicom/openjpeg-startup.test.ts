// Issue 10, item 9: a small JPEG 2000 image decodes without starting OpenJPEG's pool threads (Node workers that each
// load the module); the first image of 1 Mpixel or more starts them. Its own test file: a fresh process, so the
// decoder's state is this file's alone. The time saved is measured by bench/dicom-decode.ts, not here.
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { decodeFile } from '../../../main/dicom';
import { jpeg2000PoolSize } from '../../../main/dicom/codecs/openjpeg';
import { fixture, pixelSha256 } from './fixtures';

describe('JPEG 2000 start-up', () => {
  it('decodes a 3 KB, 256×1024 file on the calling thread, then starts the pool for a 2128×2000 radiograph', async () => {
    const small = await decodeFile(fixture('pydicom-test-files', 'JPEG2000.dcm'));
    expect(small.rows * small.columns).toBeLessThan(1024 * 1024);
    expect(pixelSha256(small.pixels)).toBe('0b1224a6dcd0dcebb1ae6966270b620a8aecc3e20d7fe5b01504e574e1814ac6');
    expect(await jpeg2000PoolSize()).toBe(0);

    const large = await decodeFile(fixture('cxr', 'pydicom966_dx_pa_mono1_12bit_j2k_lossless.dcm'));
    expect(large.rows * large.columns).toBeGreaterThan(1024 * 1024);
    const cores = availableParallelism();
    expect(await jpeg2000PoolSize()).toBe(cores < 2 ? 0 : cores >= 16 ? 4 : 2);
  });
});
