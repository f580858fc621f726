import { describe, expect, it } from 'vitest';
import { edgeMarkers, imageOrientation, oppositeDirection, parsePatientOrientation } from '../../../app/domain/orientation';

const plain = { rotation: 0, hflip: false, vflip: false };

describe('orientation markers (PS3.3 C.7.6.1.1.1)', () => {
  it('reads Patient Orientation and refuses malformed values', () => {
    expect(parsePatientOrientation('L\\F')).toEqual({ row: 'L', column: 'F' });
    expect(parsePatientOrientation('lp\\f')).toEqual({ row: 'LP', column: 'F' });
    expect(parsePatientOrientation('')).toBeNull();
    expect(parsePatientOrientation('L')).toBeNull();
    expect(parsePatientOrientation('L\\R')).toBeNull();
    expect(parsePatientOrientation('LL\\F')).toBeNull();
    expect(parsePatientOrientation('X\\F')).toBeNull();
    expect(oppositeDirection('LP')).toBe('RA');
  });

  it('puts the patient direction of each edge on it: a PA film shows R left, L right, H top, F bottom', () => {
    expect(edgeMarkers({ row: 'L', column: 'F' }, plain)).toEqual({ left: 'R', right: 'L', top: 'H', bottom: 'F' });
    expect(edgeMarkers({ row: 'P', column: 'F' }, plain)).toEqual({ left: 'A', right: 'P', top: 'H', bottom: 'F' });
  });

  it('follows rotation and flips as the viewport applies them', () => {
    // Rotated 90° clockwise: the head points right.
    expect(edgeMarkers({ row: 'L', column: 'F' }, { ...plain, rotation: 90 })).toEqual({ left: 'F', right: 'H', top: 'R', bottom: 'L' });
    expect(edgeMarkers({ row: 'L', column: 'F' }, { ...plain, rotation: 180 })).toEqual({ left: 'L', right: 'R', top: 'F', bottom: 'H' });
    expect(edgeMarkers({ row: 'L', column: 'F' }, { ...plain, hflip: true })).toEqual({ left: 'L', right: 'R', top: 'H', bottom: 'F' });
    expect(edgeMarkers({ row: 'L', column: 'F' }, { ...plain, vflip: true })).toEqual({ left: 'R', right: 'L', top: 'F', bottom: 'H' });
    // Flip first, then rotate (cornerstone's order): a flipped film rotated 90° has the head to the right still.
    expect(edgeMarkers({ row: 'L', column: 'F' }, { rotation: 90, hflip: true, vflip: false })).toEqual({ left: 'F', right: 'H', top: 'L', bottom: 'R' });
  });

  it('assumes the conventional display from View Position when the file has no Patient Orientation, and nothing otherwise', () => {
    expect(imageOrientation({ viewPosition: 'PA', patientOrientation: 'R\\F' })).toEqual({ row: 'R', column: 'F', basis: 'file' });
    expect(imageOrientation({ viewPosition: 'PA' })).toEqual({ row: 'L', column: 'F', basis: 'view', view: 'PA' });
    expect(imageOrientation({ viewPosition: 'AP' })).toMatchObject({ row: 'L', basis: 'view' });
    expect(imageOrientation({ viewPosition: 'LL' })).toMatchObject({ row: 'P', basis: 'view' });
    expect(imageOrientation({ viewPosition: 'RL' })).toMatchObject({ row: 'A', basis: 'view' });
    expect(imageOrientation({ viewPosition: 'LATERAL', imageLaterality: 'R' })).toMatchObject({ row: 'A' });
    expect(imageOrientation({ viewPosition: '' })).toBeNull();
    expect(imageOrientation({ viewPosition: 'LLD' })).toBeNull();
  });
});
