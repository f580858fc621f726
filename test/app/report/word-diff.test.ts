import { describe, expect, it } from 'vitest';
import { diffStats, diffWords, tokenize } from '../../../app/report/word-diff';

const before = (parts: ReturnType<typeof diffWords>) => parts.filter((p) => p.op !== 'insert').map((p) => p.text).join('');
const after = (parts: ReturnType<typeof diffWords>) => parts.filter((p) => p.op !== 'delete').map((p) => p.text).join('');

describe('word diff', () => {
  it('tokenizes words with inner punctuation, whitespace and single symbols', () => {
    expect(tokenize("Don't see x-ray 3.5 cm, ok.")).toEqual(["Don't", ' ', 'see', ' ', 'x-ray', ' ', '3.5', ' ', 'cm', ',', ' ', 'ok', '.']);
  });

  it('returns one equal part for identical texts and nothing for two empty ones', () => {
    expect(diffWords('No effusion.', 'No effusion.')).toEqual([{ op: 'equal', text: 'No effusion.' }]);
    expect(diffWords('', '')).toEqual([]);
  });

  it('shows a replaced word as one deletion then one insertion', () => {
    expect(diffWords('Small left effusion.', 'Moderate left effusion.')).toEqual([
      { op: 'delete', text: 'Small' },
      { op: 'insert', text: 'Moderate' },
      { op: 'equal', text: ' left effusion.' },
    ]);
  });

  it('handles insertions and deletions in the middle and rebuilds both texts exactly', () => {
    const a = 'The lungs are clear. No pneumothorax. Heart size normal.';
    const b = 'The lungs are clear bilaterally. Heart size is normal.';
    const parts = diffWords(a, b);
    expect(before(parts)).toBe(a);
    expect(after(parts)).toBe(b);
    expect(parts).toContainEqual({ op: 'insert', text: ' bilaterally' });
    expect(parts.some((p) => p.op === 'delete' && p.text.includes('No pneumothorax'))).toBe(true);
    expect(diffStats(parts)).toEqual({ inserted: 2, deleted: 2, unchanged: 7 });
  });

  it('merges a replaced phrase separated by spaces into one change', () => {
    const parts = diffWords('mild cardiomegaly noted', 'no acute disease noted');
    expect(parts).toEqual([
      { op: 'delete', text: 'mild cardiomegaly' },
      { op: 'insert', text: 'no acute disease' },
      { op: 'equal', text: ' noted' },
    ]);
  });

  it('copes with everything added or removed, and with unicode', () => {
    expect(diffWords('', 'Épanchement pleural')).toEqual([{ op: 'insert', text: 'Épanchement pleural' }]);
    expect(diffWords('Normal.', '')).toEqual([{ op: 'delete', text: 'Normal.' }]);
  });

  it('stays fast and exact on long texts', () => {
    const words = Array.from({ length: 3000 }, (_, i) => `w${i % 97}`);
    const a = words.join(' ');
    const b = words.map((w, i) => (i % 50 === 0 ? 'CHANGED' : w)).join(' ');
    const t = Date.now();
    const parts = diffWords(a, b);
    expect(Date.now() - t).toBeLessThan(5000);
    expect(before(parts)).toBe(a);
    expect(after(parts)).toBe(b);
  });
});
