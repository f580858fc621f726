// Electron entry: lifecycle, single instance, hardened session and window, services served over IPC.
import { app, BrowserWindow, clipboard, dialog, ipcMain, Menu, protocol, safeStorage, session, shell } from 'electron';
import { join } from 'node:path';
import { isEventChannel, type EventChannel } from '../app/ipc/channels';
import type { EventOf } from '../app/ipc/contract';
import { createServices, type Services } from './services';
import { registerIpc } from './ipc/register';
import { registerAppScheme, serveRenderer } from './window/app-protocol';
import { hardenSession, hardenWebContents } from './window/harden';
import { createMainWindow } from './window/create-window';
import { nativeDialogs } from './window/dialogs';
import { menuTemplate } from './window/menu-template';
import { pathsFromArgv } from './window/open-with';

// The build output inside the app (project root in development, app.asar when packaged).
const distDir = join(app.getAppPath(), 'dist');
const resourcesDir = app.isPackaged ? process.resourcesPath : join(app.getAppPath(), 'resources');

let mainWindow: BrowserWindow | null = null;
let services: Services | null = null;
// The executable, and unpackaged also the app folder, come before the files on Radraft's command line.
const argvSkip = app.isPackaged ? 1 : 2;
// Files the operating system hands over before the services exist (launch arguments, macOS open-file).
const openedEarly: string[] = pathsFromArgv(process.argv, argvSkip, process.cwd());

function openFromSystem(paths: readonly string[]): void {
  if (services) services.requestOpen(paths);
  else openedEarly.push(...paths);
}

// macOS delivers files (Finder "Open With", dock drops) as events, possibly before the app is ready.
app.on('open-file', (event, path) => {
  event.preventDefault();
  openFromSystem([path]);
});

registerAppScheme(protocol);
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', (_event, argv, workingDirectory) => {
    openFromSystem(pathsFromArgv(argv, argvSkip, workingDirectory));
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  hardenWebContents(app);
  app.whenReady().then(start).catch(fatal);
}

/** Main → renderer events, typed by the contract (a menu click carries one of the app's commands). */
function emit<E extends EventChannel>(event: E, payload: EventOf<E>): void {
  if (isEventChannel(event) && mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(event, payload);
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
    openPath: (path) => shell.openPath(path),
    // PACS passwords and tokens are encrypted with the operating system's key store (Keychain, DPAPI, libsecret).
    osEncryption: safeStorage,
    emit,
  });
  registerIpc(ipcMain, services.handlers);
  services.requestOpen(openedEarly.splice(0));
  const devTools = !app.isPackaged;
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate((command) => emit('menu:command', { command }), { isMac: process.platform === 'darwin', devTools }),
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
