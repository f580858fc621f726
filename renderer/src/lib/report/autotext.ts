// Auto-text in the report's text fields: Space or Tab right after a snippet's trigger (".norm") puts the snippet's
// text in place of the trigger (app/report/reporting-aids.ts's expandSnippet); Space keeps a space after it.
import { expandSnippet, type Snippet } from '../../../../app/report/reporting-aids';

export type AutoText = Pick<Snippet, 'trigger' | 'text'>;

/** Handles a key in a report field; returns the field's new text when it expanded a trigger (the key is consumed). */
export function expandOnKey(e: KeyboardEvent, field: HTMLTextAreaElement, snippets: readonly AutoText[]): string | null {
  if ((e.key !== ' ' && e.key !== 'Tab') || e.ctrlKey || e.altKey || e.metaKey || e.shiftKey) return null;
  if (field.readOnly || field.selectionStart !== field.selectionEnd) return null;
  const expanded = expandSnippet(field.value, field.selectionStart, snippets);
  if (!expanded) return null;
  e.preventDefault();
  const space = e.key === ' ' ? ' ' : '';
  const text = expanded.text.slice(0, expanded.caret) + space + expanded.text.slice(expanded.caret);
  field.value = text;
  field.setSelectionRange(expanded.caret + space.length, expanded.caret + space.length);
  return text;
}
