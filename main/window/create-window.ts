// The one window: sandboxed, context-isolated, no Node, no webview; shown once the page is ready.
import { BrowserWindow } from 'electron';
import { APP_ENTRY_URL } from '../security/origin';
import { SECURE_WEB_PREFERENCES } from '../security/web-preferences';

export function createMainWindow(preloadPath: string, devTools: boolean): BrowserWindow {
  const window = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    show: false,
    backgroundColor: '#111111',
    title: 'Radraft',
    webPreferences: { ...SECURE_WEB_PREFERENCES, preload: preloadPath, devTools },
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(APP_ENTRY_URL);
  return window;
}
