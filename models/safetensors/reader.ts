// Safetensors reader (https://github.com/huggingface/safetensors#format): an 8-byte little-endian header length, a
// JSON header of {name: {dtype, shape, data_offsets}}, then the raw little-endian tensor bytes. Tensors are read one at
// a time with positioned reads so that a multi-gigabyte checkpoint never has to sit in memory whole.
import { closeSync, existsSync, openSync, readFileSync, readSync, fstatSync } from 'node:fs';
import { dirname, join } from 'node:path';

export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

export type SafetensorsDtype = 'F32' | 'F16' | 'BF16' | 'F64' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

const BYTES: Record<SafetensorsDtype, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };

export interface TensorInfo {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  /** Absolute byte range inside `file`. */
  begin: number;
  end: number;
  file: string;
}

/** One .safetensors file, opened lazily. */
export class SafetensorsFile {
  readonly tensors = new Map<string, TensorInfo>();
  readonly metadata: Record<string, string>;

  constructor(readonly path: string) {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (error) {
      throw new SafetensorsError(`cannot open ${path}: ${(error as Error).message}`, { cause: error });
    }
    try {
      const size = fstatSync(fd).size;
      const lenBuf = Buffer.alloc(8);
      if (size < 8 || readSync(fd, lenBuf, 0, 8, 0) !== 8) throw new SafetensorsError(`${path} is too short to be a safetensors file`);
      const headerLen = Number(lenBuf.readBigUInt64LE(0));
      if (headerLen <= 0 || headerLen > 100_000_000 || 8 + headerLen > size) {
        throw new SafetensorsError(`${path} has an invalid safetensors header length (${headerLen}): the file is corrupt or not safetensors`);
      }
      const headerBuf = Buffer.alloc(headerLen);
      readSync(fd, headerBuf, 0, headerLen, 8);
      let header: Record<string, unknown>;
      try {
        header = JSON.parse(headerBuf.toString('utf8')) as Record<string, unknown>;
      } catch (error) {
        throw new SafetensorsError(`${path} has an unreadable safetensors header: ${(error as Error).message}`, { cause: error });
      }
      const dataStart = 8 + headerLen;
      this.metadata = {};
      for (const [name, raw] of Object.entries(header)) {
        if (name === '__metadata__') {
          Object.assign(this.metadata, raw as Record<string, string>);
          continue;
        }
        const entry = raw as { dtype?: string; shape?: number[]; data_offsets?: [number, number] };
        if (!entry || typeof entry.dtype !== 'string' || !Array.isArray(entry.shape) || !Array.isArray(entry.data_offsets)) {
          throw new SafetensorsError(`${path}: tensor ${name} has a malformed header entry`);
        }
        const dtype = entry.dtype as SafetensorsDtype;
        if (!(dtype in BYTES)) throw new SafetensorsError(`${path}: tensor ${name} has unsupported dtype ${entry.dtype}`);
        const [b, e] = entry.data_offsets;
        const count = entry.shape.reduce((a, d) => a * d, 1);
        if (e - b !== count * BYTES[dtype] || dataStart + e > size) {
          throw new SafetensorsError(`${path}: tensor ${name} lies outside the file or has the wrong size: the file is truncated or corrupt`);
        }
        this.tensors.set(name, { name, dtype, shape: entry.shape, begin: dataStart + b, end: dataStart + e, file: path });
      }
    } finally {
      closeSync(fd);
    }
  }
}

/** Raw bytes of one tensor, read from disk now. */
export function readTensorBytes(info: TensorInfo): Uint8Array {
  const len = info.end - info.begin;
  const out = new Uint8Array(len);
  const fd = openSync(info.file, 'r');
  try {
    let done = 0;
    while (done < len) {
      const n = readSync(fd, out, done, Math.min(len - done, 1 << 30), info.begin + done);
      if (n <= 0) throw new SafetensorsError(`${info.file}: unexpected end of file reading ${info.name}`);
      done += n;
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

function f16ToF32(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** Widens a tensor to float32 (exact for bf16/f16, rounding for f64). */
export function toFloat32(info: TensorInfo, bytes: Uint8Array): Float32Array {
  const n = info.shape.reduce((a, d) => a * d, 1);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (info.dtype) {
    case 'F32': {
      if (bytes.byteOffset % 4 === 0) return new Float32Array(bytes.buffer, bytes.byteOffset, n);
      return new Float32Array(bytes.slice().buffer);
    }
    case 'BF16': {
      const out = new Uint32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getUint16(2 * i, true) << 16;
      return new Float32Array(out.buffer);
    }
    case 'F16': {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = f16ToF32(view.getUint16(2 * i, true));
      return out;
    }
    case 'F64': {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(8 * i, true);
      return out;
    }
    default:
      throw new SafetensorsError(`tensor ${info.name} has dtype ${info.dtype}, not a floating-point weight`);
  }
}

/**
 * A checkpoint folder's tensors: model.safetensors, or the shards listed by model.safetensors.index.json
 * (`weight_map`: tensor name → shard file).
 */
export class SafetensorsCheckpoint {
  readonly tensors = new Map<string, TensorInfo>();

  constructor(readonly dir: string) {
    const index = join(dir, 'model.safetensors.index.json');
    const single = join(dir, 'model.safetensors');
    let files: string[];
    if (existsSync(index)) {
      let parsed: { weight_map?: Record<string, string> };
      try {
        parsed = JSON.parse(readFileSync(index, 'utf8')) as { weight_map?: Record<string, string> };
      } catch (error) {
        throw new SafetensorsError(`${index} is not valid JSON: ${(error as Error).message}`, { cause: error });
      }
      if (!parsed.weight_map) throw new SafetensorsError(`${index} has no weight_map`);
      files = [...new Set(Object.values(parsed.weight_map))].map((f) => join(dirname(index), f));
    } else if (existsSync(single)) {
      files = [single];
    } else {
      throw new SafetensorsError(`${dir} has neither model.safetensors nor model.safetensors.index.json`);
    }
    for (const f of files) {
      for (const [name, info] of new SafetensorsFile(f).tensors) this.tensors.set(name, info);
    }
  }
}
