// Serves the typed contract over Electron IPC: one ipcMain.handle per channel, each checking the sending frame
// before the payload is even looked at. Typed against a minimal IPC surface so tests can drive it without Electron.
import { INVOKE_CHANNELS } from '../../app/ipc/channels';
import type { Handlers } from '../../app/ipc/contract';
import { isTrustedSender } from '../security/ipc-sender';
import { dispatch } from './dispatch';
import { AppError, toTransportError } from './errors';

export interface FrameLike {
  readonly url: string;
  readonly parent: unknown;
}

export interface InvokeEventLike {
  readonly senderFrame: FrameLike | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, payload: unknown) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export class UntrustedSenderError extends AppError {
  readonly code = 'invalid-request' as const;
  override name = 'UntrustedSenderError';
}

export function registerIpc(ipcMain: IpcMainLike, handlers: Handlers): () => void {
  for (const channel of INVOKE_CHANNELS) {
    ipcMain.handle(channel, async (event, payload) => {
      try {
        const frame = event.senderFrame;
        if (!isTrustedSender({ url: frame?.url ?? null, isMainFrame: frame !== null && frame.parent === null })) {
          throw new UntrustedSenderError(`Refused ${channel}: the request did not come from Radraft's own window.`);
        }
        return await dispatch(handlers, channel, payload);
      } catch (error) {
        // Only the message crosses Electron IPC; it carries {code, message} for the renderer's decodeIpcError.
        throw toTransportError(error);
      }
    });
  }
  return () => {
    for (const channel of INVOKE_CHANNELS) ipcMain.removeHandler(channel);
  };
}
