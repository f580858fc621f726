// Electron entry: lifecycle, single instance, hardened session and window, services served over IPC.
import { app, BrowserWindow, clipboard, dialog, ipcMain, Menu, protocol, session } from 'electron';
import { join } from 'node:path';
import { isEventChannel } from '../app/ipc/channels';
import { createServices, type Services } from './services';
import { registerIpc } from './ipc/register';
import { registerAppScheme, serveRenderer } from './window/app-protocol';
import { hardenSession, hardenWebContents } from './window/harden';
import { createMainWindow } from './window/create-window';
import { nativeDialogs } from './window/dialogs';
import { menuTemplate } from './window/menu-template';

// The build output inside the app (project root in development, app.asar when packaged).
const distDir = join(app.getAppPath(), 'dist');
const resourcesDir = app.isPackaged ? process.resourcesPath : join(app.getAppPath(), 'resources');

let mainWindow: BrowserWindow | null = null;
let services: Services | null = null;

registerAppScheme(protocol);
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  hardenWebContents(app);
  app.whenReady().then(start).catch(fatal);
}

async function start(): Promise<void> {
  hardenSession(session.defaultSession);
  serveRenderer(protocol, join(distDir, 'renderer'));
  const userDataDir = app.getPath('userData');
  services = await createServices({
    userDataDir,
    samplesDir: join(resourcesDir, 'samples'),
    modelsDir: join(userDataDir, 'models'),
    dialogs: nativeDialogs(() => mainWindow, app.getPath('documents')),
    clipboard: { writeText: (text) => clipboard.writeText(text) },
    emit: (event, payload) => {
      if (isEventChannel(event) && mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(event, payload);
    },
  });
  registerIpc(ipcMain, services.handlers);
  const devTools = !app.isPackaged;
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate((command) => mainWindow?.webContents.send('menu:command', { command }), { isMac: process.platform === 'darwin', devTools }),
    ),
  );
  mainWindow = createMainWindow(join(distDir, 'main', 'preload.cjs'), devTools);
  mainWindow.on('closed', () => (mainWindow = null));
  app.on('activate', () => {
    if (!mainWindow) mainWindow = createMainWindow(join(distDir, 'main', 'preload.cjs'), devTools);
  });
}

function fatal(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  dialog.showErrorBox('Radraft cannot start', message);
  app.exit(1);
}

app.on('window-all-closed', () => app.quit());

let disposed = false;
app.on('will-quit', (event) => {
  if (disposed || !services) return;
  event.preventDefault();
  const s = services;
  services = null;
  s.dispose()
    .catch((error: unknown) => console.error('radraft: shutdown failed:', error instanceof Error ? error.message : error))
    .finally(() => {
      disposed = true;
      app.quit();
    });
});
