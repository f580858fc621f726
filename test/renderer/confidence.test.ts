import { describe, expect, it } from 'vitest';
import { lowConfidenceRanges, segments } from '../../renderer/src/lib/report/confidence';

// "FINDINGS: Small left effusion.\nIMPRESSION: Effusion." tokenised roughly as a model would.
const pieces: Array<[string, number]> = [
  ['FIND', 0.99], ['INGS', 0.99], [':', 0.99], [' Small', 0.31], [' left', 0.95], [' eff', 0.9], ['usion', 0.2], ['.', 0.99],
  ['\n', 0.99], ['IMPRESSION', 0.99], [':', 0.99], [' Eff', 0.99], ['usion', 0.99], ['.', 0.4],
];
let text = '';
const spans = pieces.map(([t, p]) => {
  const start = text.length;
  text += t;
  return { start, end: text.length, probability: p };
});

describe('low-confidence tinting', () => {
  it('tints whole words holding a low-probability token, in section coordinates', () => {
    const findings = 'Small left effusion.';
    const ranges = lowConfidenceRanges(findings, text, spans, 0.5);
    expect(ranges).toEqual([
      { start: 0, end: 5 },
      { start: 11, end: 20 },
    ]);
    expect(segments(findings, ranges!)).toEqual([
      { text: 'Small', low: true },
      { text: ' left ', low: false },
      { text: 'effusion.', low: true },
    ]);
  });

  it('follows the threshold', () => {
    expect(lowConfidenceRanges('Small left effusion.', text, spans, 0.25)).toEqual([{ start: 11, end: 20 }]);
    expect(lowConfidenceRanges('Small left effusion.', text, spans, 0.1)).toEqual([]);
    expect(lowConfidenceRanges('Effusion.', text, spans, 0.5)).toEqual([{ start: 0, end: 9 }]);
  });

  it('gives up on edited text', () => {
    expect(lowConfidenceRanges('Large left effusion.', text, spans, 0.5)).toBeNull();
  });
});
