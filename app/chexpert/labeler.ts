// A rule-based labeler for the 14 CheXpert observations, after the published CheXpert labeler (Irvin et al. 2019):
// clean the text, split it into sentences, find mentions by phrase (phrases.ts), classify each mention with
// pre-negation uncertainty, negation and post-negation uncertainty rules (rules.ts), then aggregate per report.
// It approximates the original, which classifies mentions on a dependency parse (NegBio); see docs/validation.md.
import { combineLabels, OBSERVATIONS, type MentionLabel, type Observation, type ObservationLabels } from './observations';
import { MENTIONS, OTHER_FINDINGS, UNMENTIONS, type Phrase } from './phrases';
import { CLAUSE_BREAKS, PSEUDO_TRIGGERS, STABLE, STATED_SIZE, TRIGGERS, type RuleKind, type Trigger } from './rules';

export type Finding = Exclude<Observation, 'No Finding'> | 'other finding';

export interface Mention {
  observation: Finding;
  /** The words that matched. */
  text: string;
  /** Index of the sentence in the cleaned text. */
  sentence: number;
  label: MentionLabel;
  /** Why: the rule that decided, or 'mention' for an unqualified mention. */
  rule: string;
}

/** Lower-cases and evens out the text as the CheXpert loader does ("and/or" → "or", "a/b" → "a or b", spacing). */
export function cleanReportText(text: string): string {
  return text
    .toLowerCase()
    .replace(/^[ \t]*(?:findings|impression|indication|history|comparison|technique|conclusion)[ \t]*:/gm, '\n')
    .replace(/and\/or/g, 'or')
    .replace(/(?<=[a-z])\/(?=[a-z])/g, ' or ')
    .replace(/\.{2,}/g, '.')
    .replace(/([.,;:])(?=[a-z])/g, '$1 ')
    .replace(/[ \t]+/g, ' ');
}

/** Sentences of cleaned text: at . ? ! followed by white space, and at line breaks. */
export function splitSentences(clean: string): string[] {
  return clean
    .split(/(?<=[.?!])\s+|\n+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

interface Token {
  text: string;
  /** Offset in the token text (tokens joined by one space). */
  start: number;
  word: boolean;
}

interface TokenizedSentence {
  text: string;
  tokens: Token[];
}

const TOKEN = /[a-z0-9]+(?:['-][a-z0-9]+)*|[^\sa-z0-9]/g;

function tokenizeSentence(sentence: string): TokenizedSentence {
  const tokens: Token[] = [];
  let offset = 0;
  for (const m of sentence.matchAll(TOKEN)) {
    tokens.push({ text: m[0], start: offset, word: /^[a-z0-9]/.test(m[0]) });
    offset += m[0].length + 1;
  }
  return { text: tokens.map((t) => t.text).join(' '), tokens };
}

interface Span {
  /** Token indices, end exclusive. */
  start: number;
  end: number;
}

function spansOf(sentence: TokenizedSentence, pattern: RegExp): Span[] {
  const spans: Span[] = [];
  for (const m of sentence.text.matchAll(pattern)) {
    const from = m.index ?? 0;
    const to = from + m[0].length;
    if (to === from) continue;
    const start = sentence.tokens.findIndex((t) => t.start + t.text.length > from);
    let end = start;
    while (end < sentence.tokens.length && sentence.tokens[end].start < to) end++;
    if (start >= 0 && end > start) spans.push({ start, end });
  }
  return spans;
}

const overlaps = (a: Span, b: Span): boolean => a.start < b.end && b.start < a.end;

const compiled = new Map<string, RegExp>();
function regex(source: string): RegExp {
  let r = compiled.get(source);
  if (!r) {
    r = new RegExp(source, 'g');
    compiled.set(source, r);
  }
  return r;
}

/** Whether `trigger` at `at` reaches the mention at `mention` within one clause. */
function reaches(sentence: TokenizedSentence, trigger: Trigger, at: Span, mention: Span): boolean {
  let from: number;
  let to: number;
  if (at.end <= mention.start && trigger.direction !== 'backward') [from, to] = [at.end, mention.start];
  else if (at.start >= mention.end && trigger.direction !== 'forward') [from, to] = [mention.end, at.start];
  else return false;
  let words = 0;
  for (let i = from; i < to; i++) {
    const token = sentence.tokens[i];
    if (CLAUSE_BREAKS.has(token.text)) return false;
    if (trigger.commaBlocks && token.text === ',') return false;
    if (token.word) words++;
  }
  return words <= trigger.window;
}

interface SentenceRules {
  triggers: { trigger: Trigger; span: Span }[];
}

function sentenceRules(sentence: TokenizedSentence): SentenceRules {
  const pseudo = PSEUDO_TRIGGERS.flatMap((p) => spansOf(sentence, regex(p)));
  const triggers: SentenceRules['triggers'] = [];
  for (const trigger of TRIGGERS) {
    for (const span of spansOf(sentence, regex(trigger.pattern))) {
      if (!pseudo.some((p) => overlaps(p, span))) triggers.push({ trigger, span });
    }
  }
  return { triggers };
}

const PASSES: { kind: RuleKind; label: MentionLabel }[] = [
  { kind: 'pre-negation-uncertainty', label: 'uncertain' },
  { kind: 'negation', label: 'negative' },
  { kind: 'uncertainty', label: 'uncertain' },
];

function classify(sentence: TokenizedSentence, rules: SentenceRules, mention: Span, observation: Finding): { label: MentionLabel; rule: string } {
  for (const pass of PASSES) {
    for (const { trigger, span } of rules.triggers) {
      if (trigger.kind !== pass.kind || overlaps(span, mention)) continue;
      if (trigger.only && !trigger.only.includes(observation)) continue;
      if (reaches(sentence, trigger, span, mention)) return { label: pass.label, rule: trigger.name };
    }
  }
  return { label: 'positive', rule: 'mention' };
}

/** Whether words matching `pattern` qualify the mention: within 4 words, same clause, no comma between. */
function near(sentence: TokenizedSentence, pattern: string, mention: Span): boolean {
  const probe: Trigger = { name: 'near', pattern, kind: 'uncertainty', direction: 'both', window: 4, commaBlocks: true };
  return spansOf(sentence, regex(pattern)).some((s) => reaches(sentence, probe, s, mention));
}

function findInSentence(sentence: TokenizedSentence, index: number): Mention[] {
  const rules = sentenceRules(sentence);
  const found: Mention[] = [];
  const candidates: { observation: Finding; phrase: Phrase; span: Span }[] = [];
  for (const [observation, phrases] of Object.entries(MENTIONS) as [Exclude<Observation, 'No Finding'>, Phrase[]][]) {
    const unmentions = (UNMENTIONS[observation] ?? []).flatMap((u) => spansOf(sentence, regex(u)));
    const taken: Span[] = [];
    for (const phrase of phrases) {
      for (const span of spansOf(sentence, regex(phrase.pattern))) {
        // One mention per stretch of words: the first (most specific) phrase of an observation wins.
        if (unmentions.some((u) => overlaps(u, span)) || taken.some((t) => overlaps(t, span))) continue;
        taken.push(span);
        candidates.push({ observation, phrase, span });
      }
    }
  }
  for (const pattern of OTHER_FINDINGS) {
    for (const span of spansOf(sentence, regex(pattern))) candidates.push({ observation: 'other finding', phrase: { pattern }, span });
  }
  for (const { observation, phrase, span } of candidates) {
    let { label, rule } = classify(sentence, rules, span, observation);
    const kind = phrase.kind ?? 'mention';
    if (kind === 'negative') [label, rule] = ['negative', 'negative phrase'];
    if (kind === 'uncertain' && label === 'positive') [label, rule] = ['uncertain', 'suggestive phrase'];
    if (label === 'positive' && phrase.structure && near(sentence, STABLE, span) && !near(sentence, STATED_SIZE, span)) {
      [label, rule] = ['uncertain', 'stable structure'];
    }
    if (kind === 'negative-only' && label === 'positive') continue;
    const text = sentence.tokens
      .slice(span.start, span.end)
      .map((t) => t.text)
      .join(' ');
    found.push({ observation, text, sentence: index, label, rule });
  }
  return found;
}

/** Every mention in the text with its label and the rule behind it (for explanations and tests). */
export function findMentions(text: string): Mention[] {
  return splitSentences(cleanReportText(text)).flatMap((s, i) => findInSentence(tokenizeSentence(s), i));
}

export interface LabelOptions {
  /** Whether to decide No Finding (a whole report); off for a single sentence. Default true. */
  noFinding?: boolean;
}

/** The 14 CheXpert labels of a report (or of one sentence with `noFinding: false`). */
export function labelReport(text: string, options: LabelOptions = {}): ObservationLabels {
  const mentions = findMentions(text);
  const labels: ObservationLabels = {};
  let anyFinding = false;
  for (const m of mentions) {
    if (m.label !== 'negative' && m.observation !== 'Support Devices') anyFinding = true;
    if (m.observation === 'other finding') continue;
    labels[m.observation] = combineLabels(labels[m.observation], m.label);
    // Heart failure speaks of the heart too: the CheXpert aggregator adds an uncertain Cardiomegaly.
    if ((m.text === 'heart failure' || m.text === 'chf') && m.label !== 'negative') labels.Cardiomegaly = combineLabels(labels.Cardiomegaly, 'uncertain');
  }
  if ((options.noFinding ?? true) && !anyFinding) labels['No Finding'] = 'positive';
  return Object.fromEntries(OBSERVATIONS.filter((o) => labels[o] !== undefined).map((o) => [o, labels[o]])) as ObservationLabels;
}
