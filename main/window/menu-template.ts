// The application menu as data; clicks become `menu:command` events the renderer acts on.
import type { MenuItemConstructorOptions } from 'electron';

export const MENU_COMMANDS = ['open-files', 'open-folder', 'open-samples', 'export-report', 'copy-report', 'sign-report', 'draft', 'show-shortcuts', 'show-models'] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];

export function menuTemplate(send: (command: MenuCommand) => void, opts: { isMac: boolean; devTools: boolean }): MenuItemConstructorOptions[] {
  const item = (label: string, command: MenuCommand, accelerator?: string): MenuItemConstructorOptions => ({ label, accelerator, click: () => send(command) });
  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      item('Open Files…', 'open-files', 'CmdOrCtrl+O'),
      item('Open Folder…', 'open-folder', 'CmdOrCtrl+Shift+O'),
      item('Open Sample Studies', 'open-samples'),
      { type: 'separator' },
      item('Export Report as Text…', 'export-report', 'CmdOrCtrl+E'),
      item('Copy Report to Clipboard', 'copy-report', 'CmdOrCtrl+Shift+C'),
      item('Sign Report…', 'sign-report', 'CmdOrCtrl+Shift+S'),
      { type: 'separator' },
      opts.isMac ? { role: 'close' } : { role: 'quit' },
    ],
  };
  const edit: MenuItemConstructorOptions = {
    label: '&Edit',
    submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
  };
  const report: MenuItemConstructorOptions = {
    label: '&Report',
    submenu: [item('Draft with AI', 'draft', 'CmdOrCtrl+D'), item('Models…', 'show-models')],
  };
  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
      ...(opts.devTools ? [{ type: 'separator' } as const, { role: 'toggleDevTools' } as const] : []),
    ],
  };
  const help: MenuItemConstructorOptions = { label: '&Help', submenu: [item('Keyboard Shortcuts', 'show-shortcuts', 'F1')] };
  const appMenu: MenuItemConstructorOptions[] = opts.isMac ? [{ role: 'appMenu' }] : [];
  return [...appMenu, file, edit, report, view, help];
}
