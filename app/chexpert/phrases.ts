// What counts as a mention of each observation. The categories and most phrases follow the published CheXpert
// labeler's mention and unmention lists (stanfordmlgroup/chexpert-labeler, phrases/); written here as word-anchored
// patterns over the cleaned, space-tokenized sentence, with these additions: statements about a normal structure
// (normal pulmonary vasculature → Edema, no acute osseous abnormality → Fracture, normal cardiomediastinal
// silhouette → Cardiomegaly, clear lungs → Lung Opacity) count only when they are negative or uncertain, and
// pleural masses/plaques are Pleural Other rather than Lung Lesion / no finding.
import type { Observation } from './observations';

export interface Phrase {
  /** Regular expression source over the cleaned sentence (lower case, tokens separated by one space). */
  pattern: string;
  /**
   * 'mention' (default): labelled by the rules; 'negative-only': a statement about a structure that names no
   * finding, kept only when negated or uncertain; 'uncertain': a finding that only suggests the observation
   * (vascular congestion → Edema), uncertain unless negated; 'negative': itself says the observation is absent.
   */
  kind?: 'mention' | 'negative-only' | 'uncertain' | 'negative';
  /** A heart/mediastinum structure: "stable" or "unchanged" makes it uncertain unless it is called normal or enlarged. */
  structure?: boolean;
}

const p = (pattern: string, extra: Omit<Phrase, 'pattern'> = {}): Phrase => ({ pattern, ...extra });

export const MENTIONS: Record<Exclude<Observation, 'No Finding'>, Phrase[]> = {
  'Enlarged Cardiomediastinum': [
    p('\\bcardiomediastin(?:um|al)(?: (?:silhouettes?|contours?|configuration|shadow))?\\b', { structure: true }),
    p('\\bmediastin(?:um|al) (?:and hilar )?(?:silhouettes?|contours?|configuration|width|size)\\b', { structure: true }),
    p('\\bmediastinum\\b', { structure: true }),
    p('\\bpericardial silhouette\\b', { structure: true }),
    p('\\b(?:mediastinal widening|widened mediastinum|widening of the mediastinum)\\b'),
  ],
  Cardiomegaly: [
    p('\\bcardiomegaly\\b'),
    p('\\b(?:cardiac enlargement|enlarged heart|enlargement of the heart)\\b'),
    p('\\bheart(?: size)?\\b', { structure: true }),
    p('\\bcardiac (?:and mediastinal )?(?:silhouettes?|contours?|shadow|size)\\b', { structure: true }),
    p('\\bcardiomediastinal (?:silhouettes?|contours?)\\b', { kind: 'negative-only', structure: true }),
    p('\\bcardiac and mediastinal\\b', { kind: 'negative-only', structure: true }),
  ],
  'Lung Opacity': [
    p('\\bopaci(?:ty|ties|fication|fied)\\b'),
    p('\\b(?:decreased translucency|increased density)\\b'),
    p('\\b(?:airspace|air space|air-space) (?:disease|process)\\b'),
    p('\\binfiltrat(?:e|es|ion|ive)\\b'),
    p('\\binterstitial (?:markings?|pattern|lung disease|prominence)\\b'),
    p('\\breticula(?:r|tion)\\b'),
    p('\\b(?:parenchymal )?scar(?:s|ring)?\\b'),
    p('\\b(?:peribronchial|bronchial wall) thickening\\b'),
    p('\\b(?:interstitial |pulmonary )?fibrosis\\b'),
    p('\\b(?:clear lungs?|lungs? (?:is |are |remains? |appears? )?(?:otherwise )?clear)\\b', { kind: 'negative' }),
  ],
  'Lung Lesion': [
    p('\\bmass(?:es)?\\b'),
    p('\\bnodul(?:e|es|ar (?:density|densities|opacity|opacities|opacification))\\b'),
    p('\\blump\\b'),
    p('\\bcavitary lesions?\\b'),
    p('\\b(?:carcinoma|neoplasm|tumou?r|malignancy)\\b'),
  ],
  Edema: [
    p('\\bedema\\b'),
    p('\\b(?:heart failure|chf)\\b'),
    p('\\b(?:vascular|pulmonary) congestion\\b', { kind: 'uncertain' }),
    p('\\b(?:indistinctness|vascular prominence)\\b', { kind: 'uncertain' }),
    p('\\bpulmonary vascula(?:ture|rity)\\b', { kind: 'negative-only' }),
  ],
  Consolidation: [p('\\bconsolidat(?:ion|ions|ive|ed)\\b')],
  Pneumonia: [p('\\bpneumonias?\\b'), p('\\binfect(?:ion|ions|ious)(?: process)?\\b')],
  Atelectasis: [p('\\batelecta(?:sis|tic|ses)\\b'), p('\\bcollapsed?\\b')],
  Pneumothorax: [p('\\bpneumothora(?:x|ces)\\b')],
  'Pleural Effusion': [
    p('\\b(?:pleural )?effusions?\\b'),
    p('\\bpleural fluid\\b'),
    p('\\b(?:pleural spaces? (?:is |are |appears? |remains? )?clear)\\b', { kind: 'negative' }),
    p('\\b(?:blunting of the (?:[a-z]+ ){0,3}costophrenic(?: angles?| sulc(?:us|i)| recess(?:es)?)?|costophrenic (?:[a-z]+ ){0,2}blunt(?:ing|ed))\\b', { kind: 'uncertain' }),
  ],
  'Pleural Other': [
    p('\\bpleural (?:thickening|plaques?|scar(?:ring)?|mass(?:es)?|fibrosis)\\b'),
    p('\\bfibrothorax\\b'),
    p('\\bpleuro-?(?:parenchymal|pericardial) scar(?:ring)?\\b'),
  ],
  Fracture: [
    p('\\bfractur(?:e|es|ed)\\b'),
    p('\\b(?:acute )?(?:osseous|bony|bone|skeletal) (?:abnormalit(?:y|ies)|findings?|injur(?:y|ies)|process)\\b', { kind: 'negative-only' }),
    p('\\b(?:osseous structures|bony structures|bones|bony thorax)\\b', { kind: 'negative-only' }),
  ],
  'Support Devices': [
    p('\\b(?:pacer|pacemaker|icd|defibrillator|picc|catheters?|cannula|mediport|port-a-cath|stents?|coils?)\\b'),
    p('\\b(?:lines?|tubes?|leads?|wires?|drains?|valves?|devices?|hardware|apparatus|equipment|plates?|screws?)\\b'),
    p('\\b(?:arthroplast(?:y|ies)|sternotomy|spinal fusion|fusion hardware|shunts?|tubing|anchors?|ivc filter)\\b'),
  ],
};

/** Matches that look like a mention but are not (from the CheXpert unmention lists, plus a few of the same kind). */
export const UNMENTIONS: Partial<Record<Observation, string[]>> = {
  Cardiomegaly: ['\\b(?:over|overlying|overlies|in|into|within|projecting over|projects over) the (?:superior |left |right )?heart\\b', '\\bheart failure\\b'],
  'Enlarged Cardiomediastinum': ['\\b(?:over|overlying|in|into|within) the (?:superior |left |right )?(?:mediastinum|cardiomediastinum)\\b'],
  'Lung Lesion': ['\\bcalcified nodul', '\\bmassive\\b', '\\b(?:pericardial|pleural|mediastinal|soft tissue|breast) mass(?:es)?\\b'],
  'Lung Opacity': ['\\bpleural scar', '\\bpleural fibrosis\\b', '\\bpleuro-?(?:parenchymal|pericardial) scar'],
  'Pleural Effusion': ['\\bpericardial effusions?\\b', '\\bjoint effusions?\\b'],
  'Support Devices': ['\\bpleural line\\b', '\\bskin (?:fold )?lines?\\b', '\\b(?:fissure|septal|kerley b?) lines?\\b', '\\blines? of\\b', '\\bplate-?like\\b'],
  Atelectasis: ['\\b(?:vertebral|compression) collapse\\b'],
};

/**
 * Findings outside the 14 that still mean the study is not normal: they block No Finding when present or uncertain
 * (the CheXpert labeler's no_finding list, written as stems, with a few more of the same kind).
 */
export const OTHER_FINDINGS: string[] = [
  '\\bemphysema', '\\bbull(?:ae|ous)\\b', '\\bcopd\\b', '\\bchronic obstructive', '\\bhyperinflat', '\\bhypoinflat', '\\bhyperexpan', '\\bhyperlucen',
  '\\bdensit(?:y|ies)\\b', '\\belevat(?:ion|ed)\\b', '\\beventration\\b', '\\bscoliosis\\b', '\\bkyphosis\\b', '\\bdegenera',
  '\\bcalcifi', '\\bosteophyt', '\\bspondylosis\\b', '\\barthritis\\b', '\\barthropathy\\b', '\\bosteopenia\\b', '\\bdeformit',
  '\\bhernia\\b', '\\bplaques?\\b', '\\btortuo', '\\baneurysm', '\\bectasia\\b', '\\batherosclero', '\\bgranulom',
  '\\bpneumomediastinum\\b', '\\bpneumoperitoneum\\b', '\\bfree air\\b', '\\bmetasta', '\\bcontusion\\b', '\\bhemorrhage\\b',
  '\\bhematoma\\b', '\\bvolume loss\\b', '\\bbronchiectasis\\b', '\\bbronchitis\\b', '\\bbronchiolitis\\b', '\\baspiration\\b',
  '\\bcephalization\\b', '\\bcuffing\\b', '\\bflatten', '\\benlarged pulmonary arter', '\\bpulmonary arter(?:y|ies) (?:is |are )?enlarged\\b',
  '\\bpericardial (?:mass|effusion)', '\\bthickening\\b', '\\bprominen(?:t|ce)\\b', '\\bhypertension\\b',
];
