import { describe, expect, it } from 'vitest';
import { conflictingIdentities, describeIdentities, identitiesSignature, identityNotes } from '../../../app/domain/identity';

const img = (imageId: string, patientName: string, patientId: string) => ({ imageId, patientName, patientId });

describe('patient identity of a study', () => {
  it('finds no conflict when the files agree, also in case, padding or a missing value', () => {
    expect(conflictingIdentities([img('a', 'Doe^John', '123'), img('b', 'DOE^JOHN^^', '123')])).toEqual([]);
    expect(conflictingIdentities([img('a', 'Doe^John', '123'), img('b', '', '123'), img('c', 'Doe^John', '')])).toEqual([]);
    expect(conflictingIdentities([img('a', 'Doe^John', '123')])).toEqual([]);
  });

  it('lists each distinct patient with its images when the Patient ID or the name differ', () => {
    expect(conflictingIdentities([img('a', 'Doe^John', '123'), img('b', 'Doe^John', '456'), img('c', 'Doe^John', '123')])).toEqual([
      { patientName: 'Doe^John', patientId: '123', imageIds: ['a', 'c'] },
      { patientName: 'Doe^John', patientId: '456', imageIds: ['b'] },
    ]);
    expect(conflictingIdentities([img('a', 'Doe^John', '123'), img('b', 'Roe^Jane', '123')]).map((i) => i.imageIds)).toEqual([['a'], ['b']]);
  });

  it('signs a set of identities independently of order, case and padding', () => {
    const one = [img('a', 'Doe^John', '123'), img('b', 'Roe^Jane', '456')];
    expect(identitiesSignature(one)).toBe(identitiesSignature([img('x', 'ROE^JANE^^', '456'), img('y', 'Doe^John', '123')]));
    expect(identitiesSignature(one)).not.toBe(identitiesSignature([...one, img('c', 'Poe^Edgar', '789')]));
  });

  it('says in the report header what the clinician decided', () => {
    const identities = [
      { patientName: 'Doe^John', patientId: '123', imageIds: ['a'] },
      { patientName: 'Roe^Jane', patientId: '', imageIds: ['b'] },
    ];
    expect(describeIdentities(identities)).toBe('Doe, John (ID 123), Roe, Jane (ID none)');
    expect(identityNotes({ studyInstanceUid: '1.2', identityConflict: { identities, confirmed: true } })).toEqual([
      ['Identity check', 'the files name Doe, John (ID 123), Roe, Jane (ID none); the clinician confirmed they are one patient'],
    ]);
    expect(identityNotes({ studyInstanceUid: '1.2', identityConflict: { identities, confirmed: false } })[0][1]).toMatch(/^NOT RESOLVED/);
    expect(identityNotes({ studyInstanceUid: '2.25.9', splitFrom: '1.2' })[0][1]).toMatch(/this patient's only.*report key 2\.25\.9/);
    expect(identityNotes({ studyInstanceUid: '1.2' })).toEqual([]);
  });
});
