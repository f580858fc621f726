// A validation dataset: a folder of images with a reports.jsonl, one JSON object per line naming an image file and
// its reference report. Parsing is pure; main/eval reads the files.
import { z } from 'zod';
import { scoredText, scoredTextOf } from './scored-text';

export const REPORTS_FILE = 'reports.jsonl';

export const DatasetRow = z
  .object({
    /** Image path relative to the dataset folder (usually inside it): DICOM, PNG or JPEG. */
    file: z.string().trim().min(1),
    indication: z.string().default(''),
    findings: z.string().default(''),
    impression: z.string().default(''),
    /** Optional: the model prompt for this case instead of the model's report template (e.g. "detect pneumothorax"). */
    prompt: z.string().trim().min(1).optional(),
    /** Optional: the whole expected text instead of findings + impression (e.g. for a detect prompt). */
    reference: z.string().optional(),
    /** Optional: a name for the case in the report (default: the file). */
    id: z.string().trim().min(1).optional(),
  })
  .refine((r) => (r.reference ?? `${r.findings}${r.impression}`).trim() !== '', {
    message: 'has no reference text: give "findings", "impression" or "reference"',
  });
export type DatasetRow = z.infer<typeof DatasetRow>;

export interface DatasetProblem {
  /** 1-based line of reports.jsonl. */
  line: number;
  message: string;
}

export class DatasetError extends Error {
  override name = 'DatasetError';
}

/** Rows of reports.jsonl; a bad line is reported with its number and skipped, never fatal on its own. */
export function parseReportsJsonl(text: string): { rows: DatasetRow[]; problems: DatasetProblem[] } {
  const rows: DatasetRow[] = [];
  const problems: DatasetProblem[] = [];
  const ids = new Set<string>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      problems.push({ line, message: `not valid JSON (${error instanceof Error ? error.message : String(error)})` });
      return;
    }
    const parsed = DatasetRow.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      problems.push({ line, message: issue.path.length > 0 ? `"${issue.path.join('.')}": ${issue.message}` : issue.message });
      return;
    }
    const row = parsed.data;
    if (/^([a-zA-Z]:)?[\\/]/.test(row.file)) {
      problems.push({ line, message: `"file" must be relative to the dataset folder (so the folder can be moved), got ${row.file}` });
      return;
    }
    const id = caseId(row);
    if (ids.has(id)) {
      problems.push({ line, message: `case "${id}" appears twice; give each line its own "id"` });
      return;
    }
    ids.add(id);
    rows.push(row);
  });
  return { rows, problems };
}

export function caseId(row: DatasetRow): string {
  return row.id ?? row.file;
}

/** The text a case's draft is scored against. */
export function referenceText(row: Pick<DatasetRow, 'findings' | 'impression' | 'reference'>): string {
  return row.reference !== undefined ? scoredTextOf(row.reference) : scoredText(row);
}
