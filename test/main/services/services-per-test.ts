// Services on a user-data folder of their own for every test of a file, with the fakes of fake-deps.ts at the
// Electron boundary, and the path a renderer call takes through them.
import { afterEach, beforeEach } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServices, type Services } from '../../../main/services';
import { dispatch } from '../../../main/ipc/dispatch';
import { toTransportError } from '../../../main/ipc/errors';
import { fakeDeps, type FakeBoundary } from './fake-deps';

export interface ServicesUnderTest {
  /** The test's user-data folder (removed after it). */
  readonly dir: string;
  readonly boundary: FakeBoundary;
  readonly services: Services;
  /** Quits and starts the services again on the same folder, as relaunching the app does. */
  restart(): Promise<void>;
  /** The same path a renderer call takes: contract validation, handler, error encoding. */
  call(channel: string, payload: unknown): Promise<unknown>;
}

/** Registers the beforeEach/afterEach that start and stop the services; read them through the returned object. */
export function servicesPerTest(tempPrefix: string): ServicesUnderTest {
  let current: { dir: string; boundary: FakeBoundary; services: Services } | null = null;
  const now = (): { dir: string; boundary: FakeBoundary; services: Services } => {
    if (!current) throw new Error('the services run only inside a test');
    return current;
  };
  beforeEach(async () => {
    const dir = mkdtempSync(join(tmpdir(), tempPrefix));
    const boundary = fakeDeps(dir);
    current = { dir, boundary, services: await createServices(boundary.deps) };
  });
  afterEach(async () => {
    const { dir, services } = now();
    current = null;
    await services.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    get dir() {
      return now().dir;
    },
    get boundary() {
      return now().boundary;
    },
    get services() {
      return now().services;
    },
    async restart() {
      const c = now();
      await c.services.dispose();
      c.services = await createServices(c.boundary.deps);
    },
    async call(channel, payload) {
      try {
        return await dispatch(now().services.handlers, channel, payload);
      } catch (error) {
        throw toTransportError(error);
      }
    },
  };
}
