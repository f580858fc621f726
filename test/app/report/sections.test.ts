import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitReportText } from '../../../app/report/sections';

interface Generation { id: string; prompt: string; generated_text: string }
const generations = JSON.parse(readFileSync(join(__dirname, '../../fixtures/tokenizer/generations.json'), 'utf8')) as Generation[];

describe('splitReportText', () => {
  it('splits a reference report at FINDINGS: and IMPRESSION:', () => {
    const text = 'FINDINGS: Right pneumothorax is present. Heart size is normal. No pleural effusion.\nIMPRESSION: Moderate right pneumothorax.';
    expect(splitReportText(text)).toMatchObject({
      findings: 'Right pneumothorax is present. Heart size is normal. No pleural effusion.',
      impression: 'Moderate right pneumothorax.',
      indication: '',
    });
  });

  it('gives every report the model wrote a findings and an impression that together hold all its text', () => {
    for (const g of generations.filter((c) => c.prompt === 'report en')) {
      const s = splitReportText(g.generated_text);
      expect(s.findings, g.id).not.toBe('');
      expect(s.impression, g.id).not.toBe('');
      expect(`FINDINGS: ${s.findings}\nIMPRESSION: ${s.impression}`, g.id).toBe(g.generated_text);
    }
  });

  it('puts text without headers, or before the first header, into findings', () => {
    expect(splitReportText('Lungs are clear.')).toMatchObject({ findings: 'Lungs are clear.', impression: '' });
    expect(splitReportText('Portable view.\nimpression: normal')).toMatchObject({ findings: 'Portable view.', impression: 'normal' });
  });

  it('does not split at a header word inside a sentence', () => {
    expect(splitReportText('FINDINGS: no change in impression: stable.').impression).toBe('');
  });

  it('never shows a half-written header while streaming, and converges on the final split', () => {
    const text = generations[0].generated_text;
    let previousImpression = '';
    for (let n = 1; n <= text.length; n++) {
      const partial = splitReportText(text.slice(0, n), { final: false });
      expect(partial.findings).not.toMatch(/\n\s*I(M(P(R(E(S(S(I(O(N)?)?)?)?)?)?)?)?)?$/);
      expect(partial.findings.includes('IMPRESSION')).toBe(false);
      expect(partial.impression.startsWith(previousImpression)).toBe(true);
      previousImpression = partial.impression;
    }
    expect(splitReportText(text, { final: false })).toEqual(splitReportText(text));
  });
});
