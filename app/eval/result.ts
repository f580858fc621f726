// The result of `radraft eval` / Models → Validate, as written to eval-result.json (versioned: readers check it).
import type { ObservationAgreement } from '../chexpert/agreement';
import type { ObservationLabels } from '../chexpert/observations';
import type { TextMetrics } from '../metrics/report-metrics';
import type { EvalMetrics, LatencySummary } from './score';

export const EVAL_RESULT_VERSION = 1;

export type DatasetKind = 'folder' | 'signed';

export interface EvalCaseResult {
  id: string;
  /** Image file (relative to the dataset folder), or the image's SOP Instance UID for signed reports. */
  image: string;
  prompt: string;
  /** Reference findings + impression as scored. */
  reference: string;
  /** Draft findings + impression as scored. */
  draft: string;
  /** What the model wrote, headings and all. */
  draftRaw: string;
  /** Image reading + preprocessing + generation, ms. */
  latencyMs: number;
  tokens: number;
  stopReason: string;
  metrics: TextMetrics;
  labels: { reference: ObservationLabels; generated: ObservationLabels };
  disagreements: string[];
}

export interface EvalResult {
  version: typeof EVAL_RESULT_VERSION;
  createdAt: string;
  radraftVersion: string;
  model: { name: string; manifestSha256: string; dtype: string; imageSize: number; loadMs: number; demo: boolean };
  dataset: {
    kind: DatasetKind;
    /** Folder name, or "signed reports". */
    name: string;
    /** sha256 over every case's image bytes, prompt and reference (see main/eval/fingerprint.ts). */
    fingerprint: string;
    /** Cases in the dataset (after --limit). */
    caseCount: number;
    /** Cases drafted and scored. */
    scoredCount: number;
    /** Cases left out, with the reason. */
    problems: { case: string; message: string }[];
  };
  settings: { maxTokens: number | null; limit: number | null; resamples: number; threads: number | null };
  metrics: EvalMetrics;
  perObservation: ObservationAgreement[];
  latency: LatencySummary & { tokensPerSecond: number | null; totalMs: number };
  worst: string[];
  cases: EvalCaseResult[];
}
