import { describe, expect, it } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { menuTemplate, type MenuCommand } from '../../../main/window/menu-template';
import { events } from '../../../app/ipc/contract';

function flatten(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flatten(i.submenu) : [])]);
}

describe('application menu', () => {
  it('sends menu:command events for file open/export items', () => {
    const sent: MenuCommand[] = [];
    const items = flatten(menuTemplate((c) => sent.push(c), { isMac: false, devTools: false }));
    for (const label of ['Open Files…', 'Open Folder…', 'Open Sample Studies', 'Export Report as Text…', 'Copy Report to Clipboard']) {
      const item = items.find((i) => i.label === label);
      expect(item, label).toBeDefined();
      (item!.click as () => void)();
    }
    expect(sent).toEqual(['open-files', 'open-folder', 'open-samples', 'export-report', 'copy-report']);
    for (const command of sent) expect(events['menu:command'].safeParse({ command }).success).toBe(true);
    expect(items.find((i) => i.label === 'Open Files…')?.accelerator).toBe('CmdOrCtrl+O');
  });

  it('offers DevTools only in development builds', () => {
    const roles = (devTools: boolean) => flatten(menuTemplate(() => undefined, { isMac: false, devTools })).map((i) => i.role);
    expect(roles(false)).not.toContain('toggleDevTools');
    expect(roles(true)).toContain('toggleDevTools');
  });
});
