import { describe, expect, it } from 'vitest';
import { afterClosing, matchesSearch, nextUnreported, sortStudies, stepStudy, visibleStudies } from '../../../app/domain/worklist';
import type { ReportProgress } from '../../../app/report/review';

const study = (uid: string, patientName: string, studyDate: string, more: Partial<{ patientId: string; accessionNumber: string; studyDescription: string }> = {}) => ({
  studyInstanceUid: uid,
  patientName,
  studyDate,
  patientId: more.patientId ?? `ID-${uid}`,
  accessionNumber: more.accessionNumber ?? '',
  studyDescription: more.studyDescription ?? '',
});

const LIST = [
  study('a', 'Abercrombie-Fitzgerald^Maximiliana Josephine', '20250612', { accessionNumber: 'ACC-1', studyDescription: 'XR CHEST PA AND LATERAL' }),
  study('b', "O'Brien^Siobhán", '20250610', { patientId: 'RR-1001' }),
  study('c', 'Li^Wei', '20250530', { studyDescription: 'CHEST FOLLOW-UP PNEUMOTHORAX' }),
  study('d', 'Nobody^Undated', ''),
  study('e', 'Aaron^Same Day', '20250610'),
];

describe('the study list as a worklist', () => {
  it('finds a study by any word of its name (as stored or as shown, accents ignored), ID, accession or description', () => {
    const find = (q: string) => LIST.filter((s) => matchesSearch(s, q)).map((s) => s.studyInstanceUid);
    expect(find('')).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(find('siobhan')).toEqual(['b']);
    expect(find('SIOBHÁN')).toEqual(['b']);
    expect(find("o'brien, siob")).toEqual(['b']);
    expect(find('rr-1001')).toEqual(['b']);
    expect(find('acc-1')).toEqual(['a']);
    expect(find('pneumothorax')).toEqual(['c']);
    expect(find('chest pa')).toEqual(['a']);
    expect(find('maximiliana josephine')).toEqual(['a']);
    expect(find('li pneumothorax')).toEqual(['c']);
    expect(find('li emphysema')).toEqual([]);
  });

  it('sorts by study date either way, undated studies last, the same date by name', () => {
    expect(sortStudies(LIST, 'newest').map((s) => s.studyInstanceUid)).toEqual(['a', 'e', 'b', 'c', 'd']);
    expect(sortStudies(LIST, 'oldest').map((s) => s.studyInstanceUid)).toEqual(['c', 'e', 'b', 'a', 'd']);
    expect(visibleStudies(LIST, 'chest', 'oldest').map((s) => s.studyInstanceUid)).toEqual(['c', 'a']);
    // The study on screen stays listed, in its place, whatever the search.
    expect(visibleStudies(LIST, 'chest', 'oldest', 'b').map((s) => s.studyInstanceUid)).toEqual(['c', 'b', 'a']);
  });

  it('steps to the next and previous study as shown, stopping at the ends', () => {
    const shown = sortStudies(LIST, 'newest');
    expect(stepStudy(shown, 'a', 1)).toBe('e');
    expect(stepStudy(shown, 'e', -1)).toBe('a');
    expect(stepStudy(shown, 'a', -1)).toBeNull();
    expect(stepStudy(shown, 'd', 1)).toBeNull();
    expect(stepStudy(shown, null, 1)).toBe('a');
    expect(stepStudy(shown, 'hidden', -1)).toBe('d');
    expect(stepStudy([], null, 1)).toBeNull();
  });

  it('finds the next unreported study round the end of the list, skipping signed ones', () => {
    const shown = sortStudies(LIST, 'newest'); // a e b c d
    const progress: Record<string, ReportProgress> = { a: 'edited', e: 'final', b: 'ai-draft', c: 'addendum', d: 'none' };
    const of = (uid: string) => progress[uid];
    expect(nextUnreported(shown, 'a', of)).toBe('b');
    expect(nextUnreported(shown, 'b', of)).toBe('d');
    expect(nextUnreported(shown, 'd', of)).toBe('a');
    expect(nextUnreported(shown, null, of)).toBe('a');
    const allSigned = (uid: string): ReportProgress => (uid === 'a' ? 'edited' : 'final');
    expect(nextUnreported(shown, 'a', allSigned)).toBe('a');
    expect(nextUnreported(shown, 'e', () => 'final')).toBeNull();
  });

  it('selects the study after a closed one, else the one before', () => {
    const shown = sortStudies(LIST, 'newest');
    expect(afterClosing(shown, 'a')).toBe('e');
    expect(afterClosing(shown, 'd')).toBe('c');
    expect(afterClosing([shown[0]], 'a')).toBeNull();
    expect(afterClosing(shown, 'gone')).toBeNull();
  });
});
