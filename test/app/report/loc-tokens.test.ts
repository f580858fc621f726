import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLocBoxes, stripLocTokens } from '../../../app/report/loc-tokens';

interface Generation { id: string; generated_text: string }
const generations = JSON.parse(readFileSync(join(__dirname, '../../fixtures/tokenizer/generations.json'), 'utf8')) as Generation[];
function byId(id: string): string {
  const g = generations.find((c) => c.id === id);
  if (!g) throw new Error(`no reference generation ${id}`);
  return g.generated_text;
}

// Tight boxes of the SIIM-ACR pneumothorax masks the model was fine-tuned on (x, y, width, height in pixels of the
// 1024×1024 originals), from ../shared/data/cxr/annotations/siim_acr_pneumothorax_masks.csv.
const siimBoxes: Record<string, [number, number, number, number]> = {
  dev11: [171, 99, 263, 156],
  dev12: [520, 82, 163, 80],
  dev13: [284, 149, 181, 104],
};

describe('parseLocBoxes', () => {
  it.each(Object.entries(siimBoxes))('maps the reference answer of %s back onto its mask box', (id, [x, y, w, h]) => {
    const boxes = parseLocBoxes(byId(id), { rows: 1024, columns: 1024 });
    expect(boxes).toEqual([{ label: 'pneumothorax', y0: y, x0: x, y1: y + h, x1: x + w }]);
  });

  it('scales each axis by the original image, not the model input', () => {
    const [box] = parseLocBoxes('<loc0512><loc0256><loc1024><loc0768> nodule', { rows: 2000, columns: 1000 });
    expect(box).toEqual({ label: 'nodule', y0: 1000, x0: 250, y1: 2000, x1: 750 });
  });

  it('reads several objects separated by " ; " and skips segmentation tokens', () => {
    const text = '<loc0000><loc0000><loc0512><loc0512> left effusion ; <loc0100><loc0600><loc0300><loc0900><seg001><seg127> right effusion';
    const boxes = parseLocBoxes(text, { rows: 1024, columns: 1024 });
    expect(boxes.map((b) => b.label)).toEqual(['left effusion', 'right effusion']);
    expect(boxes[1]).toMatchObject({ y0: 100, x0: 600, y1: 300, x1: 900 });
  });

  it('ignores incomplete quadruples, orders corners, and finds nothing in prose', () => {
    expect(parseLocBoxes('<loc0099><loc0171><loc02', { rows: 10, columns: 10 })).toEqual([]);
    expect(parseLocBoxes(byId('dev00'), { rows: 1024, columns: 1024 })).toEqual([]);
    const [box] = parseLocBoxes('<loc0300><loc0400><loc0100><loc0200> x', { rows: 1024, columns: 1024 });
    expect(box).toMatchObject({ y0: 100, x0: 200, y1: 300, x1: 400 });
  });

  it('strips location tokens for display', () => {
    expect(stripLocTokens(byId('dev11'))).toBe('pneumothorax');
  });
});
