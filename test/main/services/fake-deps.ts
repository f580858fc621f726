// Fakes at the Electron boundary only: dialogs, clipboard, event sink.
import { join } from 'node:path';
import type { ServiceDeps } from '../../../main/services';
import type { EventChannel } from '../../../app/ipc/channels';
import type { EventOf } from '../../../app/ipc/contract';
import { bundleWorkers } from '../drafting/bundle-workers';

export const SAMPLES_DIR = join(__dirname, '../../../resources/samples');

export interface FakeBoundary {
  deps: ServiceDeps;
  clipboard: string[];
  events: { event: EventChannel; payload: unknown }[];
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
    emit: <E extends EventChannel>(event: E, payload: EventOf<E>) => events.push({ event, payload }),
    now: () => new Date('2026-11-27T09:30:00.000Z'),
    workers: bundleWorkers(),
    ...overrides,
  };
  return { deps, clipboard, events, next, saveRequests };
}
