// Runs one frame through a cornerstone WASM decoder, capturing the codec's own diagnostics instead of letting it
// print to the console, and turning its C++ exceptions (thrown as bare numbers) into messages.
import { CodecFailure } from './failures';
import type { EmscriptenCodecFactory, EmscriptenCodecModule, WasmDecoderClass, WasmFrameInfo } from './wasm-types';

interface LoadedCodec {
  module: EmscriptenCodecModule;
  log: string[];
}

const loaded = new Map<string, Promise<LoadedCodec>>();
const MAX_LOG_LINES = 200;

export function loadCodec(name: string, factory: EmscriptenCodecFactory): Promise<LoadedCodec> {
  let codec = loaded.get(name);
  if (!codec) {
    const log: string[] = [];
    const push = (text: string) => {
      if (log.length < MAX_LOG_LINES) log.push(text);
    };
    codec = factory({ print: push, printErr: push }).then((module) => ({ module, log }));
    loaded.set(name, codec);
    codec.catch(() => loaded.delete(name));
  }
  return codec;
}

export interface WasmResult<T> {
  info: WasmFrameInfo;
  /** What `consume` made of the decoded buffer (a view into the WASM heap, valid only during the call). */
  value: T;
  messages: string[];
  interleaveMode?: number;
  nearLossless?: number;
}

export interface WasmDecoded {
  info: WasmFrameInfo;
  /** The decoded samples: a view into the WASM heap (copy what you keep), or a JS copy when `owned`. */
  heap: Uint8Array;
  /**
   * True when the codec's getDecodedBuffer() already returned a JS-side copy (CharLS does; OpenJPH returns a
   * heap view): that copy is nobody else's, so the caller may convert it in place.
   */
  owned: boolean;
  messages: string[];
  interleaveMode?: number;
}

function describeWasmThrow(module: EmscriptenCodecModule, thrown: unknown): string {
  if (typeof thrown === 'number' && module.getExceptionMessage) {
    try {
      const m = module.getExceptionMessage(thrown);
      return Array.isArray(m) ? m.filter(Boolean).join(': ') : m;
    } catch {
      return `codec exception ${thrown}`;
    }
  }
  if (typeof thrown === 'number') return `codec exception ${thrown}`;
  return thrown instanceof Error ? thrown.message : String(thrown);
}

/**
 * Decodes `input` (one codestream, or its fragments in order, gathered straight into the WASM heap so no joined JS
 * copy is made) with a fresh decoder instance. A WASM abort (RuntimeError) leaves the module unusable, so the
 * module is dropped and re-instantiated on the next call.
 */
export async function runWasmDecoder<T>(
  name: string,
  factory: EmscriptenCodecFactory,
  pick: (m: EmscriptenCodecModule) => WasmDecoderClass | undefined,
  input: Uint8Array | readonly Uint8Array[],
  consume: (decoded: WasmDecoded) => T,
  checkEncoded?: (encoded: Uint8Array) => void,
): Promise<WasmResult<T>> {
  const codec = await loadCodec(name, factory);
  const Decoder = pick(codec.module);
  if (!Decoder) throw new CodecFailure(`${name} decoder class missing from the codec module`);
  codec.log.length = 0;
  let decoder: InstanceType<WasmDecoderClass> | undefined;
  try {
    decoder = new Decoder();
    const parts = input instanceof Uint8Array ? [input] : input;
    const encoded = decoder.getEncodedBuffer(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      encoded.set(p, at);
      at += p.length;
    }
    // Checks that need the whole codestream contiguous run on the heap copy when the input came in pieces.
    checkEncoded?.(encoded);
    decoder.decode();
    const info = { ...decoder.getFrameInfo() };
    const interleaveMode = decoder.getInterleaveMode?.();
    const nearLossless = decoder.getNearLossless?.();
    const messages = [...codec.log];
    const heap = decoder.getDecodedBuffer();
    const wasmMemory = codec.module.HEAPU8?.buffer;
    const owned = wasmMemory !== undefined && heap.buffer !== wasmMemory;
    const value = consume({ info, heap, owned, messages, interleaveMode });
    return { info, value, messages, interleaveMode, nearLossless };
  } catch (e) {
    if (e instanceof CodecFailure) throw e;
    if (e instanceof WebAssembly.RuntimeError) {
      loaded.delete(name);
      decoder = undefined;
    }
    throw new CodecFailure(describeWasmThrow(codec.module, e), [...codec.log]);
  } finally {
    try {
      decoder?.delete();
    } catch {
      // A decoder whose module aborted cannot be deleted; the module itself has been dropped.
      loaded.delete(name);
    }
  }
}
