// The 14 observations of the CheXpert labeler (Irvin et al., AAAI 2019) and the label a report gives each.

export const OBSERVATIONS = [
  'No Finding',
  'Enlarged Cardiomediastinum',
  'Cardiomegaly',
  'Lung Opacity',
  'Lung Lesion',
  'Edema',
  'Consolidation',
  'Pneumonia',
  'Atelectasis',
  'Pneumothorax',
  'Pleural Effusion',
  'Pleural Other',
  'Fracture',
  'Support Devices',
] as const;
export type Observation = (typeof OBSERVATIONS)[number];

/** The five observations most papers also report separately (CheXpert competition tasks). */
export const FIVE_OBSERVATIONS: readonly Observation[] = ['Atelectasis', 'Cardiomegaly', 'Consolidation', 'Edema', 'Pleural Effusion'];

export type MentionLabel = 'positive' | 'negative' | 'uncertain';

/** An observation the text does not speak of is absent (the CheXpert labeler's blank). */
export type ObservationLabels = Partial<Record<Observation, MentionLabel>>;

/**
 * Several mentions of one observation combine as the CheXpert labeler's aggregator does: negative + uncertain →
 * uncertain; positive with anything → positive.
 */
export function combineLabels(a: MentionLabel | undefined, b: MentionLabel): MentionLabel {
  if (a === undefined || a === b) return b;
  if (a === 'positive' || b === 'positive') return 'positive';
  return 'uncertain';
}
