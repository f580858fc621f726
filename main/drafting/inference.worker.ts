// Worker thread that owns the loaded model, so that onnxruntime never runs on the caller's thread.
// Bundled to dist/workers/inference.worker.cjs; driven by InferenceClient (./inference-client.ts).
import { parentPort } from 'node:worker_threads';
import { loadModel, type Model } from '../../models/engine';
import { toWireError } from '../workers/wire-error';
import { lowerThisThreadPriority } from './thread-priority';
import type { FromWorker, ToWorker } from './inference-protocol';

const port = parentPort;
if (!port) throw new Error('inference.worker must run in a worker thread');

let model: Model | null = null;
// One request at a time, in arrival order.
let queue: Promise<void> = Promise.resolve();

function send(msg: FromWorker): void {
  port!.postMessage(msg);
}

async function handle(msg: ToWorker): Promise<void> {
  switch (msg.type) {
    case 'load': {
      // Before the session exists: onnxruntime's threads inherit this thread's priority when they are created.
      if (msg.background) lowerThisThreadPriority();
      // The current model keeps serving if the new one fails to load.
      const next = await loadModel(msg.modelDir, msg.opts);
      if (model) await model.dispose();
      model = next;
      send({ type: 'loaded', id: msg.id, info: { modelDir: msg.modelDir, manifest: model.manifest, loadMs: model.loadMs } });
      return;
    }
    case 'generate': {
      if (!model) throw new Error('no model is loaded: call load(modelDir) first');
      const { abortFlag, ...req } = msg.req;
      const controller = new AbortController();
      if (Atomics.load(abortFlag, 0) === 1) controller.abort();
      const result = await model.generate({
        ...req,
        signal: controller.signal,
        onToken: (piece, info) => {
          send({ type: 'token', id: msg.id, piece, info });
          if (Atomics.load(abortFlag, 0) === 1) controller.abort();
        },
      });
      send({ type: 'result', id: msg.id, result });
      return;
    }
    case 'unload': {
      if (model) await model.dispose();
      model = null;
      send({ type: 'unloaded', id: msg.id });
      return;
    }
  }
}

port.on('message', (msg: ToWorker) => {
  queue = queue.then(() => handle(msg).catch((error: unknown) => send({ type: 'error', id: msg.id, error: toWireError(error) })));
});
