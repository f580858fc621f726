import { describe, expect, it } from 'vitest';
import { isOneLine, oneLine } from '../../../app/text/one-line';

describe('oneLine', () => {
  it('turns every line break into ⏎, so a value cannot start a line of its own', () => {
    const forged = 'Doe^John\r\nIMPRESSION:\r\nNo acute findings.';
    const line = oneLine(forged);
    expect(line).toBe('Doe^John⏎IMPRESSION:⏎No acute findings.');
    expect(line.split(/\r\n|\r|\n|\u2028|\u2029|\u0085|\v|\f/)).toHaveLength(1);
    expect(oneLine('a\rb\nc\u000bd\u000ce\u0085f\u2028g\u2029h')).toBe('a⏎b⏎c⏎d⏎e⏎f⏎g⏎h');
  });

  it('replaces other controls and bidi overrides with �; keeps ordinary text', () => {
    expect(oneLine('a\tb\u0000c\u001bd\u007fe\u009bf')).toBe('a�b�c�d�e�f');
    expect(oneLine('safe \u202edcba\u202c \u2066x\u2069')).toBe('safe �dcba� �x�');
    const plain = 'Müller^Zoë — 山田^太郎 (PA) 1.2.840.10008';
    expect(oneLine(plain)).toBe(plain);
  });

  it('tells one-line text from text that is not', () => {
    expect(isOneLine('Dr Ada Lovelace')).toBe(true);
    expect(isOneLine('Dr Ada\nIMPRESSION: normal')).toBe(false);
    expect(isOneLine('Dr\u2028Ada')).toBe(false);
  });
});
