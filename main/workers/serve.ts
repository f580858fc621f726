// The worker side of main/workers/task.ts: what a task worker's entry calls to answer its requests.
import type { MessagePort, TransferListItem } from 'node:worker_threads';
import type { TaskMessage, TaskReply, TaskRequest } from './task';
import { toWireError } from './wire-error';

/** Worker side of runWorkerTask: posts the result of `work` (which may report progress), or its error. */
export async function serveOneTask<R, P>(port: MessagePort | null, work: (progress: (p: P) => void) => R | Promise<R>): Promise<void> {
  const post = (msg: TaskMessage<R, P>): void => port?.postMessage(msg);
  try {
    post({ type: 'result', value: await work((progress) => post({ type: 'progress', progress })) });
  } catch (error) {
    post({ type: 'error', error: toWireError(error) });
  }
}

/** Worker side of TaskWorker: answers each request with `handle`'s result or error, one at a time. */
export function serveTasks<I, R>(port: MessagePort | null, handle: (input: I) => Promise<{ value: R; transfer?: TransferListItem[] }>): void {
  let queue = Promise.resolve();
  port?.on('message', (req: TaskRequest<I>) => {
    queue = queue.then(async () => {
      try {
        const { value, transfer } = await handle(req.input);
        port.postMessage({ id: req.id, type: 'result', value } satisfies TaskReply<R>, transfer ?? []);
      } catch (error) {
        port.postMessage({ id: req.id, type: 'error', error: toWireError(error) } satisfies TaskReply<R>);
      }
    });
  });
}
