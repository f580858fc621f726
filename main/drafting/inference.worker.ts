// Worker thread that owns the loaded model, so that onnxruntime never runs on the caller's thread.
// Bundled to dist/workers/inference.worker.cjs; driven by InferenceClient (./inference-client.ts).
import { parentPort } from 'node:worker_threads';
import { loadModel, type Model, type PromptLookup } from '../../models/engine';
import { toWireError } from '../workers/wire-error';
import { lowerThisThreadPriority } from './thread-priority';
import type { FromWorker, ToWorker } from './inference-protocol';

const port = parentPort;
if (!port) throw new Error('inference.worker must run in a worker thread');

/**
 * Tokens guessed per decoder run. On a 2-core CPU a run verifying d guesses costs 1.27 (d = 1), 1.45 (2), 1.88 (4),
 * 2.81 (8) plain steps on the 3B int4 model, and real reports confirm few guesses in a row: replaying the 20 reports
 * of the reference data, 2 gives ×1.20, 4 ×1.14, 8 ×0.96 (docs/paligemma-engine.md, issue 16 figures).
 */
const GUESSES_PER_RUN = 2;

let model: Model | null = null;
let corpus: string[] = [];
/** The corpus indexed in the loaded model's tokenizer: built at the first draft after a load or a new corpus. */
let lookup: PromptLookup | null = null;
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
      lookup = null;
      send({ type: 'loaded', id: msg.id, info: { modelDir: msg.modelDir, manifest: model.manifest, loadMs: model.loadMs } });
      return;
    }
    case 'generate': {
      if (!model) throw new Error('no model is loaded: call load(modelDir) first');
      const { abortFlag, ...req } = msg.req;
      const controller = new AbortController();
      if (Atomics.load(abortFlag, 0) === 1) controller.abort();
      if (!lookup && corpus.length > 0 && model.canSpeculate) lookup = model.promptLookup(corpus);
      const result = await model.generate({
        ...req,
        // Lossless: guessed tokens are kept only where greedy decoding chooses them (models/engine/model.ts).
        ...(lookup ? { draft: { lookup, maxDraft: GUESSES_PER_RUN } } : {}),
        signal: controller.signal,
        onToken: (piece, info) => {
          send({ type: 'token', id: msg.id, piece, info });
          if (Atomics.load(abortFlag, 0) === 1) controller.abort();
        },
      });
      send({ type: 'result', id: msg.id, result });
      return;
    }
    case 'corpus': {
      corpus = msg.texts;
      lookup = null;
      send({ type: 'corpusSet', id: msg.id });
      return;
    }
    case 'unload': {
      if (model) await model.dispose();
      model = null;
      lookup = null;
      send({ type: 'unloaded', id: msg.id });
      return;
    }
  }
}

port.on('message', (msg: ToWorker) => {
  queue = queue.then(() => handle(msg).catch((error: unknown) => send({ type: 'error', id: msg.id, error: toWireError(error) })));
});
