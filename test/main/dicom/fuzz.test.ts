// 2,000 seeded mutated/truncated copies of the corpus: zero crashes (anything but a DicomError), zero hangs.
// (bench/dicom-fuzz.ts runs the same harness for 100,000 cases.)
import { describe, expect, it } from 'vitest';
import { FUZZ_SEEDS, fuzz, mutate } from './fuzz-harness';
import { seededRandom } from '../../../app/random/seeded-random';
import { fixture } from './fixtures';

describe('fuzzing the decoder', () => {
  it('mutations are deterministic for a seed', () => {
    const src = Uint8Array.from({ length: 4096 }, (_, i) => i & 0xff);
    const a = mutate(src, seededRandom(42));
    const b = mutate(src, seededRandom(42));
    expect(a.mutation).toBe(b.mutation);
    expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(true);
  });

  it('2,000 cases: every one decodes or fails with a DicomError, none takes over 5 s', { timeout: 240_000 }, async () => {
    const report = await fuzz(FUZZ_SEEDS.map((s) => fixture(s)), 2000, 20261127, 5000);
    expect(report.crashes).toEqual([]);
    expect(report.slow).toEqual([]);
    // The corpus must exercise both outcomes and the main failure kinds, or the test proves nothing.
    expect(report.decoded).toBeGreaterThan(200);
    expect(report.typedErrors).toBeGreaterThan(200);
    for (const kind of ['truncated', 'corrupt-codestream', 'malformed', 'no-pixel-data']) expect(report.byKind[kind] ?? 0, kind).toBeGreaterThan(0);
  });
});
