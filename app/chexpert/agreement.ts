// Agreement between two sets of CheXpert labels, per observation and averaged: the "CheXpert F1" report-generation
// papers quote (generated report labels scored against reference report labels, positive = the class), and the
// mention / negation / uncertainty F1 the CheXpert paper uses to score a labeler against hand labels.
import { FIVE_OBSERVATIONS, OBSERVATIONS, type MentionLabel, type Observation, type ObservationLabels } from './observations';

export interface LabelPair {
  reference: ObservationLabels;
  generated: ObservationLabels;
}

export interface PrecisionRecall {
  precision: number | null;
  recall: number | null;
  /** null when neither side has the class (0/0); it is then left out of macro averages. */
  f1: number | null;
}

export interface ObservationAgreement extends PrecisionRecall {
  observation: Observation;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  /** Cases where the reference has the class. */
  support: number;
}

export interface AgreementSummary {
  perObservation: ObservationAgreement[];
  /** Pooled counts over the observations. */
  micro: PrecisionRecall;
  /** Mean F1 over the observations where it is defined. */
  macroF1: number | null;
  /** The same over the five CheXpert competition observations. */
  micro5: PrecisionRecall;
  macroF1Of5: number | null;
}

/** Which labels count as "has the class". */
export type LabelClass = (label: MentionLabel | undefined) => boolean;

export const CLASSES = {
  /** The CheXpert F1 of report generation: positive only (uncertain counts as not positive). */
  positive: (l) => l === 'positive',
  /** Positive or uncertain, the "uncertain as positive" variant some papers use. */
  positiveOrUncertain: (l) => l === 'positive' || l === 'uncertain',
  mention: (l) => l !== undefined,
  negative: (l) => l === 'negative',
  uncertain: (l) => l === 'uncertain',
} satisfies Record<string, LabelClass>;

function ratio(num: number, den: number): number | null {
  return den === 0 ? null : num / den;
}

function scores(tp: number, fp: number, fn: number): PrecisionRecall {
  return { precision: ratio(tp, tp + fp), recall: ratio(tp, tp + fn), f1: ratio(2 * tp, 2 * tp + fp + fn) };
}

function mean(values: (number | null)[]): number | null {
  const defined = values.filter((v): v is number => v !== null);
  return defined.length === 0 ? null : defined.reduce((s, v) => s + v, 0) / defined.length;
}

export function agreement(pairs: readonly LabelPair[], hasClass: LabelClass = CLASSES.positive, observations: readonly Observation[] = OBSERVATIONS): AgreementSummary {
  const perObservation = observations.map((observation): ObservationAgreement => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const { reference, generated } of pairs) {
      const r = hasClass(reference[observation]);
      const g = hasClass(generated[observation]);
      if (r && g) tp++;
      else if (g) fp++;
      else if (r) fn++;
    }
    return { observation, truePositives: tp, falsePositives: fp, falseNegatives: fn, support: tp + fn, ...scores(tp, fp, fn) };
  });
  const pooled = (list: ObservationAgreement[]): PrecisionRecall =>
    scores(
      list.reduce((s, o) => s + o.truePositives, 0),
      list.reduce((s, o) => s + o.falsePositives, 0),
      list.reduce((s, o) => s + o.falseNegatives, 0),
    );
  const five = perObservation.filter((o) => FIVE_OBSERVATIONS.includes(o.observation));
  return {
    perObservation,
    micro: pooled(perObservation),
    macroF1: mean(perObservation.map((o) => o.f1)),
    micro5: pooled(five),
    macroF1Of5: mean(five.map((o) => o.f1)),
  };
}
