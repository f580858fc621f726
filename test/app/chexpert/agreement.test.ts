import { describe, expect, it } from 'vitest';
import { agreement, CLASSES } from '../../../app/chexpert/agreement';

describe('CheXpert agreement', () => {
  const pairs = [
    { reference: { Cardiomegaly: 'positive', Edema: 'positive' }, generated: { Cardiomegaly: 'positive' } },
    { reference: { Cardiomegaly: 'negative' }, generated: { Cardiomegaly: 'positive', Edema: 'uncertain' } },
    { reference: { 'Pleural Effusion': 'uncertain' }, generated: { 'Pleural Effusion': 'positive' } },
  ] as const;

  it('counts per observation and pools for micro, averages defined F1s for macro', () => {
    const a = agreement(pairs);
    const cm = a.perObservation.find((o) => o.observation === 'Cardiomegaly');
    expect(cm).toMatchObject({ truePositives: 1, falsePositives: 1, falseNegatives: 0, support: 1, precision: 0.5, recall: 1 });
    expect(cm?.f1).toBeCloseTo(2 / 3, 12);
    const edema = a.perObservation.find((o) => o.observation === 'Edema');
    expect(edema).toMatchObject({ truePositives: 0, falseNegatives: 1, f1: 0 });
    // Pooled: tp 1, fp 2 (Cardiomegaly, Pleural Effusion), fn 1 (Edema).
    expect(a.micro.precision).toBeCloseTo(1 / 3, 12);
    expect(a.micro.recall).toBeCloseTo(1 / 2, 12);
    expect(a.micro.f1).toBeCloseTo(2 / 5, 12);
    // Defined for Cardiomegaly (2/3), Edema (0), Pleural Effusion (0); the other 11 are 0/0 and left out.
    expect(a.macroF1).toBeCloseTo(2 / 9, 12);
    expect(a.perObservation.find((o) => o.observation === 'Fracture')?.f1).toBeNull();
    expect(a.micro5.f1).toBeCloseTo(2 / 5, 12);
  });

  it('can count uncertain as positive', () => {
    const a = agreement(pairs, CLASSES.positiveOrUncertain);
    expect(a.perObservation.find((o) => o.observation === 'Pleural Effusion')?.f1).toBe(1);
    // Edema: reference positive in case 1 (missed), generated uncertain in case 2 (now a false positive).
    expect(a.perObservation.find((o) => o.observation === 'Edema')).toMatchObject({ truePositives: 0, falsePositives: 1, falseNegatives: 1 });
  });

  it('gives nulls, not NaN, when nothing is positive anywhere', () => {
    const a = agreement([{ reference: {}, generated: {} }]);
    expect(a.micro).toEqual({ precision: null, recall: null, f1: null });
    expect(a.macroF1).toBeNull();
  });
});
