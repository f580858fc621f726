// Negation and uncertainty rules. The CheXpert labeler matches dependency-graph patterns (NegBio + Semgrex) in three
// passes: pre-negation uncertainty ("cannot exclude X", "no new X"), then negation ("no X", "X is normal", "X has
// resolved"), then post-negation uncertainty ("possible X", "X or Y", "may represent X"). Radraft has no parser, so the
// same three passes use trigger phrases with a direction and a scope, as NegEx does: a trigger before the mention
// reaches forward over at most `window` words, one after it reaches back, and neither crosses a clause boundary.

export type RuleKind = 'pre-negation-uncertainty' | 'negation' | 'uncertainty';

export interface Trigger {
  name: string;
  /** Regular expression source over the cleaned sentence. */
  pattern: string;
  kind: RuleKind;
  /** 'forward': the trigger comes before the mention; 'backward': after it. */
  direction: 'forward' | 'backward' | 'both';
  /** Most words between trigger and mention. */
  window: number;
  /** A comma between trigger and mention ends the scope ("within normal limits, stable contours"). */
  commaBlocks?: boolean;
  /** Only these observations (default: all). */
  only?: readonly string[];
}

const t = (name: string, kind: RuleKind, direction: Trigger['direction'], window: number, pattern: string, extra: Pick<Trigger, 'commaBlocks' | 'only'> = {}): Trigger => ({
  name,
  kind,
  direction,
  window,
  pattern,
  ...extra,
});

const UNLIMITED = 1000;

export const TRIGGERS: Trigger[] = [
  // Pass 1: uncertainty that would otherwise read as negation.
  t('cannot exclude', 'pre-negation-uncertainty', 'forward', 8, '\\b(?:cannot|can not|can\'t|could not|difficult to|unable to|not possible to) (?:be )?(?:exclude|excluded|rule out|ruled out)\\b'),
  t('not excluded', 'pre-negation-uncertainty', 'backward', 6, '\\b(?:cannot|can not|can\'t|could not|not|unable to) (?:be )?(?:completely |entirely |definitely )?(?:excluded|ruled out)\\b'),
  t('no new', 'pre-negation-uncertainty', 'forward', 3, '\\bno (?:definite )?new\\b'),
  t('no evidence to rule out', 'pre-negation-uncertainty', 'forward', 6, '\\bno evidence to rule out\\b'),

  // Pass 2: negation.
  t('no', 'negation', 'forward', 10, '\\b(?:no|without|negative for|free of|absence of|absent|never)\\b'),
  t('not', 'negation', 'forward', 3, '\\bnot\\b'),
  t('rule out / exclude', 'negation', 'forward', 6, '\\b(?:rule out|ruled out|r or o|to exclude|exclude)\\b'),
  t('resolution of', 'negation', 'forward', 6, '\\b(?:resolution|resolved|removal|removed|clearing|cleared|disappearance|clear) of\\b|\\b(?:interval )?removal\\b'),
  t('normal', 'negation', 'forward', 3, '\\b(?:normal|unremarkable)\\b(?! limits)', { commaBlocks: true }),
  t('normal (after)', 'negation', 'backward', 4, '\\b(?:normal|unremarkable)\\b', { commaBlocks: true }),
  t('within normal limits', 'negation', 'backward', 6, '\\b(?:within|at) (?:the )?(?:upper )?(?:normal limits|limits? of normal)\\b'),
  t('not enlarged / not seen', 'negation', 'backward', 4, '\\bnot (?:enlarged|seen|identified|visualized|present|demonstrated|evident|detected)\\b'),
  t('resolved / removed', 'negation', 'backward', 4, '\\b(?:has |have |had )?(?:since |now |completely |interval )?(?:resolved|cleared|been removed|removed|disappeared)\\b'),
  t('no longer', 'negation', 'backward', 4, '\\bno longer\\b'),
  t('shows no', 'negation', 'backward', 2, '\\b(?:show|shows|showing|demonstrate|demonstrates|reveal|reveals) no\\b'),
  t('absent (after)', 'negation', 'backward', 3, '\\babsent\\b'),
  t('intact', 'negation', 'backward', 3, '\\bintact\\b', { only: ['Fracture'] }),

  // Pass 3: uncertainty.
  t('possible', 'uncertainty', 'forward', 6, '\\b(?:possible|possibly|probable|probably|presumably|presumed|questionable|question of|questioned|suspect|suspected|suspicious|suspicion|concerning|concern|worrisome|equivocal|likely|borderline|may|might|could|would|perhaps|suggests?|suggesting|suggestive|favor|favors|consider|considered|considerations|vs|versus)\\b'),
  t('differential', 'uncertainty', 'forward', UNLIMITED, '\\bdifferential\\b'),
  t('possible (after)', 'uncertainty', 'backward', 3, '\\b(?:possible|possibly|questioned|suspected|borderline|not well (?:seen|visualized|evaluated)|poorly (?:seen|visualized|evaluated)|incompletely (?:seen|visualized|evaluated)|versus|vs)\\b'),
  t('or (after)', 'uncertainty', 'backward', 1, '\\bor\\b'),
  t('or (before)', 'uncertainty', 'forward', 3, '\\bor\\b'),
];

/** Phrases that look like a trigger but are not one ("no change", "not only"). */
export const PSEUDO_TRIGGERS: string[] = [
  '\\b(?:no|without|not) (?:significant |appreciable |substantial |interval |definite |other )?(?:change|changed|increase|worsening|progression)\\b',
  '\\bnot only\\b',
  '\\bno further\\b',
  '\\bgram negative\\b',
  '\\bno acute\\b(?= (?:cardiopulmonary|pulmonary|intrathoracic|chest))',
];

/** Words and marks that end a clause: no trigger reaches across them. */
export const CLAUSE_BREAKS = new Set(['.', ';', ':', '?', '!', 'but', 'however', 'although', 'though', 'except', 'whereas', 'which', 'apart']);

/** "Stable"/"unchanged" heart or mediastinum: the CheXpert labeler's post-negation rule makes these uncertain. */
export const STABLE = '\\b(?:stable|unchanged|similar)\\b';
/** ...unless the sentence says what it is. */
export const STATED_SIZE = '\\b(?:normal|unremarkable|enlarge|enlarged|enlargement|large|widened|cardiomegaly|limits)\\b';
