import { describe, expect, it } from 'vitest';
import { formatPersonName, samePersonName } from '../../../app/dicom/person-name';

describe('formatPersonName (PS3.5 6.2.1)', () => {
  it('writes "Family, Given Middle" with prefix and suffix around the given names', () => {
    expect(formatPersonName('Doe^John')).toBe('Doe, John');
    expect(formatPersonName('Doe^John^A^Dr^Jr')).toBe('Doe, Dr John A Jr');
    expect(formatPersonName('Doe')).toBe('Doe');
    expect(formatPersonName('^John')).toBe('John');
    expect(formatPersonName('  Doe ^  John  ^^^ ')).toBe('Doe, John');
  });

  it('uses the alphabetic group, else the ideographic, else the phonetic one', () => {
    expect(formatPersonName('Yamada^Tarou=山田^太郎=やまだ^たろう')).toBe('Yamada, Tarou');
    expect(formatPersonName('=山田^太郎=やまだ^たろう')).toBe('山田, 太郎');
    expect(formatPersonName('==やまだ^たろう')).toBe('やまだ, たろう');
  });

  it('gives the placeholder when the value names no one', () => {
    expect(formatPersonName('')).toBe('');
    expect(formatPersonName('^^^^')).toBe('');
    expect(formatPersonName('^^^^', 'Anonymous')).toBe('Anonymous');
  });

  it('reads a name already shown with spaces (reports remembered by older versions) unchanged', () => {
    expect(formatPersonName('Doe Jane')).toBe('Doe Jane');
  });

  it('compares names as they read, not as they are padded or cased', () => {
    expect(samePersonName('DOE^JOHN', 'Doe^John^^^')).toBe(true);
    expect(samePersonName('Doe^John', 'Doe^Jane')).toBe(false);
  });
});
