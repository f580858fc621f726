// A small pool of decode workers (decode.worker.ts): decoding, header and DICOMDIR parsing and zip listing never
// run on the thread that serves the UI.
// Each job has a deadline; a worker that overruns it is terminated and replaced, and the caller gets a typed error.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { bundledWorker, type WorkerScript } from '../workers/bundled-worker';
import { reviveError } from '../workers/revive-error';
import { startWorker } from '../workers/start-worker';
import type { ZipListing } from '../archives/zip-listing';
import type { DecodeReply, DecodeRequest } from './decode-protocol';
import type { DicomDirectory } from './dicomdir';
import { DecodeTimeoutError } from './errors';
import type { ModelView } from './model-view';
import { sourceOf, type DicomSource } from './source';
import type { DecodedImage, DicomHeader } from './types';

export interface DecodePoolOptions {
  /** Worker count; default: one less than the CPU count, at least 1 and at most 4. */
  size?: number;
  /** The worker script; default the bundled dist/workers/decode.worker.cjs. */
  worker?: WorkerScript;
  /** Per-job deadline in ms (default 10 s): no decode may hang the app, whatever the file holds. */
  timeoutMs?: number;
}

export interface DecodedWithView {
  image: DecodedImage;
  modelView: ModelView;
}

/** The worker could not be started or died; not the file's fault. */
export class DecodeWorkerError extends Error {
  override name = 'DecodeWorkerError';
}

type DecodeOk = Extract<DecodeReply, { ok: true; kind: 'decode' }>;
type Reply<K extends DecodeRequest['kind']> = Extract<DecodeReply, { ok: true; kind: K }>;

interface Job {
  req: DecodeRequest;
  resolve: (reply: Extract<DecodeReply, { ok: true }>) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
  timer: NodeJS.Timeout | null;
}

export class DecodePool {
  private readonly size: number;
  private readonly script: WorkerScript;
  private readonly timeoutMs: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(opts: DecodePoolOptions = {}) {
    this.size = Math.max(1, opts.size ?? Math.min(4, availableParallelism() - 1));
    this.script = opts.worker ?? bundledWorker('decode.worker');
    this.timeoutMs = opts.timeoutMs ?? 10_000;
  }

  /** Stored values of one frame, decoded in a worker; the pixel buffer is transferred, not copied. */
  async decode(source: DicomSource | string, frame = 0): Promise<DecodedImage> {
    return (await this.decodeJob(sourceOf(source), frame, false)).image;
  }

  /** Decoded frame plus its 8-bit model view, both computed in the worker. */
  async decodeWithModelView(source: DicomSource | string, frame = 0): Promise<DecodedWithView> {
    const reply = await this.decodeJob(sourceOf(source), frame, true);
    if (!reply.modelView) throw new DecodeWorkerError('the decode worker returned no model view');
    return { image: reply.image, modelView: reply.modelView };
  }

  /** The file's header (readHeader), parsed in a worker: files the user opens are untrusted and may be huge. */
  async readHeader(source: DicomSource | string): Promise<DicomHeader> {
    return (await this.job({ id: this.nextId++, kind: 'header', source: sourceOf(source) })).header;
  }

  /** The files a DICOMDIR references (dicomdir.ts), read in a worker. */
  async readDicomDirectory(source: DicomSource | string): Promise<DicomDirectory> {
    return (await this.job({ id: this.nextId++, kind: 'dicomdir', source: sourceOf(source) })).directory;
  }

  /** The DICOM candidates of a zip archive and whether it may be opened at all (zip-listing.ts), read in a worker. */
  async listZip(archivePath: string, maxEntries: number): Promise<ZipListing> {
    return (await this.job({ id: this.nextId++, kind: 'zip', source: { filePath: archivePath }, maxEntries })).listing;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new DecodeWorkerError('the decode pool was closed'));
    await Promise.all(this.slots.splice(0).map((s) => this.retire(s, new DecodeWorkerError('the decode pool was closed'))));
  }

  private decodeJob(source: DicomSource, frame: number, modelView: boolean): Promise<DecodeOk> {
    return this.job({ id: this.nextId++, kind: 'decode', source, frame, modelView });
  }

  /** Runs `req` and checks the worker answered the same kind of job. */
  private async job<R extends DecodeRequest>(req: R): Promise<Reply<R['kind']>> {
    const reply = await this.submit(req);
    if (reply.kind !== req.kind) throw new DecodeWorkerError(`the decode worker answered a ${req.kind} request with a ${reply.kind} reply`);
    return reply as Reply<R['kind']>;
  }

  private submit(req: DecodeRequest): Promise<Extract<DecodeReply, { ok: true }>> {
    if (this.closed) return Promise.reject(new DecodeWorkerError('the decode pool is closed'));
    if (!existsSync(this.script.path)) {
      return Promise.reject(new DecodeWorkerError(`the decode worker ${this.script.path} is missing; run \`npm run build\``));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ req, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.job === null);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      const job = this.queue.shift();
      if (!job) return;
      slot.job = job;
      slot.worker.ref();
      slot.timer = setTimeout(() => {
        const what = { header: 'reading the header', decode: 'decoding', dicomdir: 'reading the DICOMDIR', zip: 'reading the archive' }[job.req.kind];
        void this.retire(slot, new DecodeTimeoutError(job.req.source.filePath, `${what} took longer than ${this.timeoutMs / 1000} s and was stopped`));
      }, this.timeoutMs);
      slot.worker.postMessage(job.req);
    }
  }

  private spawn(): Slot {
    const worker = startWorker(this.script);
    const slot: Slot = { worker, job: null, timer: null };
    worker.on('message', (reply: DecodeReply) => this.onReply(slot, reply));
    worker.on('error', (e) => void this.retire(slot, new DecodeWorkerError(`the decode worker failed: ${e.message}`)));
    worker.on('exit', (code) => void this.retire(slot, new DecodeWorkerError(`the decode worker exited (code ${code})`)));
    worker.unref();
    this.slots.push(slot);
    return slot;
  }

  private onReply(slot: Slot, reply: DecodeReply): void {
    const job = slot.job;
    if (!job || job.req.id !== reply.id) return;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.job = null;
    // Idle workers must not keep a CLI process alive.
    slot.worker.unref();
    if (reply.ok) job.resolve(reply);
    else job.reject(reviveError(reply.error));
    this.pump();
  }

  /** Stops a worker (timeout, crash, close) and fails its job, if any. */
  private async retire(slot: Slot, error: Error): Promise<void> {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    this.slots.splice(index, 1);
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    const job = slot.job;
    slot.job = null;
    job?.reject(error);
    slot.worker.removeAllListeners('exit');
    await slot.worker.terminate();
    if (!this.closed) this.pump();
  }
}

let shared: DecodePool | null = null;

function sharedPool(): DecodePool {
  shared ??= new DecodePool();
  return shared;
}

/** Decodes frame `frame` of `source` in the shared worker pool. Rejects with DicomErrors like decodeFile. */
export function decodeInWorker(source: DicomSource | string, frame = 0): Promise<DecodedImage> {
  return sharedPool().decode(source, frame);
}

/** Decodes and renders the model view in the shared worker pool. */
export function decodeWithModelViewInWorker(source: DicomSource | string, frame = 0): Promise<DecodedWithView> {
  return sharedPool().decodeWithModelView(source, frame);
}

export async function closeDecodePool(): Promise<void> {
  const pool = shared;
  shared = null;
  await pool?.close();
}
