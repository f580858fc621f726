// Worker thread that decodes DICOM frames so neither the Electron main thread nor the renderer ever does.
// Bundled to dist/workers/decode.worker.cjs; driven by decode-pool.ts.
import { parentPort } from 'node:worker_threads';
import { decodeFile } from './decode';
import type { DecodeReply, DecodeRequest, SerializedError } from './decode-protocol';
import { DicomError, FrameOutOfRangeError } from './errors';
import { renderModelView } from './model-view';

function serialize(e: unknown): SerializedError {
  if (e instanceof DicomError || e instanceof FrameOutOfRangeError) return { name: e.name, message: e.message, filePath: e.filePath, reason: e.reason };
  if (e instanceof Error) return { name: e.name, message: e.message };
  return { name: 'Error', message: String(e) };
}

/** An ArrayBuffer that this message may own: copy views into shared or larger buffers before transferring. */
function ownBuffer<T extends ArrayBufferView>(view: T, copy: () => T): T {
  return view.byteOffset === 0 && view.byteLength === view.buffer.byteLength && view.buffer instanceof ArrayBuffer ? view : copy();
}

parentPort?.on('message', (req: DecodeRequest) => {
  void (async () => {
    let reply: DecodeReply;
    const transfer: ArrayBuffer[] = [];
    try {
      const image = await decodeFile(req.filePath, req.frame);
      const modelView = req.modelView ? renderModelView(image) : null;
      image.pixels = ownBuffer(image.pixels, () => image.pixels.slice());
      transfer.push(image.pixels.buffer as ArrayBuffer);
      if (modelView) transfer.push(modelView.data.buffer as ArrayBuffer);
      reply = { id: req.id, ok: true, image, modelView };
    } catch (e) {
      reply = { id: req.id, ok: false, error: serialize(e) };
    }
    parentPort?.postMessage(reply, transfer);
  })();
});
