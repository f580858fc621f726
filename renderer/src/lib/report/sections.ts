// The report's sections as the editor shows them: the one list of sections and their names is app/domain/report.ts;
// this adds the editor's hints and sizes.
import { SECTION_LABELS, SECTION_NAMES, type SectionName } from '../../../../app/domain/report';

export type { SectionName };

const HINTS: Record<SectionName, { hint: string; rows: number }> = {
  indication: { hint: 'Clinical question, e.g. “cough and fever, ?pneumonia”', rows: 2 },
  technique: { hint: 'e.g. “PA erect chest radiograph”', rows: 2 },
  comparison: { hint: 'Prior studies, or “None”', rows: 1 },
  findings: { hint: 'Lungs, pleura, heart, mediastinum, bones, lines and tubes…', rows: 8 },
  impression: { hint: 'Conclusion and recommendation', rows: 4 },
};

export const SECTIONS: ReadonlyArray<{ name: SectionName; label: string; hint: string; rows: number }> = SECTION_NAMES.map((name) => ({
  name,
  label: SECTION_LABELS[name],
  ...HINTS[name],
}));
