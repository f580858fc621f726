// JPEG 2000 decoding (ISO/IEC 15444-1; DICOM PS3.5 A.4.4) through Radraft's own OpenJPEG 2.5 WASM build
// (./openjpeg/, see build-wasm.sh there for why it exists). A single-tile codestream, the usual radiograph, is
// decoded in strips of STRIP_ROWS rows on OpenJPEG's thread pool; each strip's 32-bit samples become stored values
// in C and are copied into the result, so the whole image never exists as 32-bit samples.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { CodecFailure, UnsupportedCodestream } from './failures';
import { readJ2kSize } from './j2k-markers';
import { SampleRangeError, sampleRange, storedBits, type StoredLayout } from './stored';
import { allocate, dtypeFor } from '../pixels';
import type { StoredArray } from '../types';

/**
 * Rows per strip, measured on the 2128×2000 DX (bench/dicom-decode.ts): 64 and 96 peak at 1.9–2.7× the decoded
 * size, 128 up to 3.1×; 96 and 128 decode about 10% faster than 64 (fewer packet-header passes per image).
 */
const STRIP_ROWS = 96;
/**
 * Images smaller than this decode on the calling thread: starting the pool threads (Node workers that each load the
 * WASM module) costs more than they save on a small image, and `radraft inspect` of a 3 KB file would wait for them.
 */
const THREADED_MIN_PIXELS = 1024 * 1024;
const INFO_WORDS = 7 + 4 * 4;
const STORE_PARAM_WORDS = 6 + 2 * 4;
const START_TIMEOUT_MS = 8000;

interface PthreadWorker {
  unref(): void;
}

interface OpenjpegModule {
  _rj_open(data: number, length: number, threads: number, info: number): number;
  _rj_decode(y0: number, y1: number, whole: number, ptrs: number): number;
  _rj_store(ptrs: number, params: number, out: number, result: number): void;
  _rj_close(): void;
  _rj_release_source(): void;
  _rj_log_text(): number;
  _malloc(size: number): number;
  _free(ptr: number): void;
  wasmMemory: WebAssembly.Memory;
  UTF8ToString(ptr: number): string;
  PThread: {
    unusedWorkers: PthreadWorker[];
    runningWorkers: PthreadWorker[];
    allocateUnusedWorker(): void;
    loadWasmModuleToWorker(worker: PthreadWorker, onLoaded: () => void): void;
    terminateAllThreads(): void;
  };
}

interface ModuleArgs {
  instantiateWasm: (imports: WebAssembly.Imports, receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void) => WebAssembly.Exports;
  radraftThreads: number;
  print: (text: string) => void;
  printErr: (text: string) => void;
}

type OpenjpegFactory = (args: ModuleArgs) => Promise<OpenjpegModule>;

/**
 * The build's folder: beside this file in the sources, dist/codecs/openjpeg beside a bundle (dist/<entry>/x.cjs),
 * or the sources' copy above a bundle built elsewhere in the repository (the tests' worker bundles).
 */
export function openjpegDir(): string {
  const candidates = [join(__dirname, 'openjpeg')];
  for (let dir = __dirname, up = 0; up < 6; up++, dir = dirname(dir)) {
    candidates.push(join(dir, 'codecs', 'openjpeg'), join(dir, 'main', 'dicom', 'codecs', 'openjpeg'));
  }
  // Electron cannot start worker threads from inside app.asar; electron-builder unpacks this folder beside it.
  const found = candidates.map((d) => d.replace(/app\.asar([\\/])/, 'app.asar.unpacked$1')).find((d) => existsSync(join(d, 'openjpeg.js')));
  if (!found) throw new CodecFailure(`the JPEG 2000 decoder is missing (no openjpeg.js at or above ${__dirname}); reinstall Radraft`);
  return found;
}

/**
 * OpenJPEG's pool threads: 2 (most of the gain for one image; the decode pool already runs one worker per spare
 * core, and each pool thread is a Node worker of ≈ 8 MiB), 4 on machines with 16 cores or more, none on a single
 * core (OpenJPEG then decodes on the calling thread).
 */
function threadCount(): number {
  const cores = availableParallelism();
  return cores < 2 ? 0 : cores >= 16 ? 4 : 2;
}

let loading: Promise<OpenjpegModule> | null = null;

/** Rejects after START_TIMEOUT_MS: a pool worker that cannot start (a damaged installation) would wait forever. */
function startTimeout(): { late: Promise<never>; clear: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CodecFailure(`the JPEG 2000 decoder did not start within ${START_TIMEOUT_MS / 1000} s; reinstall Radraft`)), START_TIMEOUT_MS);
    timer.unref();
  });
  return { late, clear: () => clearTimeout(timer) };
}

/**
 * Emscripten's instantiateWasm hook, compiling synchronously. With the default asynchronous compile, V8 finishes the
 * module's optimised code in the background and a later call from this thread can block on that for a second or
 * more (measured: the second JPEG 2000 file read stalled 0.5–2.4 s on a loaded 2-core machine); compiled here, the
 * first decode pays only for the baseline code.
 */
function instantiateNow(binary: Uint8Array<ArrayBuffer>): ModuleArgs['instantiateWasm'] {
  return (imports, receive) => {
    const module = new WebAssembly.Module(binary);
    const instance = new WebAssembly.Instance(module, imports);
    receive(instance, module);
    return instance.exports;
  };
}

/** The module starts without pool threads; ensurePool adds them when an image big enough to need them comes. */
function loadModule(): Promise<OpenjpegModule> {
  if (!loading) {
    const dir = openjpegDir();
    const factory = createRequire(__filename)(join(dir, 'openjpeg.js')) as OpenjpegFactory;
    const ignore = () => undefined;
    const args: ModuleArgs = { instantiateWasm: instantiateNow(readFileSync(join(dir, 'openjpeg.wasm'))), radraftThreads: 0, print: ignore, printErr: ignore };
    loading = factory(args);
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}

/**
 * Grows the module's pool to `n` loaded workers before a threaded decode. OpenJPEG's threads are created during
 * the decode, which blocks this thread: a worker that still had to load then would wait for this thread's event
 * loop, so every worker is loaded first.
 */
async function ensurePool(m: OpenjpegModule, n: number): Promise<void> {
  const have = m.PThread.unusedWorkers.length + m.PThread.runningWorkers.length;
  if (have >= n) return;
  const loads: Promise<void>[] = [];
  for (let i = have; i < n; i++) {
    m.PThread.allocateUnusedWorker();
    const worker = m.PThread.unusedWorkers[m.PThread.unusedWorkers.length - 1];
    loads.push(
      new Promise((resolve) =>
        m.PThread.loadWasmModuleToWorker(worker, () => {
          // Idle pool threads must not keep a CLI or test process alive (but a loading one must, until it is ready).
          worker.unref();
          resolve();
        }),
      ),
    );
  }
  const { late, clear } = startTimeout();
  try {
    await Promise.race([Promise.all(loads), late]);
  } finally {
    clear();
  }
}

/**
 * Loads the module and its pool threads now, as the first image of 1 Mpixel or more would. For benchmarks that
 * measure a decode apart from the decoder's one-time start.
 */
export async function startJpeg2000Decoder(): Promise<void> {
  const m = await loadModule();
  const threads = threadCount();
  if (threads > 1) await ensurePool(m, threads);
}

/** Drops a module whose WASM aborted: its memory and threads are in an unknown state. */
function discardModule(m: OpenjpegModule): void {
  loading = null;
  try {
    m.PThread.terminateAllThreads();
  } catch {
    // Threads of an aborted module may already be gone; nothing else holds them.
  }
}

/** A file read straight into the decoder's memory, so its codestream needs no JS-side copy to reach OpenJPEG. */
export interface HeapFile {
  bytes: Uint8Array;
  release(): void;
}

interface HeapRegion {
  buffer: ArrayBufferLike;
  ptr: number;
  length: number;
  freed: boolean;
  module: OpenjpegModule;
}

const regions = new Set<HeapRegion>();

function freeRegion(r: HeapRegion): void {
  if (r.freed) return;
  r.freed = true;
  regions.delete(r);
  r.module._free(r.ptr);
}

/**
 * Reads `length` bytes with `read(into)` into a block of the decoder's memory. Once a decode has ingested the
 * codestream it frees the block early (its pages then serve the decode's own buffers); the bytes must not be read
 * after that, and release() is then a no-op.
 */
export async function readIntoDecoderMemory(length: number, read: (into: Uint8Array) => Promise<void>): Promise<HeapFile> {
  const m = await loadModule();
  const ptr = m._malloc(Math.max(1, length));
  if (!ptr) throw new CodecFailure(`cannot reserve ${length} bytes for the JPEG 2000 decoder`);
  const region: HeapRegion = { buffer: m.wasmMemory.buffer, ptr, length, freed: false, module: m };
  regions.add(region);
  const bytes = new Uint8Array(region.buffer, ptr, length);
  try {
    await read(bytes);
  } catch (e) {
    freeRegion(region);
    throw e;
  }
  return { bytes, release: () => freeRegion(region) };
}

/** Pool threads the decoder has started (0 before the first image of 1 Mpixel or more); for tests and diagnostics. */
export async function jpeg2000PoolSize(): Promise<number> {
  if (!loading) return 0;
  const m = await loading;
  return m.PThread.unusedWorkers.length + m.PThread.runningWorkers.length;
}

/** Files still held in the decoder's memory (released ones are not); for tests and diagnostics. */
export function heldFileCount(): number {
  return regions.size;
}

function regionHolding(m: OpenjpegModule, data: Uint8Array): HeapRegion | undefined {
  for (const r of regions) {
    if (r.module === m && !r.freed && data.buffer === r.buffer && data.byteOffset >= r.ptr && data.byteOffset + data.length <= r.ptr + r.length) return r;
  }
  return undefined;
}

export interface Jpeg2000Output {
  samples: StoredArray;
  width: number;
  height: number;
  components: number;
  /** Min/max of the samples, for a single-component image. */
  range?: { min: number; max: number };
}

interface Header {
  x0: number;
  y0: number;
  width: number;
  height: number;
  /** Per component: are its samples signed? */
  signed: boolean[];
  tiles: number;
}

function readHeader(info: Int32Array): Header {
  const [x0, y0, x1, y1, numcomps, tw, th] = info;
  const signed: boolean[] = [];
  for (let c = 0; c < Math.min(numcomps, 4); c++) {
    const at = 7 + c * 4;
    if (info[at + 2] !== 1 || info[at + 3] !== 1) throw new UnsupportedCodestream('JPEG 2000 components with subsampling are not supported');
    signed.push(info[at + 1] !== 0);
  }
  if (numcomps > 4) throw new UnsupportedCodestream(`a JPEG 2000 codestream with ${numcomps} components is not supported`);
  return { x0, y0, width: x1 - x0, height: y1 - y0, signed, tiles: tw * th };
}

/**
 * What rj_store needs to turn a strip's samples into stored values: keep Bits Stored bits and sign-extend for
 * Pixel Representation 1 (PS3.5 8.1.1). Samples outside a component's range for Bits Stored mean damage in a
 * lossless stream (fail) and overshoot in a lossy one (clamp), as stored.ts decides for the other codecs. Word 1,
 * the samples per component, is set for each strip.
 */
function storeParams(h: Header, l: StoredLayout): Int32Array {
  const bs = storedBits(l);
  const p = new Int32Array(STORE_PARAM_WORDS);
  p.set([h.signed.length, 0, l.bitsAllocated > 8 ? 2 : 1, bs, l.pixelRepresentation === 1 ? 1 : 0, l.outOfRange === 'clamp' ? 1 : 0]);
  h.signed.forEach((signed, i) => {
    const { lo, hi } = sampleRange(bs, signed);
    p[6 + 2 * i] = lo;
    p[7 + 2 * i] = hi;
  });
  return p;
}

function logLines(m: OpenjpegModule): string[] {
  return m
    .UTF8ToString(m._rj_log_text())
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** JPEG 2000 decoders' message lines that mean the image is wrong, even when they return pixels. */
const failureLine = /^\[ERROR\]|\[WARNING\].*(too short|truncat|premature)/i;

/** The failure OpenJPEG's (or OpenJPH's) messages report, if any, as a CodecFailure carrying them all. */
export function j2kFailure(lines: string[]): CodecFailure | undefined {
  const failure = lines.find((x) => failureLine.test(x));
  return failure ? new CodecFailure(withoutLevel(failure), lines) : undefined;
}

function withoutLevel(line: string): string {
  return line.replace(/^\[(ERROR|WARNING)\]\s*/, '').trim();
}

/** A call that returned failure: the failure line of the log, else its first line, else `fallback`. */
function failWith(m: OpenjpegModule, fallback: string): never {
  const lines = logLines(m);
  throw j2kFailure(lines) ?? new CodecFailure(lines.length > 0 ? withoutLevel(lines[0]) : fallback, lines);
}

/** Decodes a raw JPEG 2000 codestream into stored values of the layout's dtype, colour-by-pixel. */
export async function decodeJpeg2000Stored(codestream: Uint8Array, layout: StoredLayout): Promise<Jpeg2000Output> {
  const m = await loadModule();
  // info words, then 4 component pointers, store parameters and store results (4).
  const scratch = m._malloc(4 * (INFO_WORDS + 4 + STORE_PARAM_WORDS + 4));
  const ptrs = scratch + 4 * INFO_WORDS;
  const params = ptrs + 4 * 4;
  const result = params + 4 * STORE_PARAM_WORDS;
  // A codestream already in the decoder's memory (a file read there) is decoded in place; anything else is copied in.
  const region = regionHolding(m, codestream);
  const own = region ? 0 : m._malloc(Math.max(1, codestream.length));
  let staging = 0;
  if (!scratch || (!region && !own)) throw new CodecFailure('cannot reserve memory for the JPEG 2000 decoder');
  const releaseSource = () => {
    m._rj_release_source();
    if (region) freeRegion(region);
    else if (own) m._free(own);
  };
  let sourceHeld = true;
  try {
    if (own) new Uint8Array(m.wasmMemory.buffer, own, codestream.length).set(codestream);
    const data = region ? codestream.byteOffset : own;
    const { width, height } = readJ2kSize(codestream);
    const threads = width * height >= THREADED_MIN_PIXELS ? threadCount() : 0;
    if (threads > 1) await ensurePool(m, threads);
    if (!m._rj_open(data, codestream.length, threads, scratch)) failWith(m, 'the JPEG 2000 header cannot be read');
    const h = readHeader(new Int32Array(m.wasmMemory.buffer, scratch, INFO_WORDS).slice());
    const comps = h.signed.length;
    const cellBytes = layout.bitsAllocated > 8 ? 2 : 1;
    const out = allocate(dtypeFor(layout.bitsAllocated, layout.pixelRepresentation === 1), h.width * h.height * comps);
    // The stored values arrive as raw cells; one view of the result per cell size takes them.
    const outCells = cellBytes === 2 ? new Uint16Array(out.buffer) : new Uint8Array(out.buffer);
    const storeWords = storeParams(h, layout);
    // Strips need a single tile (OpenJPEG keeps only that tile's data between calls); tiled images decode whole.
    const step = h.tiles === 1 ? STRIP_ROWS : h.height;
    new Int32Array(m.wasmMemory.buffer, result, 4).set([2 ** 31 - 1, -(2 ** 31), 0, 0]);
    for (let row = 0; row < h.height; row += step) {
      const rows = Math.min(step, h.height - row);
      if (!m._rj_decode(h.y0 + row, h.y0 + row + rows, step === h.height ? 1 : 0, ptrs)) failWith(m, 'the JPEG 2000 codestream cannot be decoded');
      if (sourceHeld) {
        // The tile data are now OpenJPEG's own copy: free the source before the next strips allocate.
        releaseSource();
        sourceHeld = false;
        staging = m._malloc(h.width * step * comps * cellBytes);
        if (!staging) throw new CodecFailure('cannot reserve memory for the JPEG 2000 decoder');
      }
      const samples = h.width * rows;
      storeWords[1] = samples;
      new Int32Array(m.wasmMemory.buffer, params, STORE_PARAM_WORDS).set(storeWords);
      m._rj_store(ptrs, params, staging, result);
      const heap = m.wasmMemory.buffer;
      const r = new Int32Array(heap, result, 4);
      if (r[3]) throw new SampleRangeError(r[2], storedBits(layout));
      const cells = cellBytes === 2 ? new Uint16Array(heap, staging, samples * comps) : new Uint8Array(heap, staging, samples * comps);
      outCells.set(cells, row * h.width * comps);
    }
    const failure = j2kFailure(logLines(m));
    if (failure) throw failure;
    const [min, max] = new Int32Array(m.wasmMemory.buffer, result, 2);
    const range = comps === 1 && out.length > 0 ? { min, max } : undefined;
    return { samples: out, width: h.width, height: h.height, components: comps, range };
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) {
      discardModule(m);
      throw new CodecFailure(`the JPEG 2000 decoder stopped (${e.message})`);
    }
    throw e;
  } finally {
    try {
      m._rj_close();
      if (sourceHeld) releaseSource();
      if (staging) m._free(staging);
      m._free(scratch);
    } catch {
      // An aborted module cannot be called any more; it has been discarded above.
    }
  }
}
