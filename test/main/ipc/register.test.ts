import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerIpc, type InvokeEventLike, type IpcMainLike } from '../../../main/ipc/register';
import { createServices, type Services } from '../../../main/services';
import { INVOKE_CHANNELS } from '../../../app/ipc/channels';
import { decodeIpcError } from '../../../app/ipc/errors';
import { APP_ENTRY_URL } from '../../../main/security/origin';
import { fakeDeps } from '../services/fake-deps';

type Listener = (event: InvokeEventLike, payload: unknown) => Promise<unknown>;

/** Stands in for Electron's ipcMain: records handlers so a test can invoke them as a renderer frame would. */
class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Listener>();
  handle(channel: string, listener: Listener): void {
    if (this.handlers.has(channel)) throw new Error(`duplicate handler ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  invoke(channel: string, payload: unknown, frame: InvokeEventLike['senderFrame']): Promise<unknown> {
    const h = this.handlers.get(channel);
    if (!h) return Promise.reject(new Error(`No handler registered for '${channel}'`));
    return h({ senderFrame: frame }, payload);
  }
}

const mainFrame = { url: APP_ENTRY_URL, parent: null };
let dir: string;
let services: Services;
let ipc: FakeIpcMain;
let unregister: () => void;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'radraft-ipc-'));
  services = await createServices(fakeDeps(dir).deps);
  ipc = new FakeIpcMain();
  unregister = registerIpc(ipc, services.handlers);
});
afterEach(async () => {
  unregister();
  await services.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('registerIpc', () => {
  it('registers exactly the contract channels and removes them again', () => {
    expect([...ipc.handlers.keys()].sort()).toEqual([...INVOKE_CHANNELS].sort());
    unregister();
    expect(ipc.handlers.size).toBe(0);
    unregister = () => undefined;
  });

  it('serves a valid request from the app main frame', async () => {
    await expect(ipc.invoke('studies:list', {}, mainFrame)).resolves.toEqual([]);
  });

  it('refuses requests from subframes, foreign pages and destroyed frames before touching the handler', async () => {
    const senders = [
      { url: APP_ENTRY_URL, parent: mainFrame },
      { url: 'https://example.com/', parent: null },
      { url: 'file:///tmp/evil.html', parent: null },
      null,
    ];
    for (const frame of senders) {
      const error = await ipc.invoke('report:save', { studyInstanceUid: '1.2', baseRevision: 0, sections: { indication: '', technique: '', comparison: '', findings: 'x', impression: '' } }, frame).catch((e: unknown) => decodeIpcError(e));
      expect(error).toMatchObject({ code: 'invalid-request', message: expect.stringMatching(/did not come from Radraft/) });
    }
    // Nothing was written by the refused calls.
    await expect(ipc.invoke('report:get', { studyInstanceUid: '1.2' }, mainFrame)).resolves.toBeNull();
  });

  it('validates payloads against the contract', async () => {
    const error = await ipc.invoke('report:sign', { studyInstanceUid: '1.2', signedBy: '   ' }, mainFrame).catch((e: unknown) => decodeIpcError(e));
    expect(error).toMatchObject({ code: 'invalid-request' });
    const extra = await ipc.invoke('image:load', { imageId: 42 }, mainFrame).catch((e: unknown) => decodeIpcError(e));
    expect(extra).toMatchObject({ code: 'invalid-request' });
  });
});
