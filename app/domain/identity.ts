// Which patient a study's files name, and whether they disagree. Files are grouped into a study by Study Instance
// UID alone (PS3.3 C.7.2.1); two files that share one but carry different Patient IDs or names are a mix-up (a
// re-used UID, a merge gone wrong) that the clinician must see before a report is written for one of them.
import type { PatientIdentity, StudySummary } from './study';
import { formatPersonName, samePersonName } from '../dicom/person-name';

/** What an image says about its patient. */
export interface ImagePatient {
  imageId: string;
  patientName: string;
  patientId: string;
}

/** Two values disagree only when both are present: a file without a Patient ID does not contradict one with it. */
function disagree(a: ImagePatient, b: ImagePatient): boolean {
  const ids = a.patientId.trim() !== '' && b.patientId.trim() !== '' && a.patientId.trim() !== b.patientId.trim();
  const names = formatPersonName(a.patientName) !== '' && formatPersonName(b.patientName) !== '' && !samePersonName(a.patientName, b.patientName);
  return ids || names;
}

/** A key that is equal for images naming the same patient the same way (case and padding aside). */
export function patientKey(image: Pick<ImagePatient, 'patientName' | 'patientId'>): string {
  return `${image.patientId.trim()}\u0000${formatPersonName(image.patientName).toLocaleUpperCase()}`;
}

/**
 * The distinct patients a study's images name, in the images' order, when at least two of them disagree on the
 * Patient ID or the name; an empty list when the images agree.
 */
export function conflictingIdentities(images: readonly ImagePatient[]): PatientIdentity[] {
  // Images that name their patient alike cannot disagree: each way of naming is compared once, so a disc's
  // 500-image CT study costs one comparison, not 125 000.
  const ways = [...new Map(images.map((image) => [`${image.patientId}\u0000${image.patientName}`, image])).values()];
  const conflict = ways.some((a, i) => ways.slice(i + 1).some((b) => disagree(a, b)));
  if (!conflict) return [];
  const byKey = new Map<string, PatientIdentity>();
  for (const image of images) {
    const key = patientKey(image);
    const known = byKey.get(key);
    if (known) known.imageIds.push(image.imageId);
    else byKey.set(key, { patientName: image.patientName, patientId: image.patientId, imageIds: [image.imageId] });
  }
  return [...byKey.values()];
}

/** A stable description of a set of identities, so a confirmation holds only for the identities it was given for. */
export function identitiesSignature(identities: readonly Pick<PatientIdentity, 'patientName' | 'patientId'>[]): string {
  return [...new Set(identities.map(patientKey))].sort().join('\u0001');
}

/** "Doe, John (ID 123), Roe, Jane (ID 456)": the identities as a person reads them. */
export function describeIdentities(identities: readonly Pick<PatientIdentity, 'patientName' | 'patientId'>[]): string {
  return identities.map((i) => `${formatPersonName(i.patientName, 'no name')} (ID ${i.patientId.trim() || 'none'})`).join(', ');
}

/** Lines a report's header adds about its patient's identity: a confirmed conflict, or a study split by patient. */
export function identityNotes(study: Pick<StudySummary, 'studyInstanceUid' | 'identityConflict' | 'splitFrom'>): Array<[label: string, text: string]> {
  const notes: Array<[string, string]> = [];
  const conflict = study.identityConflict;
  if (conflict) {
    const who = describeIdentities(conflict.identities);
    notes.push(['Identity check', conflict.confirmed ? `the files name ${who}; the clinician confirmed they are one patient` : `NOT RESOLVED: the files name ${who}`]);
  }
  if (study.splitFrom) {
    notes.push(['Images', `this patient's only: the study's files name more than one patient and were opened as separate studies (report key ${study.studyInstanceUid})`]);
  }
  return notes;
}
