import { describe, expect, it } from 'vitest';
import { SHORTCUTS, commandFor, describeKeys } from '../../renderer/src/lib/shortcuts';

const key = (k: string, mods: Partial<{ ctrlKey: boolean; shiftKey: boolean; altKey: boolean; metaKey: boolean }> = {}) => ({
  key: k,
  ctrlKey: false,
  shiftKey: false,
  altKey: false,
  metaKey: false,
  ...mods,
});

describe('keyboard shortcuts', () => {
  it('maps plain keys, case-insensitively', () => {
    expect(commandFor(key('w'), false)).toBe('tool-wl');
    expect(commandFor(key('R', { shiftKey: true }), false)).toBe('rotate');
    expect(commandFor(key('?', { shiftKey: true }), false)).toBe('show-help');
    expect(commandFor(key('2'), false)).toBe('preset-lung');
  });

  it('switches layouts with Ctrl+1/2/3, not the window presets on 1/2/3', () => {
    expect(commandFor(key('1', { ctrlKey: true }), false)).toBe('layout-1x1');
    expect(commandFor(key('2', { ctrlKey: true }), false)).toBe('layout-1x2');
    expect(commandFor(key('3', { ctrlKey: true }), false)).toBe('layout-2x2');
    expect(commandFor(key('3'), false)).toBe('preset-mediastinum');
    expect(commandFor(key('Delete'), false)).toBe('delete-measurement');
    expect(commandFor(key('c'), false)).toBe('compare');
  });

  it('never fires plain keys while the user types, but Ctrl shortcuts still work', () => {
    expect(commandFor(key('w'), true)).toBeNull();
    expect(commandFor(key('o', { ctrlKey: true }), true)).toBe('open-files');
    expect(commandFor(key('O', { ctrlKey: true, shiftKey: true }), true)).toBe('open-folder');
  });

  it('ignores Alt combinations and unknown keys', () => {
    expect(commandFor(key('w', { altKey: true }), false)).toBeNull();
    expect(commandFor(key('q'), false)).toBeNull();
  });

  it('has no two shortcuts on the same keys', () => {
    const seen = new Set<string>();
    for (const s of SHORTCUTS) {
      for (const k of s.keys) {
        const id = `${s.ctrl ? 'C' : ''}${s.shift ? 'S' : ''}${k}`;
        expect(seen.has(id), id).toBe(false);
        seen.add(id);
      }
    }
    expect(describeKeys(SHORTCUTS.find((s) => s.command === 'open-folder')!)).toBe('Ctrl+Shift+O');
  });
});
