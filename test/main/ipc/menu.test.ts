import { describe, expect, it } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { menuTemplate } from '../../../main/window/menu-template';
import { events } from '../../../app/ipc/contract';
import { COMMANDS, type Command } from '../../../app/ipc/commands';
import { SHORTCUTS } from '../../../renderer/src/lib/shortcuts';

function flatten(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flatten(i.submenu) : [])]);
}

/** Every clickable menu item with the command its click sends (items with a role send none). */
function menuCommands(isMac = false): Array<{ label: string; accelerator?: string; command: Command }> {
  const out: Array<{ label: string; accelerator?: string; command: Command }> = [];
  let last: Command | null = null;
  const items = flatten(menuTemplate((c) => (last = c), { isMac, devTools: false }));
  for (const item of items) {
    if (typeof item.click !== 'function') continue;
    last = null;
    (item.click as () => void)();
    if (last === null) throw new Error(`${item.label} sends no command`);
    out.push({ label: String(item.label), accelerator: item.accelerator as string | undefined, command: last });
  }
  return out;
}

describe('application menu', () => {
  it('sends the commands its labels promise, each one the menu:command event accepts', () => {
    const byLabel = Object.fromEntries(menuCommands().map((m) => [m.label, m.command]));
    expect(byLabel).toMatchObject({
      'Open Files…': 'open-files',
      'Open Folder…': 'open-folder',
      'Open Sample Studies': 'open-samples',
      'PACS Worklist': 'show-worklist',
      'PACS Settings…': 'show-pacs',
      'Export Report…': 'export-report',
      'Copy Report to Clipboard': 'copy-report',
      'Sign Report…': 'sign-report',
      Undo: 'undo',
      'Draft with AI': 'draft',
      'Discard AI Draft': 'discard-draft',
      'Models…': 'show-models',
      'Keyboard Shortcuts': 'show-help',
    });
    for (const { command } of menuCommands()) expect(events['menu:command'].safeParse({ command }).success, command).toBe(true);
  });

  it('types menu:command with the command list: anything else is refused', () => {
    expect(events['menu:command'].safeParse({ command: 'format-disk' }).success).toBe(false);
    expect(events['menu:command'].safeParse({ command: 'help' }).success).toBe(false);
    expect(events['menu:command'].safeParse({ command: 'show-help' }).success).toBe(true);
  });

  it('gives no two items one accelerator, and agrees with the keyboard table where both bind a key', () => {
    const menu = menuCommands();
    const accelerators = menu.flatMap((m) => (m.accelerator ? [m.accelerator] : []));
    expect(new Set(accelerators).size).toBe(accelerators.length);
    for (const m of menu) {
      const match = /^CmdOrCtrl\+(Shift\+)?(.)$/.exec(m.accelerator ?? '');
      if (!match) continue;
      const key = match[2].toLowerCase();
      const shortcut = SHORTCUTS.find((s) => s.ctrl && Boolean(s.shift) === Boolean(match[1]) && s.keys.includes(key));
      if (shortcut) expect(shortcut.command, m.accelerator).toBe(m.command);
    }
  });

  it('leaves no command unreachable: each is in the menu or on a key', () => {
    const reachable = new Set<Command>([...menuCommands().map((m) => m.command), ...SHORTCUTS.map((s) => s.command)]);
    expect(COMMANDS.filter((c) => !reachable.has(c))).toEqual([]);
  });

  it('offers DevTools only in development builds', () => {
    const roles = (devTools: boolean) => flatten(menuTemplate(() => undefined, { isMac: false, devTools })).map((i) => i.role);
    expect(roles(false)).not.toContain('toggleDevTools');
    expect(roles(true)).toContain('toggleDevTools');
  });
});
