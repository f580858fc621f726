import { beforeAll, describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import type { RadraftBridge } from '../../../app/ipc/contract';

// Electron's renderer-side modules, faked: the only boundary the preload touches.
const exposed = new Map<string, unknown>();
const invoked: [string, unknown][] = [];
const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
  ipcRenderer: {
    invoke: async (channel: string, payload: unknown) => {
      invoked.push([channel, payload]);
      return { ok: channel };
    },
    on: (channel: string, l: (...args: unknown[]) => void) => {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(l);
    },
    removeListener: (channel: string, l: (...args: unknown[]) => void) => listeners.get(channel)?.delete(l),
  },
  webUtils: { getPathForFile: (file: { path: string }) => file.path },
}));

let bridge: RadraftBridge;
beforeAll(async () => {
  await import('../../../main/preload');
  bridge = exposed.get('radraft') as RadraftBridge;
});

describe('preload bridge', () => {
  it('exposes exactly one object, window.radraft, with invoke/on/pathForFile', () => {
    expect([...exposed.keys()]).toEqual(['radraft']);
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'on', 'pathForFile']);
  });

  it('forwards contract channels and refuses others', async () => {
    await expect(bridge.invoke('studies:list', {})).resolves.toEqual({ ok: 'studies:list' });
    await expect(bridge.invoke('fs:readFile' as 'studies:list', {})).rejects.toThrow(/Unknown channel/);
    expect(invoked).toEqual([['studies:list', {}]]);
  });

  it('subscribes to contract events only, and unsubscribes', () => {
    const got: unknown[] = [];
    const off = bridge.on('menu:command', (p) => got.push(p));
    listeners.get('menu:command')!.forEach((l) => l({}, { command: 'open-files' }));
    expect(got).toEqual([{ command: 'open-files' }]);
    off();
    expect(listeners.get('menu:command')!.size).toBe(0);
    expect(() => bridge.on('ipc:anything' as 'menu:command', () => undefined)).toThrow(/Unknown event/);
  });

  it('resolves dropped files through webUtils', () => {
    expect(bridge.pathForFile({ path: '/data/a.dcm' } as unknown as File)).toBe('/data/a.dcm');
  });
});

describe('preload bundle', () => {
  it('requires nothing but electron (a sandboxed preload cannot load other modules)', () => {
    // Bundled exactly as scripts/build.mjs does.
    const out = buildSync({ entryPoints: [join(__dirname, '../../../main/preload.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', packages: 'external', write: false, logLevel: 'silent' });
    const code = out.outputFiles[0].text;
    const required = [...code.matchAll(/require\((["'])([^"']+)\1\)/g)].map((m) => m[2]);
    expect([...new Set(required)]).toEqual(['electron']);
    expect(code).not.toMatch(/zod/);
    expect(code.split('\n').length).toBeLessThan(120);
  });
});
