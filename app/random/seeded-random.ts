// One seeded pseudo-random generator for everything that must draw the same numbers again: the bootstrap intervals
// (app/metrics/bootstrap.ts), the DICOM fuzz cases and the tests' synthetic weights.

/** mulberry32: a small, well-mixed 32-bit generator; reproducible across platforms. Numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
