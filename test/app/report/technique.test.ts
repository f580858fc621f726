import { describe, expect, it } from 'vitest';
import { patientPositionOf, techniqueText } from '../../../app/report/technique';

const img = (imageId: string, over: Record<string, unknown>) => ({ imageId, modality: 'CR', viewPosition: '', ...over });

describe('Technique from the images', () => {
  it('names the projections and the position', () => {
    expect(techniqueText([img('l', { viewPosition: 'LL', patientPosition: 'ERECT' }), img('p', { viewPosition: 'PA', patientOrientationCode: 'erect' })])).toBe(
      'PA and lateral erect chest radiographs',
    );
    expect(techniqueText([img('a', { viewPosition: 'AP', patientPosition: 'SUPINE' })])).toBe('AP supine chest radiograph');
    expect(techniqueText([img('a', { viewPosition: 'AP SUPINE' })])).toBe('AP supine chest radiograph');
    expect(techniqueText([img('a', { viewPosition: 'PA' })])).toBe('PA chest radiograph');
    expect(techniqueText([img('a', { viewPosition: 'LL', patientPosition: 'HFS' })])).toBe('Lateral supine chest radiograph');
    expect(techniqueText([img('a', { viewPosition: 'PA', bodyPartExamined: 'RIBS' })])).toBe('PA ribs radiograph');
  });

  it('says nothing when the images do not tell, or are no radiographs', () => {
    expect(techniqueText([img('a', {})])).toBe('');
    expect(techniqueText([img('a', { modality: 'CT', viewPosition: 'PA' })])).toBe('');
    expect(techniqueText([])).toBe('');
  });

  it('reads the position as units write it', () => {
    expect(patientPositionOf(img('a', { patientPosition: 'SEMI-ERECT' }))).toBe('semi-erect');
    expect(patientPositionOf(img('a', { patientPosition: 'UPRIGHT' }))).toBe('erect');
    expect(patientPositionOf(img('a', { patientOrientationCode: 'recumbent' }))).toBe('recumbent');
    expect(patientPositionOf(img('a', { patientPosition: 'XYZ' }))).toBe('');
  });
});
