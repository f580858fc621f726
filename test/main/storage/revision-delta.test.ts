import { describe, expect, it } from 'vitest';
import { applySplice, textSplice } from '../../../main/storage/revision-delta';

describe('revision splices', () => {
  it('stores only the changed middle of a section', () => {
    expect(textSplice('Lungs are clear.', 'Lungs are not clear.')).toEqual([10, 6, 'not ']);
    expect(textSplice('', 'abc')).toEqual([0, 0, 'abc']);
    expect(textSplice('abc', '')).toEqual([0, 0, '']);
    expect(textSplice('aaaa', 'aaa')).toEqual([3, 0, '']);
    // Two emoji sharing their first UTF-16 unit: the splice holds half a pair and still survives JSON.
    const splice = textSplice('😀', '😁');
    expect(splice[0]).toBe(1);
    expect(applySplice('😀', JSON.parse(JSON.stringify(splice)))).toBe('😁');
  });

  it('rebuilds any edit exactly, astral characters and repeats included', () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const alphabet = ['a', 'b', ' ', '\n', 'é', '😀', '—', 'aa'];
    let text = '';
    for (let i = 0; i < 2000; i++) {
      const at = rand(text.length + 1);
      const cut = rand(4);
      const insert = Array.from({ length: rand(5) }, () => alphabet[rand(alphabet.length)]).join('');
      const next = text.slice(0, at) + insert + text.slice(at + cut);
      const splice = textSplice(text, next);
      expect(applySplice(text, JSON.parse(JSON.stringify(splice)))).toBe(next);
      text = next;
    }
  });
});
