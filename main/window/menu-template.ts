// The application menu as data; clicks become `menu:command` events the renderer acts on. Every item names one of
// the app's commands (app/ipc/commands.ts), the same list the keyboard table and the renderer's handlers use.
import type { MenuItemConstructorOptions } from 'electron';
import type { Command } from '../../app/ipc/commands';

export function menuTemplate(send: (command: Command) => void, opts: { isMac: boolean; devTools: boolean }): MenuItemConstructorOptions[] {
  const item = (label: string, command: Command, accelerator?: string): MenuItemConstructorOptions => ({ label, accelerator, click: () => send(command) });
  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      item('Open Files…', 'open-files', 'CmdOrCtrl+O'),
      item('Open Folder…', 'open-folder', 'CmdOrCtrl+Shift+O'),
      item('Open Sample Studies', 'open-samples'),
      { type: 'separator' },
      item('Next Study', 'next-study'),
      item('Previous Study', 'previous-study'),
      item('Next Unreported Study', 'next-unreported'),
      item('Find Study…', 'find-study', 'CmdOrCtrl+F'),
      item('Close Study', 'close-study'),
      { type: 'separator' },
      item('PACS Worklist', 'show-worklist'),
      item('PACS Settings…', 'show-pacs'),
      { type: 'separator' },
      item('Export Report…', 'export-report', 'CmdOrCtrl+E'),
      item('Copy Report to Clipboard', 'copy-report', 'CmdOrCtrl+Shift+C'),
      item('Sign Report…', 'sign-report', 'CmdOrCtrl+Shift+S'),
      { type: 'separator' },
      opts.isMac ? { role: 'close' } : { role: 'quit' },
    ],
  };
  const edit: MenuItemConstructorOptions = {
    label: '&Edit',
    // Undo is the app's own command: when the last change was an inserted AI draft, it takes the whole draft out
    // (the text from before it comes back); otherwise it is the text field's own undo.
    submenu: [item('Undo', 'undo', 'CmdOrCtrl+Z'), { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
  };
  const report: MenuItemConstructorOptions = {
    label: '&Report',
    submenu: [item('Draft with AI', 'draft', 'CmdOrCtrl+D'), item('Discard AI Draft', 'discard-draft'), { type: 'separator' }, item('Templates and Snippets…', 'show-reporting-settings'), item('Models…', 'show-models')],
  };
  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      item('One Viewport (1×1)', 'layout-1x1', 'CmdOrCtrl+1'),
      item('Two Viewports (1×2)', 'layout-1x2', 'CmdOrCtrl+2'),
      item('Four Viewports (2×2)', 'layout-2x2', 'CmdOrCtrl+3'),
      item('Compare with Prior', 'compare'),
      item('Link Zoom, Pan and Window', 'link-views'),
      item('Clear Measurements on This Image', 'clear-measurements'),
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
      ...(opts.devTools ? [{ type: 'separator' } as const, { role: 'toggleDevTools' } as const] : []),
    ],
  };
  const help: MenuItemConstructorOptions = { label: '&Help', submenu: [item('Keyboard Shortcuts', 'show-help', 'F1')] };
  const appMenu: MenuItemConstructorOptions[] = opts.isMac ? [{ role: 'appMenu' }] : [];
  return [...appMenu, file, edit, report, view, help];
}
