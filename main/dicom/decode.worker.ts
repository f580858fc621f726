// Worker thread that decodes DICOM frames, reads headers and DICOMDIRs and lists zip archives, so neither the
// Electron main thread nor the renderer ever parses a file.
// Bundled to dist/workers/decode.worker.cjs; driven by decode-pool.ts.
import { parentPort } from 'node:worker_threads';
import { listZipArchive } from '../archives/zip-listing';
import { decodeFile } from './decode';
import { toWireError } from '../workers/wire-error';
import type { DecodeReply, DecodeRequest } from './decode-protocol';
import { readDicomDirectory } from './dicomdir';
import { readHeader } from './header';
import { renderModelView } from './model-view';

/** An ArrayBuffer that this message may own: copy views into shared or larger buffers before transferring. */
function ownBuffer<T extends ArrayBufferView>(view: T, copy: () => T): T {
  return view.byteOffset === 0 && view.byteLength === view.buffer.byteLength && view.buffer instanceof ArrayBuffer ? view : copy();
}

async function answer(req: DecodeRequest, transfer: ArrayBuffer[]): Promise<DecodeReply> {
  switch (req.kind) {
    case 'header':
      return { id: req.id, ok: true, kind: 'header', header: await readHeader(req.source) };
    case 'dicomdir':
      return { id: req.id, ok: true, kind: 'dicomdir', directory: await readDicomDirectory(req.source) };
    case 'zip':
      return { id: req.id, ok: true, kind: 'zip', listing: await listZipArchive(req.source.filePath, req.maxEntries) };
    case 'decode': {
      const image = await decodeFile(req.source, req.frame);
      const modelView = req.modelView ? renderModelView(image) : null;
      image.pixels = ownBuffer(image.pixels, () => image.pixels.slice());
      transfer.push(image.pixels.buffer as ArrayBuffer);
      if (modelView) transfer.push(modelView.data.buffer as ArrayBuffer);
      return { id: req.id, ok: true, kind: 'decode', image, modelView };
    }
  }
}

parentPort?.on('message', (req: DecodeRequest) => {
  void (async () => {
    let reply: DecodeReply;
    const transfer: ArrayBuffer[] = [];
    try {
      reply = await answer(req, transfer);
    } catch (e) {
      reply = { id: req.id, ok: false, error: toWireError(e) };
    }
    parentPort?.postMessage(reply, transfer);
  })();
});
