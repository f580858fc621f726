// Worker thread that decodes DICOM frames and reads headers, so neither the Electron main thread nor the renderer
// ever parses a file.
// Bundled to dist/workers/decode.worker.cjs; driven by decode-pool.ts.
import { parentPort } from 'node:worker_threads';
import { decodeFile } from './decode';
import { toWireError } from '../workers/wire-error';
import type { DecodeReply, DecodeRequest } from './decode-protocol';
import { readHeader } from './header';
import { renderModelView } from './model-view';

/** An ArrayBuffer that this message may own: copy views into shared or larger buffers before transferring. */
function ownBuffer<T extends ArrayBufferView>(view: T, copy: () => T): T {
  return view.byteOffset === 0 && view.byteLength === view.buffer.byteLength && view.buffer instanceof ArrayBuffer ? view : copy();
}

parentPort?.on('message', (req: DecodeRequest) => {
  void (async () => {
    let reply: DecodeReply;
    const transfer: ArrayBuffer[] = [];
    try {
      if (req.kind === 'header') {
        reply = { id: req.id, ok: true, kind: 'header', header: await readHeader(req.filePath) };
      } else {
        const image = await decodeFile(req.filePath, req.frame);
        const modelView = req.modelView ? renderModelView(image) : null;
        image.pixels = ownBuffer(image.pixels, () => image.pixels.slice());
        transfer.push(image.pixels.buffer as ArrayBuffer);
        if (modelView) transfer.push(modelView.data.buffer as ArrayBuffer);
        reply = { id: req.id, ok: true, kind: 'decode', image, modelView };
      }
    } catch (e) {
      reply = { id: req.id, ok: false, error: toWireError(e) };
    }
    parentPort?.postMessage(reply, transfer);
  })();
});
