// Keyboard shortcuts: one table drives both the key handler and the help overlay, so they cannot disagree. The
// commands are the app's one vocabulary (app/ipc/commands.ts), shared with the application menu.
import type { Command } from '../../../app/ipc/commands';

export type { Command };

export interface Shortcut {
  keys: string[];
  command: Command;
  label: string;
  group: 'Tools' | 'Window' | 'View' | 'Study';
  ctrl?: boolean;
  shift?: boolean;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { keys: ['w'], command: 'tool-wl', label: 'Window/level tool (drag: ↔ width, ↕ level)', group: 'Tools' },
  { keys: ['p'], command: 'tool-pan', label: 'Pan tool (or drag with the middle button)', group: 'Tools' },
  { keys: ['z'], command: 'tool-zoom', label: 'Zoom tool (or drag with the right button, or wheel)', group: 'Tools' },
  { keys: ['m'], command: 'tool-measure', label: 'Measure a length', group: 'Tools' },
  { keys: ['n'], command: 'tool-angle', label: 'Measure an angle (drag one arm, click the other’s end)', group: 'Tools' },
  { keys: ['t'], command: 'tool-ctr', label: 'Cardiothoracic ratio (drag the heart’s widest span, then the chest’s)', group: 'Tools' },
  { keys: ['Delete', 'Backspace'], command: 'delete-measurement', label: 'Delete the selected measurement', group: 'Tools' },
  { keys: ['1'], command: 'preset-header', label: 'Default window (from the file)', group: 'Window' },
  { keys: ['2'], command: 'preset-lung', label: 'Lung window', group: 'Window' },
  { keys: ['3'], command: 'preset-mediastinum', label: 'Mediastinum window', group: 'Window' },
  { keys: ['4'], command: 'preset-bone', label: 'Bone window', group: 'Window' },
  { keys: ['i'], command: 'invert', label: 'Invert grey scale', group: 'Window' },
  { keys: ['f'], command: 'fit', label: 'Fit to window', group: 'View' },
  { keys: ['a'], command: 'actual', label: 'Actual size (1:1)', group: 'View' },
  { keys: ['+', '='], command: 'zoom-in', label: 'Zoom in', group: 'View' },
  { keys: ['-'], command: 'zoom-out', label: 'Zoom out', group: 'View' },
  { keys: ['r'], command: 'rotate', label: 'Rotate 90° clockwise', group: 'View' },
  { keys: ['h'], command: 'flip-h', label: 'Flip horizontally', group: 'View' },
  { keys: ['v'], command: 'flip-v', label: 'Flip vertically', group: 'View' },
  { keys: ['0'], command: 'reset', label: 'Reset the view', group: 'View' },
  { keys: ['b'], command: 'toggle-boxes', label: 'Show or hide located boxes', group: 'View' },
  { keys: ['1'], command: 'layout-1x1', label: 'One viewport (1×1)', group: 'View', ctrl: true },
  { keys: ['2'], command: 'layout-1x2', label: 'Two viewports side by side (1×2)', group: 'View', ctrl: true },
  { keys: ['3'], command: 'layout-2x2', label: 'Four viewports (2×2)', group: 'View', ctrl: true },
  { keys: ['c'], command: 'compare', label: 'Compare with the most recent prior (again: end the comparison)', group: 'View' },
  { keys: ['k'], command: 'link-views', label: 'Link zoom, pan and window between viewports', group: 'View' },
  { keys: ['o'], command: 'open-files', label: 'Open DICOM files', group: 'Study', ctrl: true },
  { keys: ['o'], command: 'open-folder', label: 'Open a folder', group: 'Study', ctrl: true, shift: true },
  { keys: ['ArrowDown', 'PageDown'], command: 'next-study', label: 'Next study in the list', group: 'Study' },
  { keys: ['ArrowUp', 'PageUp'], command: 'previous-study', label: 'Previous study in the list', group: 'Study' },
  { keys: ['u'], command: 'next-unreported', label: 'Next study not yet signed', group: 'Study' },
  { keys: ['f'], command: 'find-study', label: 'Search the study list', group: 'Study', ctrl: true },
  { keys: ['d'], command: 'draft', label: 'Draft the report with the model', group: 'Study' },
  { keys: ['z'], command: 'undo', label: 'Undo (right after a draft: take the whole draft out)', group: 'Study', ctrl: true },
  { keys: ['?'], command: 'show-help', label: 'Show this help', group: 'Study' },
];

/** The command for a key press, or null. Plain keys never fire while the user types in a field. */
export function commandFor(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>, typing: boolean): Command | null {
  const ctrl = e.ctrlKey || e.metaKey;
  if (e.altKey) return null;
  if (typing && !ctrl) return null;
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  for (const s of SHORTCUTS) {
    if (!s.keys.includes(key)) continue;
    if (Boolean(s.ctrl) !== ctrl) continue;
    // '?' and '+' need Shift on most layouts; only shortcuts that declare shift use it to tell themselves apart.
    if (s.ctrl && Boolean(s.shift) !== e.shiftKey) continue;
    return s.command;
  }
  return null;
}

const KEY_NAMES: Record<string, string> = { Delete: 'Del', Backspace: '⌫', ArrowDown: '↓', ArrowUp: '↑', PageDown: 'PgDn', PageUp: 'PgUp' };

export function describeKeys(s: Shortcut): string {
  const names = s.keys.map((k) => KEY_NAMES[k] ?? (k.length === 1 ? k.toUpperCase() : k));
  const prefix = `${s.ctrl ? 'Ctrl+' : ''}${s.shift ? 'Shift+' : ''}`;
  return names.map((n) => prefix + n).join(' / ');
}
