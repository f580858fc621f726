// main/index.ts wired against a fake Electron (the binary cannot run here): the window's security settings, the
// app:// protocol with its CSP, the session's network block, permissions, IPC registration and the menu.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { INVOKE_CHANNELS } from '../../../app/ipc/channels';

const ROOT = join(__dirname, '../../..');

const fake = vi.hoisted(() => {
  type Listener = (...args: unknown[]) => unknown;
  const state = {
    userData: '',
    schemes: [] as unknown[],
    protocolHandler: null as null | ((request: Request) => Promise<Response>),
    beforeRequest: null as null | ((details: { url: string }, callback: (r: { cancel: boolean }) => void) => void),
    permissionRequest: null as null | ((wc: unknown, permission: string, callback: (granted: boolean) => void) => void),
    permissionCheck: null as null | ((wc: unknown, permission: string) => boolean),
    ipc: new Map<string, Listener>(),
    windows: [] as { options: { webPreferences: Record<string, unknown> }; url: string; sent: [string, unknown][] }[],
    menu: [] as MenuItemConstructorOptions[],
    appEvents: new Map<string, Listener[]>(),
    sandboxEnabled: false,
  };
  class BrowserWindow {
    readonly sent: [string, unknown][] = [];
    readonly webContents = { send: (channel: string, payload: unknown) => this.sent.push([channel, payload]) };
    constructor(readonly options: { webPreferences: Record<string, unknown> }) {
      state.windows.push(this as unknown as (typeof state.windows)[number]);
    }
    url = '';
    loadURL(url: string) {
      this.url = url;
      return Promise.resolve();
    }
    once() {}
    on() {}
    isDestroyed() {
      return false;
    }
  }
  const electron = {
    app: {
      isPackaged: false,
      getAppPath: () => '',
      getPath: (name: string) => (name === 'userData' ? state.userData : tmpdirPath()),
      enableSandbox: () => (state.sandboxEnabled = true),
      requestSingleInstanceLock: () => true,
      whenReady: () => Promise.resolve(),
      on: (event: string, l: Listener) => state.appEvents.set(event, [...(state.appEvents.get(event) ?? []), l]),
      quit: () => undefined,
      exit: () => undefined,
    },
    protocol: {
      registerSchemesAsPrivileged: (s: unknown[]) => state.schemes.push(...s),
      handle: (_scheme: string, h: (request: Request) => Promise<Response>) => (state.protocolHandler = h),
    },
    session: {
      defaultSession: {
        webRequest: { onBeforeRequest: (_f: unknown, l: typeof state.beforeRequest) => (state.beforeRequest = l) },
        setPermissionRequestHandler: (h: typeof state.permissionRequest) => (state.permissionRequest = h),
        setPermissionCheckHandler: (h: typeof state.permissionCheck) => (state.permissionCheck = h),
        on: () => undefined,
      },
    },
    ipcMain: { handle: (channel: string, l: Listener) => state.ipc.set(channel, l), removeHandler: (c: string) => state.ipc.delete(c) },
    BrowserWindow,
    Menu: { buildFromTemplate: (t: MenuItemConstructorOptions[]) => t, setApplicationMenu: (t: MenuItemConstructorOptions[]) => (state.menu = t) },
    dialog: { showErrorBox: (title: string, message: string) => state.appEvents.set('fatal', [() => `${title}: ${message}`]) },
    clipboard: { writeText: () => undefined },
    // No key store on this fake computer: PACS secrets would be stored only on request.
    safeStorage: { isEncryptionAvailable: () => false, encryptString: () => Buffer.alloc(0), decryptString: () => '' },
  };
  function tmpdirPath(): string {
    return state.userData;
  }
  return { state, electron };
});

vi.mock('electron', () => ({ ...fake.electron, default: fake.electron }));

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist/renderer/index.html'))) throw new Error('dist/renderer is missing: run `npm run build` first.');
  fake.state.userData = mkdtempSync(join(tmpdir(), 'radraft-shell-'));
  fake.electron.app.getAppPath = () => ROOT;
  await import('../../../main/index');
  // start() runs after whenReady(): wait until the window exists.
  for (let i = 0; i < 200 && fake.state.windows.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  if (fake.state.windows.length === 0) throw new Error(`the app did not start: ${String(fake.state.appEvents.get('fatal')?.[0]?.())}`);
});

afterAll(async () => {
  for (const l of fake.state.appEvents.get('will-quit') ?? []) l({ preventDefault: () => undefined });
  await new Promise((r) => setTimeout(r, 50));
  rmSync(fake.state.userData, { recursive: true, force: true });
});

describe('Electron shell (main/index.ts)', () => {
  it('opens one sandboxed, isolated window on app://radraft', () => {
    expect(fake.state.sandboxEnabled).toBe(true);
    expect(fake.state.schemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    const [win] = fake.state.windows;
    expect(win.url).toBe('app://radraft/index.html');
    expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false });
    expect(String(win.options.webPreferences.preload)).toMatch(/dist[/\\]main[/\\]preload\.cjs$/);
  });

  it('serves the renderer with a strict CSP, and nothing outside it', async () => {
    const handler = fake.state.protocolHandler!;
    const page = await handler(new Request('app://radraft/index.html'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/^default-src 'none'; script-src 'self'/);
    expect(await page.text()).toBe(readFileSync(join(ROOT, 'dist/renderer/index.html'), 'utf8'));
    expect((await handler(new Request('app://radraft/%2e%2e/%2e%2e/package.json'))).status).toBe(404);
    expect((await handler(new Request('app://radraft/nope.js'))).status).toBe(404);
  });

  it('refuses a page trying to fetch from the network, and every permission', () => {
    const decide = (url: string): boolean => {
      let cancel: boolean | undefined;
      fake.state.beforeRequest!({ url }, (r) => (cancel = r.cancel));
      return cancel!;
    };
    expect(decide('https://example.com/collect')).toBe(true);
    expect(decide('ws://127.0.0.1:9000/')).toBe(true);
    expect(decide('file:///etc/passwd')).toBe(true);
    expect(decide('app://radraft/assets/index.js')).toBe(false);
    let granted: boolean | undefined;
    fake.state.permissionRequest!(null, 'media', (g) => (granted = g));
    expect(granted).toBe(false);
    expect(fake.state.permissionCheck!(null, 'geolocation')).toBe(false);
  });

  it('serves every contract channel over IPC, checking the sender', async () => {
    expect([...fake.state.ipc.keys()].sort()).toEqual([...INVOKE_CHANNELS].sort());
    const list = fake.state.ipc.get('studies:list')!;
    await expect(list({ senderFrame: { url: 'app://radraft/index.html', parent: null } }, {})).resolves.toEqual([]);
    await expect(list({ senderFrame: { url: 'https://evil.example/', parent: null } }, {})).rejects.toThrow(/did not come from Radraft/);
  });

  it('hardens every web contents: no new windows, no foreign navigation, no webviews, no UDP', () => {
    const listeners = new Map<string, (event: { preventDefault(): void; url: string }) => void>();
    let openHandler: ((d: { url: string }) => unknown) | null = null;
    let webrtc = '';
    const contents = {
      setWindowOpenHandler: (h: (d: { url: string }) => unknown) => (openHandler = h),
      setWebRTCIPHandlingPolicy: (p: string) => (webrtc = p),
      on: (event: string, l: (event: { preventDefault(): void; url: string }) => void) => listeners.set(event, l),
    };
    for (const l of fake.state.appEvents.get('web-contents-created') ?? []) l({}, contents);
    expect(openHandler!({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    expect(webrtc).toBe('disable_non_proxied_udp');
    const prevented = (event: string, url: string): boolean => {
      let stopped = false;
      listeners.get(event)!({ url, preventDefault: () => (stopped = true) });
      return stopped;
    };
    expect(prevented('will-navigate', 'https://example.com/')).toBe(true);
    expect(prevented('will-redirect', 'http://10.0.0.1/')).toBe(true);
    expect(prevented('will-frame-navigate', 'file:///etc/passwd')).toBe(true);
    expect(prevented('will-navigate', 'app://radraft/index.html')).toBe(false);
    expect(prevented('will-attach-webview', 'app://radraft/index.html')).toBe(true);
  });

  it('sends menu commands to the window', () => {
    const file = fake.state.menu.find((m) => m.label === '&File')!;
    const open = (file.submenu as MenuItemConstructorOptions[]).find((i) => i.label === 'Open Files…')!;
    (open.click as () => void)();
    expect(fake.state.windows[0].sent).toContainEqual(['menu:command', { command: 'open-files' }]);
  });
});
