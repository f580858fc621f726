import { describe, expect, it } from 'vitest';
import { classifyView, defaultLayout, draftImage, frontalAndLateral, frontalImage, hangImages, preferredImage, viewRank } from '../../../app/domain/views';

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

describe('view classification and the hanging protocol', () => {
  const image = (imageId: string, over: Record<string, unknown> = {}) => ({ imageId, viewPosition: '', rows: 1000, columns: 1000, ...over });

  it('reads the view from View Position, else Patient Orientation, else Series Description', () => {
    expect(classifyView(image('a', { viewPosition: 'PA' }))).toEqual({ kind: 'frontal', projection: 'PA', basis: 'View Position' });
    expect(classifyView(image('a', { viewPosition: 'AP SUPINE' }))).toMatchObject({ kind: 'frontal', projection: 'AP' });
    expect(classifyView(image('a', { viewPosition: 'LL' }))).toMatchObject({ kind: 'lateral', basis: 'View Position' });
    expect(classifyView(image('a', { viewPosition: 'LATERAL' })).kind).toBe('lateral');
    expect(classifyView(image('a', { patientOrientation: 'L\\F' }))).toMatchObject({ kind: 'frontal', basis: 'Patient Orientation' });
    expect(classifyView(image('a', { patientOrientation: 'P\\F' }))).toMatchObject({ kind: 'lateral', basis: 'Patient Orientation' });
    expect(classifyView(image('a', { patientOrientation: 'AL\\F' }))).toMatchObject({ kind: 'lateral', basis: 'Patient Orientation' });
    expect(classifyView(image('a', { seriesDescription: 'Thorax lat.' }))).toMatchObject({ kind: 'lateral', basis: 'Series Description' });
    expect(classifyView(image('a', { seriesDescription: 'view: PA' }))).toMatchObject({ kind: 'frontal', projection: 'PA', basis: 'Series Description' });
    expect(classifyView(image('a', { seriesDescription: 'CHEST' }))).toMatchObject({ kind: 'unknown', basis: 'nothing' });
    // View Position wins over a description that says otherwise.
    expect(classifyView(image('a', { viewPosition: 'PA', seriesDescription: 'LAT' })).kind).toBe('frontal');
  });

  it('hangs a PA and lateral study 1×2, frontal left, lateral right, whatever the file order', () => {
    const lateral = image('lat', { viewPosition: 'LL' });
    const pa = image('pa', { viewPosition: 'PA' });
    expect(defaultLayout([lateral, pa])).toBe('1x2');
    expect(hangImages('1x2', [lateral, pa])).toEqual(['pa', 'lat']);
    expect(hangImages('1x1', [lateral, pa])).toEqual(['pa']);
    expect(hangImages('2x2', [lateral, pa])).toEqual(['pa', 'lat', null, null]);
    expect(defaultLayout([pa])).toBe('1x1');
    expect(hangImages('1x2', [pa])).toEqual(['pa', null]);
  });

  it('tells two films with no view apart by shape: the wider frontal, the narrower lateral', () => {
    const wide = image('wide', { rows: 1760, columns: 2140 });
    const narrow = image('narrow', { rows: 2140, columns: 1760 });
    const hung = frontalAndLateral([narrow, wide]);
    expect([hung.frontal?.image.imageId, hung.frontal?.basis, hung.lateral?.image.imageId]).toEqual(['wide', 'image shape', 'narrow']);
    expect(hangImages('1x2', [narrow, wide])).toEqual(['wide', 'narrow']);
    // Two films of one shape say nothing: no guess.
    expect(frontalAndLateral([image('a'), image('b')])).toEqual({ frontal: null, lateral: null });
    expect(defaultLayout([image('a'), image('b')])).toBe('1x1');
    // A known frontal and a narrower unknown film: the unknown one is the lateral.
    expect(frontalAndLateral([image('pa', { viewPosition: 'PA', rows: 1760, columns: 2140 }), narrow]).lateral?.image.imageId).toBe('narrow');
  });

  it('hangs the prior beside the current in compare: frontal beside frontal, laterals below in 2×2', () => {
    const current = [image('cur-lat', { viewPosition: 'LL' }), image('cur-pa', { viewPosition: 'PA' })];
    const prior = [image('old-pa', { viewPosition: 'PA' })];
    expect(hangImages('1x2', current, prior)).toEqual(['cur-pa', 'old-pa']);
    expect(hangImages('2x2', current, prior)).toEqual(['cur-pa', 'old-pa', 'cur-lat', null]);
    expect(hangImages('1x1', current, prior)).toEqual(['cur-pa']);
  });
});
