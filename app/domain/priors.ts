// A patient's earlier studies, for comparison. A Patient ID names one patient only together with its Issuer of
// Patient ID (0010,0021; PS3.3 C.7.1.1): "12345" of one hospital is not "12345" of another. The birth date is a check
// (two studies whose birth dates differ are not offered, whatever their IDs say), and a name alone never matches:
// names repeat, and a wrong prior beside the current film is worse than none.
import { formatDicomDate } from '../dicom/date';
import type { StudySummary } from './study';

type Keyed = Pick<StudySummary, 'studyInstanceUid' | 'patientId' | 'issuerOfPatientId' | 'patientBirthDate' | 'studyDate' | 'identityConflict'>;

export type PatientMatch =
  /** Same Patient ID and issuer, and birth dates that do not disagree. */
  | 'same-patient'
  /** Same Patient ID and issuer, but another birth date: a mix-up somewhere; not offered. */
  | 'birth-date-differs'
  /** No Patient ID, another one, or another issuer. */
  | 'different';

const norm = (value: string | undefined): string => (value ?? '').trim().toUpperCase();

export function matchPatient(a: Keyed, b: Keyed): PatientMatch {
  const id = (a.patientId ?? '').trim();
  if (id === '' || id !== (b.patientId ?? '').trim()) return 'different';
  // An absent issuer is a value of its own: an ID without one is only known to be the same within one source.
  if (norm(a.issuerOfPatientId) !== norm(b.issuerOfPatientId)) return 'different';
  const birthA = norm(a.patientBirthDate);
  const birthB = norm(b.patientBirthDate);
  if (birthA !== '' && birthB !== '' && birthA !== birthB) return 'birth-date-differs';
  return 'same-patient';
}

/** A study's date as a sortable key, or '' when it has none that reads as a date (PS3.5 DA). */
function dateKey(studyDate: string): string {
  const iso = formatDicomDate(studyDate);
  return /^\d{4}-\d{2}-\d{2}$/.test(iso) ? iso : '';
}

/** Its files name one patient (or the clinician confirmed they are one): only then is it anybody's prior. */
function onePatient(study: Keyed): boolean {
  return !study.identityConflict || study.identityConflict.confirmed;
}

/**
 * The current study's priors among `candidates` (what Radraft has open and what its database remembers): the same
 * patient's studies dated before it, most recent first, each once. A study without a date cannot be placed in time
 * and is not offered.
 */
export function findPriors<T extends Keyed>(current: Keyed, candidates: readonly T[]): T[] {
  const now = dateKey(current.studyDate);
  if (now === '' || !onePatient(current)) return [];
  const seen = new Set<string>([current.studyInstanceUid]);
  const priors: T[] = [];
  for (const c of candidates) {
    if (seen.has(c.studyInstanceUid)) continue;
    const when = dateKey(c.studyDate);
    if (when === '' || when >= now || !onePatient(c) || matchPatient(current, c) !== 'same-patient') continue;
    seen.add(c.studyInstanceUid);
    priors.push(c);
  }
  return priors.sort((a, b) => dateKey(b.studyDate).localeCompare(dateKey(a.studyDate)) || a.studyInstanceUid.localeCompare(b.studyInstanceUid));
}

const RADIOGRAPHY = new Set(['CR', 'DX', 'DR', 'RG']);
const CHEST_PARTS = new Set(['', 'CHEST', 'THORAX', 'LUNG', 'LUNGS']);

/** What kind of study it was, in the words of a Comparison line: "Chest radiograph", else its description or modality. */
export function studyKind(study: Pick<StudySummary, 'modalities' | 'studyDescription' | 'images'>): string {
  const radiograph = study.modalities.length === 0 || study.modalities.some((m) => RADIOGRAPHY.has(m.toUpperCase()));
  const chest = study.images.every((i) => CHEST_PARTS.has(norm(i.bodyPartExamined)));
  if (radiograph && chest) return 'Chest radiograph';
  return study.studyDescription.trim() || (study.modalities.length > 0 ? `${study.modalities.join('/')} study` : 'Study');
}

/** The Comparison section's text for a prior: "Chest radiograph 2024-03-02". */
export function comparisonText(prior: Pick<StudySummary, 'modalities' | 'studyDescription' | 'images' | 'studyDate'>): string {
  return `${studyKind(prior)} ${formatDicomDate(prior.studyDate, 'of unknown date')}`;
}
