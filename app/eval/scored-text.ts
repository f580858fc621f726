// What the metrics compare: the findings and impression of a report, without section headings (the headings would
// inflate every overlap metric with words the model always writes).
import { splitReportText } from '../report/sections';

export function scoredText(sections: { findings: string; impression: string }): string {
  return [sections.findings, sections.impression]
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .join('\n');
}

/** Model output or a whole reference: split at FINDINGS:/IMPRESSION: headers (text without headers is findings). */
export function scoredTextOf(reportText: string): string {
  return scoredText(splitReportText(reportText));
}
