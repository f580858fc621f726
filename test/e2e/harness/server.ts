// The e2e harness: a loopback HTTP server that serves the built renderer and exposes the REAL main services
// (createServices) through the same dispatcher Electron's ipcMain uses. Only the transport differs: POST
// /invoke/<channel> for requests, a Server-Sent Events stream for main → renderer events.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdtempSync, readFileSync, existsSync, statSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, normalize, extname, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createServices, type ServiceDeps, type Services } from '../../../main/services';
import { dispatch } from '../../../main/ipc/dispatch';
import { toTransportError } from '../../../main/ipc/errors';
import { contentSecurityPolicy } from '../../../main/security/content-security-policy';
import type { EventChannel } from '../../../app/ipc/channels';
import type { EventOf } from '../../../app/ipc/contract';
import { decodeWire, encodeWire } from './wire';

export const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
export const RENDERER_DIR = join(ROOT, 'dist/renderer');

/** The app's own CSP (main/security), sent as a header so a violation fails the e2e run the way it would in the app. */
export const CSP = contentSecurityPolicy();

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
};

export interface HarnessOptions {
  samplesDir?: string;
  modelsDir?: string;
}

/** Electron's safeStorage stand-in (the key store is at the Electron boundary): reversible, never plain text. */
const fakeKeyStore = {
  isEncryptionAvailable: () => true,
  encryptString: (plain: string) => Buffer.concat([Buffer.from('E2E-KEYSTORE:'), Buffer.from(plain, 'utf8').map((b) => b ^ 0x33)]),
  decryptString: (encrypted: Buffer) => Buffer.from(encrypted.subarray('E2E-KEYSTORE:'.length).map((b) => b ^ 0x33)).toString('utf8'),
};

export interface Harness {
  url: string;
  services: Services;
  workDir: string;
  /** What the next "Open files" dialog returns. */
  nextOpenFiles: string[];
  nextOpenFolder: string | null;
  /** What the next "Import model" folder dialog returns. */
  nextModelFolder: string | null;
  /** What the next "Import templates and snippets" dialog returns. */
  nextAidsFile: string | null;
  /** Paths the save dialog handed out, in order. */
  savedPaths: string[];
  clipboard: string[];
  events: Array<{ event: EventChannel; payload: unknown }>;
  /** Sends an event to the page as main would (a menu click: 'menu:command'). */
  emit<E extends EventChannel>(event: E, payload: EventOf<E>): void;
  /** Stops the services and starts them again on the same user data, as quitting and reopening Radraft does. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
    req.on('error', fail);
  });
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) throw new Error('dist/renderer is missing: run `npm run build` first.');
  const workDir = mkdtempSync(join(tmpdir(), 'radraft-e2e-'));
  const exportDir = join(workDir, 'exports');
  mkdirSync(exportDir);
  const streams = new Set<ServerResponse>();
  let saveCount = 0;

  const harness: Harness = {
    url: '',
    services: undefined as unknown as Services,
    workDir,
    nextOpenFiles: [],
    nextOpenFolder: null,
    nextModelFolder: null,
    nextAidsFile: null,
    savedPaths: [],
    clipboard: [],
    events: [],
    emit: () => undefined,
    restart: async () => {},
    close: async () => {},
  };

  const deps: ServiceDeps = {
    userDataDir: join(workDir, 'userData'),
    samplesDir: options.samplesDir ?? join(ROOT, 'resources/samples'),
    modelsDir: options.modelsDir ?? join(workDir, 'models'),
    dialogs: {
      openFiles: async () => harness.nextOpenFiles,
      openFolder: async () => harness.nextOpenFolder,
      saveFile: async (defaultName: string) => {
        const path = join(exportDir, `${++saveCount}-${defaultName}`);
        harness.savedPaths.push(path);
        return path;
      },
      openModelFolder: async () => harness.nextModelFolder,
      openAidsFile: async () => harness.nextAidsFile,
      saveAidsFile: async (defaultName: string) => {
        const path = join(exportDir, `${++saveCount}-${defaultName}`);
        harness.savedPaths.push(path);
        return path;
      },
    },
    clipboard: { writeText: (text: string) => void harness.clipboard.push(text) },
    osEncryption: fakeKeyStore,
    emit<E extends EventChannel>(event: E, payload: EventOf<E>) {
      harness.events.push({ event, payload });
      const data = `data: ${encodeWire({ event, payload })}\n\n`;
      for (const s of streams) s.write(data);
    },
  };
  harness.emit = (event, payload) => deps.emit(event, payload);
  mkdirSync(deps.userDataDir);
  mkdirSync(deps.modelsDir, { recursive: true });
  harness.services = await createServices(deps);
  harness.restart = async () => {
    await harness.services.dispose();
    harness.services = await createServices(deps);
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(err instanceof Error ? err.message : String(err));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'POST' && url.pathname.startsWith('/invoke/')) {
      const channel = decodeURIComponent(url.pathname.slice('/invoke/'.length));
      let reply: string;
      try {
        const value = await dispatch(harness.services.handlers, channel, decodeWire(await readBody(req)));
        reply = encodeWire({ ok: true, value });
      } catch (err) {
        reply = encodeWire({ ok: false, message: toTransportError(err).message });
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(reply);
      return;
    }
    if (req.method === 'GET' && url.pathname === '/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write(': connected\n\n');
      streams.add(res);
      req.on('close', () => streams.delete(res));
      return;
    }
    if (req.method === 'GET') {
      const rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname).replace(/^\/+/, '');
      const file = normalize(join(RENDERER_DIR, rel));
      if (!file.startsWith(RENDERER_DIR) || !existsSync(file) || !statSync(file).isFile()) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found');
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-security-policy': CSP, 'cache-control': 'no-store' });
      res.end(readFileSync(file));
      return;
    }
    res.writeHead(405, { 'content-type': 'text/plain' });
    res.end('method not allowed');
  }

  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  harness.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  harness.close = async () => {
    for (const s of streams) s.end();
    streams.clear();
    await new Promise<void>((done) => server.close(() => done()));
    server.closeAllConnections();
    await harness.services.dispose();
    rmSync(workDir, { recursive: true, force: true });
  };
  return harness;
}
