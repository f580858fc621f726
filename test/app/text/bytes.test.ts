import { describe, expect, it } from 'vitest';
import { formatBytes } from '../../../app/text/bytes';

describe('formatBytes', () => {
  it('writes sizes in binary multiples, one decimal below ten', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1.0 KB');
    expect(formatBytes(3.25 * 1024 * 1024)).toBe('3.3 MB');
    expect(formatBytes(64 * 1024 * 1024)).toBe('64 MB');
    expect(formatBytes(2 ** 40 * 5)).toBe('5.0 TB');
  });
});
