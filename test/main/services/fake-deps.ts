// Fakes at the Electron boundary only: dialogs, clipboard, event sink.
import { join } from 'node:path';
import type { ServiceDeps } from '../../../main/services';
import type { EventChannel } from '../../../app/ipc/channels';
import type { EventOf } from '../../../app/ipc/contract';
import { bundleWorkers } from '../drafting/bundle-workers';
import type { OsEncryption } from '../../../main/pacs/secrets';

/**
 * Electron's safeStorage stand-in: a reversible scramble behind a marker, so a test can tell an "encrypted" secret
 * from its plain text. `available: false` is a computer without a key store.
 */
export function fakeOsEncryption(available = true): OsEncryption & { calls: string[] } {
  const calls: string[] = [];
  const MARK = Buffer.from('FAKE-OS-ENCRYPTED:');
  return {
    calls,
    isEncryptionAvailable: () => available,
    encryptString: (plain) => {
      calls.push('encrypt');
      return Buffer.concat([MARK, Buffer.from(plain, 'utf8').map((b) => b ^ 0x5a)]);
    },
    decryptString: (encrypted) => {
      calls.push('decrypt');
      if (!encrypted.subarray(0, MARK.length).equals(MARK)) throw new Error('not encrypted by this key store');
      return Buffer.from(encrypted.subarray(MARK.length).map((b) => b ^ 0x5a)).toString('utf8');
    },
  };
}

export const SAMPLES_DIR = join(__dirname, '../../../resources/samples');

export interface FakeBoundary {
  deps: ServiceDeps;
  clipboard: string[];
  events: { event: EventChannel; payload: unknown }[];
  /** Called with each event as it is recorded, inside the emitting call: a test can act at that exact moment. */
  onEvent: ((recorded: { event: EventChannel; payload: unknown }) => void) | null;
  next: { files: string[]; folder: string | null; save: string | null; modelFolder: string | null };
  saveRequests: string[];
}

export function fakeDeps(userDataDir: string, overrides: Partial<ServiceDeps> = {}): FakeBoundary {
  const clipboard: string[] = [];
  const events: { event: EventChannel; payload: unknown }[] = [];
  const saveRequests: string[] = [];
  const next: FakeBoundary['next'] = { files: [], folder: null, save: null, modelFolder: null };
  const deps: ServiceDeps = {
    userDataDir,
    samplesDir: SAMPLES_DIR,
    modelsDir: join(userDataDir, 'models'),
    dialogs: {
      openFiles: async () => next.files,
      openFolder: async () => next.folder,
      saveFile: async (defaultName) => {
        saveRequests.push(defaultName);
        return next.save;
      },
      openModelFolder: async () => next.modelFolder,
    },
    clipboard: { writeText: (text) => clipboard.push(text) },
    emit: <E extends EventChannel>(event: E, payload: EventOf<E>) => {
      events.push({ event, payload });
      boundary.onEvent?.({ event, payload });
    },
    now: () => new Date('2026-11-27T09:30:00.000Z'),
    workers: bundleWorkers(),
    osEncryption: fakeOsEncryption(),
    ...overrides,
  };
  const boundary: FakeBoundary = { deps, clipboard, events, onEvent: null, next, saveRequests };
  return boundary;
}
