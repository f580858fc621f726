import { describe, expect, it } from 'vitest';
import { comparisonText, findPriors, matchPatient } from '../../../app/domain/priors';
import type { StudySummary } from '../../../app/domain/study';

function study(uid: string, over: Partial<StudySummary> = {}): StudySummary {
  return {
    studyInstanceUid: uid,
    patientName: 'Reading^Rita',
    patientId: 'RR-1001',
    issuerOfPatientId: 'RADRAFT-TEST',
    patientBirthDate: '19580314',
    studyDate: '20250610',
    studyDescription: '',
    accessionNumber: '',
    modalities: ['CR'],
    images: [],
    ...over,
  };
}

describe('priors: the same patient by Patient ID with its issuer, birth date as a check, never by name', () => {
  it('matches only on ID and issuer, and refuses a birth date that differs', () => {
    const current = study('now');
    expect(matchPatient(current, study('a'))).toBe('same-patient');
    expect(matchPatient(current, study('a', { issuerOfPatientId: 'radraft-test ' }))).toBe('same-patient');
    expect(matchPatient(current, study('a', { issuerOfPatientId: 'OTHER-HOSPITAL' }))).toBe('different');
    expect(matchPatient(current, study('a', { issuerOfPatientId: undefined }))).toBe('different');
    expect(matchPatient(current, study('a', { patientId: 'RR-1002' }))).toBe('different');
    expect(matchPatient(current, study('a', { patientBirthDate: '19600101' }))).toBe('birth-date-differs');
    expect(matchPatient(current, study('a', { patientBirthDate: '' }))).toBe('same-patient');
    // Same name, no ID: never.
    expect(matchPatient(study('x', { patientId: '' }), study('y', { patientId: '' }))).toBe('different');
  });

  it('offers the earlier studies, most recent first, each once; not later, undated or unresolved ones', () => {
    const current = study('now');
    const candidates = [
      study('2023', { studyDate: '20230115' }),
      study('2024', { studyDate: '20240302' }),
      study('2024', { studyDate: '20240302' }),
      study('later', { studyDate: '20260101' }),
      study('undated', { studyDate: '' }),
      study('now'),
      study('other-issuer', { studyDate: '20240801', issuerOfPatientId: 'OTHER-HOSPITAL' }),
      study('other-dob', { studyDate: '20240901', patientBirthDate: '19600101' }),
      study('mixed', { studyDate: '20240101', identityConflict: { identities: [], confirmed: false } }),
      study('confirmed', { studyDate: '20220101', identityConflict: { identities: [], confirmed: true } }),
    ];
    expect(findPriors(current, candidates).map((s) => s.studyInstanceUid)).toEqual(['2024', '2023', 'confirmed']);
    expect(findPriors(study('nodate', { studyDate: '' }), candidates)).toEqual([]);
  });

  it('words the Comparison line with the prior’s kind and date', () => {
    expect(comparisonText(study('a', { studyDate: '20240302' }))).toBe('Chest radiograph 2024-03-02');
    expect(comparisonText(study('a', { studyDate: '20240302', modalities: ['CT'], studyDescription: 'CT THORAX' }))).toBe('CT THORAX 2024-03-02');
  });
});
