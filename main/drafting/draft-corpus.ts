// What drafts are guessed ahead from (lossless speculative decoding: models/engine/prompt-lookup.ts): the
// department's own signed reports and its report templates, in the layout the model writes (FINDINGS: … IMPRESSION:
// …). A guess only changes how fast a draft is written, never what it says: the engine keeps greedy's tokens.
import { suffixOf } from '../../app/eval/training-set';
import type { ReportStore } from '../storage/report-store';
import type { ReportingAidsStore } from '../storage/reporting-aids-store';

/**
 * Signed reports read into the corpus: the most recent ones. A department's phrasing is in any recent thousand, and
 * the corpus is read again on the main thread at the first draft after a sign-off (14–30 ms for a thousand).
 */
export const CORPUS_REPORTS = 1000;

export interface DraftCorpus {
  /** Changes when a report is signed or a template changes: the worker's copy is then replaced. */
  key: string;
  texts(): string[];
}

export function draftCorpus(store: ReportStore, aids: ReportingAidsStore): DraftCorpus {
  const templates = aids.list().templates;
  return {
    key: `${store.signedReportsStamp()}|${templates.map((t) => `${t.id}:${t.updatedAt}`).join(',')}`,
    texts: () =>
      [
        ...templates.map((t) => suffixOf({ findings: t.sections.findings ?? '', impression: t.sections.impression ?? '' })),
        ...store.signedReports(undefined, CORPUS_REPORTS).map((r) => suffixOf(r.sections)),
      ].filter((text) => text !== ''),
  };
}
