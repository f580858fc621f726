import { describe, expect, it } from 'vitest';
import { formatDicomDate } from '../../../app/dicom/date';

describe('formatDicomDate (PS3.5 6.2 DA)', () => {
  it('writes YYYYMMDD and the ACR-NEMA YYYY.MM.DD as YYYY-MM-DD', () => {
    expect(formatDicomDate('20261126')).toBe('2026-11-26');
    expect(formatDicomDate(' 19991231 ')).toBe('1999-12-31');
    expect(formatDicomDate('1999.12.31')).toBe('1999-12-31');
  });

  it('prints anything else as stored, and the placeholder when empty', () => {
    expect(formatDicomDate('2026')).toBe('2026');
    expect(formatDicomDate('')).toBe('');
    expect(formatDicomDate('  ', '—')).toBe('—');
  });
});
