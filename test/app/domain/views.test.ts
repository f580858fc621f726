import { describe, expect, it } from 'vitest';
import { draftImage, frontalImage, preferredImage, viewRank } from '../../../app/domain/views';

const img = (imageId: string, viewPosition: string) => ({ imageId, viewPosition });

describe('frontal-first image choice', () => {
  it('ranks PA before AP before every other view', () => {
    expect(['LL', 'AP', '', 'PA', 'pa'].sort((a, b) => viewRank(a) - viewRank(b))).toEqual(['PA', 'pa', 'AP', 'LL', '']);
  });

  it('finds the frontal image: PA, then AP, whatever the order', () => {
    expect(frontalImage([img('lat', 'LL'), img('ap', 'AP'), img('pa', 'PA')])?.imageId).toBe('pa');
    expect(frontalImage([img('lat', 'LL'), img('ap', 'AP')])?.imageId).toBe('ap');
    expect(frontalImage([img('lat', 'LL')])).toBeUndefined();
  });

  it('opens a study on its frontal image, else its first', () => {
    expect(preferredImage([img('lat', 'LL'), img('ap', 'AP')])?.imageId).toBe('ap');
    expect(preferredImage([img('a', ''), img('b', 'LL')])?.imageId).toBe('a');
    expect(preferredImage([])).toBeUndefined();
  });

  it('drafts from the frontal image, else the one on screen, else the first', () => {
    expect(draftImage([img('lat', 'LL'), img('ap', 'AP'), img('pa', 'PA')], 'lat')?.imageId).toBe('pa');
    expect(draftImage([img('lat', 'LL'), img('ap', 'AP')], 'lat')?.imageId).toBe('ap');
    expect(draftImage([img('a', ''), img('b', '')], 'b')?.imageId).toBe('b');
    expect(draftImage([img('a', ''), img('b', '')], 'gone')?.imageId).toBe('a');
  });
});
