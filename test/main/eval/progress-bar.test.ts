import { describe, expect, it } from 'vitest';
import { formatDuration, progressLine } from '../../../main/eval/progress-bar';

describe('eval progress bar', () => {
  it('formats durations for people', () => {
    expect(formatDuration(480)).toBe('0.5 s');
    expect(formatDuration(42_400)).toBe('42 s');
    expect(formatDuration(303_000)).toBe('5 min 03 s');
    expect(formatDuration(30_300_000)).toBe('8 h 25 min');
    expect(formatDuration(Number.NaN)).toBe('?');
  });

  it('shows done/total, the bar, time per case and the ETA', () => {
    expect(progressLine(0, 4, 0, 0)).toBe('eval 0/4 [                        ] 0%  · ETA ?');
    expect(progressLine(2, 4, 2, 3000, 8)).toBe('eval 2/4 [===>    ] 50% 1.50 s/case · ETA 3.0 s');
    expect(progressLine(4, 4, 4, 6000, 8)).toBe('eval 4/4 [========] 100% 1.50 s/case');
  });
});
