// Test helper: writes safetensors files (the format's reference layout: u64 header length, JSON header, data).
import { writeFileSync } from 'node:fs';

export interface RawTensor {
  dtype: 'F32' | 'F16' | 'BF16';
  shape: number[];
  bytes: Uint8Array;
}

export function writeSafetensors(path: string, tensors: Record<string, RawTensor>): void {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.bytes.byteLength] };
    offset += t.bytes.byteLength;
  }
  let json = JSON.stringify(header);
  while ((8 + json.length) % 8 !== 0) json += ' ';
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  writeFileSync(path, Buffer.concat([head, Buffer.from(json), ...Object.values(tensors).map((t) => Buffer.from(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength))]));
}

/** float32 → bfloat16 bits, round to nearest even (torch's .bfloat16()). */
export function toBf16(data: Float32Array): Uint8Array {
  const u = new Uint32Array(data.buffer, data.byteOffset, data.length);
  const out = new Uint16Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const x = u[i];
    out[i] = (x + 0x7fff + ((x >>> 16) & 1)) >>> 16;
  }
  return new Uint8Array(out.buffer);
}
