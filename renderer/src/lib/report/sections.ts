// The report's sections as the editor shows them: labels, hints and sizes; the type ties them to the contract.
import type { ReportSections } from '../../../../app/domain/report';

export type SectionName = keyof ReportSections;

export const SECTIONS: ReadonlyArray<{ name: SectionName; label: string; hint: string; rows: number }> = [
  { name: 'indication', label: 'Indication', hint: 'Clinical question, e.g. “cough and fever, ?pneumonia”', rows: 2 },
  { name: 'technique', label: 'Technique', hint: 'e.g. “PA erect chest radiograph”', rows: 2 },
  { name: 'comparison', label: 'Comparison', hint: 'Prior studies, or “None”', rows: 1 },
  { name: 'findings', label: 'Findings', hint: 'Lungs, pleura, heart, mediastinum, bones, lines and tubes…', rows: 8 },
  { name: 'impression', label: 'Impression', hint: 'Conclusion and recommendation', rows: 4 },
];

export function emptySections(): ReportSections {
  return { indication: '', technique: '', comparison: '', findings: '', impression: '' };
}
