import { describe, expect, it } from 'vitest';
import { emptySections, type ReportSections, type SectionsAi } from '../../../app/domain/report';
import {
  aiAfterAcceptance,
  aiAfterInsertion,
  aiAfterSave,
  describeOrigin,
  draftInsertion,
  draftWouldReplaceClinicianText,
  hasAiText,
  mayPrefillTechnique,
  sectionList,
  sectionOrigin,
  unreviewedAiSections,
} from '../../../app/report/review';

const at = '2026-11-27T09:00:00.000Z';
const report = (patch: Partial<ReportSections>): ReportSections => ({ ...emptySections(), ...patch });

describe('which report text is unreviewed AI text', () => {
  it('tells the five origins of a section apart', () => {
    const ai = { text: 'Lungs are clear.', draftedAt: at, accepted: false };
    expect(sectionOrigin('   ', ai)).toBe('empty');
    expect(sectionOrigin('Lungs are clear.', undefined)).toBe('clinician');
    expect(sectionOrigin('Lungs are clear.', ai)).toBe('ai-unreviewed');
    expect(sectionOrigin('Lungs are clear.', { ...ai, accepted: true })).toBe('ai-accepted');
    expect(sectionOrigin('Lungs are clear. Small effusion.', ai)).toBe('ai-edited');
    // One changed character is an edit; accepted text edited is an edit too.
    expect(sectionOrigin('Lungs are clear', { ...ai, accepted: true })).toBe('ai-edited');
  });

  it('lists unreviewed sections in report order, and nothing once each is accepted or edited', () => {
    const sections = report({ indication: 'Cough.', findings: 'F.', impression: 'I.', technique: 'T.' });
    let ai: SectionsAi = aiAfterInsertion({}, { findings: 'F.', impression: 'I.', technique: 'T.' }, at);
    expect(unreviewedAiSections(sections, ai)).toEqual(['technique', 'findings', 'impression']);
    ai = aiAfterAcceptance(sections, ai, ['impression']);
    expect(unreviewedAiSections(sections, ai)).toEqual(['technique', 'findings']);
    const edited = { ...sections, findings: 'F. And more.' };
    expect(unreviewedAiSections(edited, ai)).toEqual(['technique']);
    expect(unreviewedAiSections(edited, aiAfterAcceptance(edited, ai, ['technique']))).toEqual([]);
    expect(hasAiText(edited, ai)).toBe(true);
    expect(hasAiText(sections, {})).toBe(false);
  });

  it('accepts only text that is still exactly what the model wrote', () => {
    const ai = aiAfterInsertion({}, { findings: 'F.' }, at);
    expect(aiAfterAcceptance(report({ findings: 'F. edited' }), ai, ['findings']).findings?.accepted).toBe(false);
    expect(aiAfterAcceptance(report({ findings: 'F.' }), ai, ['findings']).findings?.accepted).toBe(true);
    // Nothing to accept in a section the model did not write.
    expect(aiAfterAcceptance(report({ indication: 'x' }), ai, ['indication']).indication).toBeUndefined();
  });

  it('forgets the AI mark of a section the clinician emptied', () => {
    const ai = aiAfterInsertion({}, { findings: 'F.', impression: 'I.' }, at);
    const next = aiAfterSave(report({ findings: 'F.', impression: '' }), ai);
    expect(Object.keys(next)).toEqual(['findings']);
    expect(sectionOrigin('My impression.', next.impression)).toBe('clinician');
  });

  it('fills Findings and Impression always, Technique and Comparison only when empty, Indication never', () => {
    const before = report({ indication: 'Cough.', technique: 'PA erect.', findings: 'Mine.' });
    const model = { indication: 'Model indication', technique: 'AP.', comparison: 'None.', findings: ' F. ', impression: '' };
    expect(draftInsertion(before, model)).toEqual({ findings: 'F.', impression: '', comparison: 'None.' });
    // An empty impression from the model leaves no AI mark behind.
    expect(aiAfterInsertion({ impression: { text: 'old', draftedAt: at, accepted: true } }, draftInsertion(before, model), at).impression).toBeUndefined();
  });

  it('asks before a draft replaces text the clinician wrote or edited, not before it replaces AI text', () => {
    const ai = aiAfterInsertion({}, { findings: 'F.' }, at);
    expect(draftWouldReplaceClinicianText(report({ indication: 'Cough.' }), {})).toBe(false);
    expect(draftWouldReplaceClinicianText(report({ findings: 'F.' }), ai)).toBe(false);
    expect(draftWouldReplaceClinicianText(report({ findings: 'F. edited' }), ai)).toBe(true);
    expect(draftWouldReplaceClinicianText(report({ impression: 'Mine.' }), ai)).toBe(true);
    // Technique is never replaced by a draft, so it is never a reason to ask.
    expect(draftWouldReplaceClinicianText(report({ technique: 'PA.' }), {})).toBe(false);
  });

  it('never calls text reviewed that was not', () => {
    expect(describeOrigin('ai-unreviewed', false)).toBe('AI-drafted, NOT reviewed by a clinician');
    expect(describeOrigin('ai-unreviewed', true)).toBe('AI-drafted, signed unchanged; no review of this section was recorded');
    expect(describeOrigin('ai-accepted', true)).toBe('AI-drafted, accepted unchanged by the clinician');
    expect(describeOrigin('ai-edited', false)).toBe('AI-drafted, edited by the clinician');
    expect(describeOrigin('clinician', true)).toBe('written by the clinician');
    expect(describeOrigin('empty', true)).toBe('');
    expect(sectionList(['findings'])).toBe('Findings');
    expect(sectionList(['technique', 'findings', 'impression'])).toBe('Technique, Findings and Impression');
  });
});

describe('mayPrefillTechnique', () => {
  const drafted = (text: string, accepted = false) => ({ text, draftedAt: at, accepted });
  it('prefills a study with no report, or with only an untouched background draft', () => {
    expect(mayPrefillTechnique(null)).toBe(true);
    const sections = report({ findings: 'Lungs clear.', impression: 'Normal.' });
    expect(mayPrefillTechnique({ sections, status: 'draft', ai: { findings: drafted('Lungs clear.'), impression: drafted('Normal.') } })).toBe(true);
  });
  it('leaves alone a report a clinician has written in, accepted, signed, or whose Technique is filled', () => {
    const ai: SectionsAi = { findings: drafted('Lungs clear.'), impression: drafted('Normal.') };
    expect(mayPrefillTechnique({ sections: report({ findings: 'Lungs clear.', impression: 'Normal.', indication: 'Cough.' }), status: 'draft', ai })).toBe(false);
    expect(mayPrefillTechnique({ sections: report({ findings: 'Lungs clear!', impression: 'Normal.' }), status: 'draft', ai })).toBe(false);
    expect(mayPrefillTechnique({ sections: report({ findings: 'Lungs clear.', impression: 'Normal.' }), status: 'draft', ai: { ...ai, findings: drafted('Lungs clear.', true) } })).toBe(false);
    expect(mayPrefillTechnique({ sections: report({ findings: 'Lungs clear.', impression: 'Normal.' }), status: 'final', ai })).toBe(false);
    expect(mayPrefillTechnique({ sections: report({ technique: 'AP portable.', findings: 'Lungs clear.' }), status: 'draft', ai: { findings: drafted('Lungs clear.'), technique: drafted('AP portable.') } })).toBe(false);
  });
});
