import { describe, expect, it } from 'vitest';
import { scrubText } from '../../../app/report/deidentify';

describe('scrubText', () => {
  const ids = { names: ['Doe^John^Q^Dr.', 'Anne-Marie Smith'], ids: ['PAT-00123', 'ACC987'] };

  it('replaces name components, identifiers and dates in any common format', () => {
    const text =
      'Compared with the study of 2026-11-03 (ACC987) for John Doe, MRN PAT-00123. Discussed with Anne-Marie Smith on 12/03/2026 at 10:30, ' +
      'and on December 3, 2026, 3 Dec 2026, 20261203, Dec 2026 and 11/4 at 09:15.';
    const out = scrubText(text, ids);
    for (const leak of ['2026', 'ACC987', 'John', 'Doe', 'PAT-00123', 'Anne', 'Smith', '12/03', 'December', '11/4']) expect(out).not.toContain(leak);
    expect(out).toContain('Compared with the study of XXXX (XXXX) for XXXX XXXX, MRN XXXX.');
  });

  it('leaves clinical numbers and words alone', () => {
    const text = 'A 4 cm mass at the 5th rib, T2 level; heart size 15.5 cm; 3/4 of the lung.';
    expect(scrubText(text, ids)).toBe(text);
  });

  it('matches whole words only, in any case', () => {
    expect(scrubText('DOE and doe and Doenitz', { names: ['Doe^J'], ids: [] })).toBe('XXXX and XXXX and Doenitz');
  });
});
