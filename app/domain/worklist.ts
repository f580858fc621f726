// The study list as a worklist: which studies a search shows, in which order, and which one "next", "previous" and
// "next unreported" go to. Pure: the renderer's study list and its keys use it, the unit tests check it.
import { formatDicomDate } from '../dicom/date';
import { formatPersonName } from '../dicom/person-name';
import { isUnreported, type ReportProgress } from '../report/review';
import type { StudySummary } from './study';

export type Listed = Pick<StudySummary, 'studyInstanceUid' | 'patientName' | 'patientId' | 'accessionNumber' | 'studyDescription' | 'studyDate'>;

/** Newest first (the reading order of a day's list) or oldest first. */
export type StudyOrder = 'newest' | 'oldest';

/** Lower case, accents off ("Müller" is found by "muller"), DICOM's ^ name separators as spaces. */
function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/\^/g, ' ')
    .toLowerCase();
}

/** What a search looks in: the name as stored and as shown, Patient ID, Accession Number, Study Description. */
function haystack(study: Listed): string {
  return fold([study.patientName, formatPersonName(study.patientName, ''), study.patientId, study.accessionNumber, study.studyDescription].join('\n'));
}

/** Every word of the query appears in one of the study's searched fields (so "rita 2025" or "smith acc-12" narrow). */
export function matchesSearch(study: Listed, query: string): boolean {
  const words = fold(query).split(/[\s,]+/).filter((w) => w !== '');
  if (words.length === 0) return true;
  const text = haystack(study);
  return words.every((w) => text.includes(w));
}

/** A study's date as a sortable key, '' when it has none that reads as a date (PS3.5 DA). */
function dateKey(study: Listed): string {
  const iso = formatDicomDate(study.studyDate);
  return /^\d{4}-\d{2}-\d{2}$/.test(iso) ? iso : '';
}

/** Sorted by study date; undated studies last either way; the same date by name, then UID, so the order is stable. */
export function sortStudies<T extends Listed>(studies: readonly T[], order: StudyOrder): T[] {
  const sign = order === 'newest' ? -1 : 1;
  return [...studies].sort((a, b) => {
    const da = dateKey(a);
    const db = dateKey(b);
    if (da === '' || db === '') {
      if (da !== db) return da === '' ? 1 : -1;
    } else if (da !== db) return sign * da.localeCompare(db);
    return fold(a.patientName).localeCompare(fold(b.patientName)) || a.studyInstanceUid.localeCompare(b.studyInstanceUid);
  });
}

/**
 * The studies the list shows: those matching the query, in date order, and the study on screen (`keepUid`) even
 * when the search does not find it, so the list never hides which study the viewer and the editor show.
 */
export function visibleStudies<T extends Listed>(studies: readonly T[], query: string, order: StudyOrder, keepUid: string | null = null): T[] {
  return sortStudies(
    studies.filter((s) => s.studyInstanceUid === keepUid || matchesSearch(s, query)),
    order,
  );
}

/**
 * The study `step` places after (1) or before (-1) the current one in the list as shown, or null at either end. With
 * no current study (or one the search hides), the first (or last) shown.
 */
export function stepStudy(list: readonly Listed[], currentUid: string | null, step: 1 | -1): string | null {
  if (list.length === 0) return null;
  const at = list.findIndex((s) => s.studyInstanceUid === currentUid);
  if (at < 0) return (step === 1 ? list[0] : list[list.length - 1]).studyInstanceUid;
  return list[at + step]?.studyInstanceUid ?? null;
}

/**
 * The next study still to be reported after the current one, going round to the top of the list; the current study
 * itself only when it is the one left. Null when every study shown is signed.
 */
export function nextUnreported(list: readonly Listed[], currentUid: string | null, progress: (uid: string) => ReportProgress): string | null {
  const at = list.findIndex((s) => s.studyInstanceUid === currentUid);
  for (let i = 1; i <= list.length; i++) {
    const s = list[(at + i + list.length) % list.length];
    if (s && isUnreported(progress(s.studyInstanceUid))) return s.studyInstanceUid;
  }
  return null;
}

/** Which study to select once `closedUid` is off the list: the one after it as shown, else the one before, else none. */
export function afterClosing(list: readonly Listed[], closedUid: string): string | null {
  const at = list.findIndex((s) => s.studyInstanceUid === closedUid);
  if (at < 0) return null;
  return list[at + 1]?.studyInstanceUid ?? list[at - 1]?.studyInstanceUid ?? null;
}
