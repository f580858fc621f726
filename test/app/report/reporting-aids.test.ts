import { describe, expect, it } from 'vitest';
import { AidsFileError, aidsFile, applyTemplate, expandSnippet, parseAidsFile, sectionsTemplateReplaces } from '../../../app/report/reporting-aids';
import { emptySections } from '../../../app/domain/report';

const snippets = [{ trigger: '.norm', text: 'The lungs are clear.' }];

describe('snippets and templates', () => {
  it('expands a trigger right before the caret when it is a whole word', () => {
    expect(expandSnippet('Lungs: .norm', 12, snippets)).toEqual({ text: 'Lungs: The lungs are clear.', caret: 27 });
    expect(expandSnippet('.NORM', 5, snippets)).toEqual({ text: 'The lungs are clear.', caret: 20 });
    expect(expandSnippet('.norm and more', 5, snippets)).toEqual({ text: 'The lungs are clear. and more', caret: 20 });
    expect(expandSnippet('x.norm', 6, snippets)).toBeNull();
    expect(expandSnippet('.nope', 5, snippets)).toBeNull();
    expect(expandSnippet('.norm', 3, snippets)).toBeNull();
  });

  it('fills the sections a template names and says which hold text already', () => {
    const current = { ...emptySections(), findings: 'My text', impression: '' };
    const template = { sections: { findings: 'Normal.', impression: 'No acute disease.', technique: '' } };
    expect(applyTemplate(current, template)).toEqual({ findings: 'Normal.', impression: 'No acute disease.' });
    expect(sectionsTemplateReplaces(current, template)).toEqual(['findings']);
  });

  it('round-trips the shared file and refuses what is not one, naming why', () => {
    const file = aidsFile(
      { templates: [{ id: 1, name: 'Normal chest', sections: { findings: 'Normal.' }, updatedAt: 'x' }], snippets: [{ id: 2, trigger: '.norm', text: 'Clear.', updatedAt: 'x' }] },
      '2026-01-01T00:00:00Z',
    );
    expect(parseAidsFile(JSON.parse(JSON.stringify(file)))).toEqual(file);
    expect(() => parseAidsFile({ hello: 1 })).toThrow(AidsFileError);
    expect(() => parseAidsFile({ ...file, version: 2 })).toThrow(/newer Radraft/);
    expect(() => parseAidsFile({ ...file, snippets: [{ trigger: 'norm', text: 'x' }] })).toThrow(/snippets\.0\.trigger/);
    expect(() => parseAidsFile({ ...file, snippets: [...file.snippets, { trigger: '.NORM', text: 'y' }] })).toThrow(/twice/);
    expect(() => parseAidsFile({ ...file, templates: [{ name: 'a\nb', sections: {} }] })).toThrow(/one line/);
  });
});
