// One path from an untrusted payload to a handler, shared by Electron IPC and the e2e transport.
import { contract, type Handlers } from '../../app/ipc/contract';
import { isInvokeChannel, type InvokeChannel } from '../../app/ipc/channels';

export class IpcRequestError extends Error {
  override name = 'IpcRequestError';
}

/** Validates channel and payload against the contract, then runs the handler. */
export async function dispatch(handlers: Handlers, channel: unknown, payload: unknown): Promise<unknown> {
  if (!isInvokeChannel(channel)) throw new IpcRequestError(`Unknown IPC channel: ${String(channel).slice(0, 64)}`);
  const parsed = contract[channel].request.safeParse(payload ?? {});
  if (!parsed.success) {
    throw new IpcRequestError(`Invalid request for ${channel}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`);
  }
  const handler = handlers[channel] as (request: unknown) => Promise<unknown>;
  return handler(parsed.data);
}

export type { InvokeChannel };
