// A GGUF file (v3) of a Gemma 2 language model with random Q4_0 / Q8_0 weights, shaped like a PaliGemma 2 text
// model, so that llama.cpp can be timed on the same shapes as Radraft's decoder (bench/engine-3b.ts --llama).
// Layout and names follow llama.cpp's gguf-py (constants.py: MODEL_ARCH.GEMMA2 tensors, Keys.*); weights are
// [in, out] in GGUF's ne order, norms are float32 ones (llama.cpp's Gemma converter stores 1 + w), the output head is
// tied to token_embd as in Gemma. The tokenizer is a placeholder SentencePiece vocabulary of the right size: the
// benchmark feeds token ids, never text.
import { closeSync, openSync, writeSync } from 'node:fs';
import type { TextConfig } from '../models/config/paligemma';
import { floatToHalfBits } from '../models/onnx/quantize';

export type GgufQuant = 'Q4_0' | 'Q8_0';

const GGML_TYPE = { F32: 0, Q4_0: 2, Q8_0: 8 } as const;
/** llama_ftype: LLAMA_FTYPE_MOSTLY_Q4_0 / _Q8_0. */
const FILE_TYPE = { Q4_0: 2, Q8_0: 7 } as const;
/** Bytes per block of 32 weights: an fp16 scale and 32 4-bit or 8-bit codes. */
const BLOCK_BYTES = { Q4_0: 18, Q8_0: 34 } as const;
const ALIGN = 32;

const enum V {
  UINT32 = 4,
  INT32 = 5,
  FLOAT32 = 6,
  BOOL = 7,
  STRING = 8,
  ARRAY = 9,
}

type Meta = [key: string, type: V.UINT32 | V.FLOAT32 | V.BOOL | V.STRING, value: number | string | boolean] | [key: string, type: V.ARRAY, of: V.STRING | V.FLOAT32 | V.INT32, values: string[] | Float32Array | Int32Array];

class Out {
  private chunks: Buffer[] = [];
  length = 0;
  push(b: Buffer): void {
    this.chunks.push(b);
    this.length += b.length;
  }
  u32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    this.push(b);
  }
  u64(v: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    this.push(b);
  }
  str(s: string): void {
    const bytes = Buffer.from(s, 'utf8');
    this.u64(bytes.length);
    this.push(bytes);
  }
  take(): Buffer {
    const b = Buffer.concat(this.chunks);
    this.chunks = [];
    return b;
  }
}

function writeMeta(o: Out, m: Meta): void {
  o.str(m[0]);
  o.u32(m[1]);
  if (m[1] === V.ARRAY) {
    const [, , of, values] = m;
    o.u32(of);
    o.u64(values.length);
    if (of === V.STRING) for (const s of values as string[]) o.str(s);
    else o.push(Buffer.from((values as Float32Array | Int32Array).buffer.slice(0)));
    return;
  }
  const v = m[2];
  if (m[1] === V.STRING) return o.str(v as string);
  const b = Buffer.alloc(m[1] === V.BOOL ? 1 : 4);
  if (m[1] === V.UINT32) b.writeUInt32LE(v as number);
  else if (m[1] === V.FLOAT32) b.writeFloatLE(v as number);
  else b.writeUInt8(v ? 1 : 0);
  o.push(b);
}

interface TensorSpec {
  name: string;
  /** GGUF ne order: ne[0] is the contiguous (input) dimension. */
  dims: number[];
  type: 'F32' | GgufQuant;
}

function tensorBytes(t: TensorSpec): number {
  const n = t.dims.reduce((a, d) => a * d, 1);
  return t.type === 'F32' ? 4 * n : (n / 32) * BLOCK_BYTES[t.type];
}

/** Random quantized blocks: a fixed scale (weights within ±0.16) and uniformly random codes (xorshift32). */
function fillBlocks(buf: Buffer, type: GgufQuant, seed: number): number {
  const scale = floatToHalfBits(type === 'Q4_0' ? 0.02 : 0.00125);
  const bytes = BLOCK_BYTES[type];
  let x = seed >>> 0 || 1;
  for (let at = 0; at + bytes <= buf.length; at += bytes) {
    buf.writeUInt16LE(scale, at);
    for (let j = 2; j < bytes; j += 4) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      buf.writeUInt32LE(x >>> 0, at + j);
    }
  }
  return x;
}

/** Writes the GGUF; returns its size in bytes. */
export function writeGemma2Gguf(path: string, t: TextConfig, quant: GgufQuant): number {
  const vocab: string[] = [];
  const types = new Int32Array(t.vocabSize);
  for (let i = 0; i < t.vocabSize; i++) {
    if (i < 4) {
      vocab.push(['<pad>', '<eos>', '<bos>', '<unk>'][i]);
      types[i] = 3;
    } else if (i < 4 + 256) {
      vocab.push(`<0x${(i - 4).toString(16).toUpperCase().padStart(2, '0')}>`);
      types[i] = 6;
    } else {
      vocab.push(`\u2581t${i}`);
      types[i] = 1;
    }
  }
  const a = 'gemma2';
  const meta: Meta[] = [
    ['general.architecture', V.STRING, a],
    ['general.name', V.STRING, `radraft bench gemma2 ${quant} (random weights)`],
    ['general.file_type', V.UINT32, FILE_TYPE[quant]],
    ['general.alignment', V.UINT32, ALIGN],
    [`${a}.context_length`, V.UINT32, t.maxPositionEmbeddings],
    [`${a}.embedding_length`, V.UINT32, t.hiddenSize],
    [`${a}.block_count`, V.UINT32, t.numLayers],
    [`${a}.feed_forward_length`, V.UINT32, t.intermediateSize],
    [`${a}.attention.head_count`, V.UINT32, t.numHeads],
    [`${a}.attention.head_count_kv`, V.UINT32, t.numKvHeads],
    [`${a}.attention.key_length`, V.UINT32, t.headDim],
    [`${a}.attention.value_length`, V.UINT32, t.headDim],
    [`${a}.attention.layer_norm_rms_epsilon`, V.FLOAT32, t.rmsNormEps],
    [`${a}.attention.sliding_window`, V.UINT32, t.slidingWindow],
    [`${a}.attn_logit_softcapping`, V.FLOAT32, t.attnLogitSoftcap ?? 0],
    [`${a}.rope.freq_base`, V.FLOAT32, t.ropeTheta],
    ['tokenizer.ggml.model', V.STRING, 'llama'],
    ['tokenizer.ggml.tokens', V.ARRAY, V.STRING, vocab],
    ['tokenizer.ggml.scores', V.ARRAY, V.FLOAT32, new Float32Array(t.vocabSize)],
    ['tokenizer.ggml.token_type', V.ARRAY, V.INT32, types],
    ['tokenizer.ggml.bos_token_id', V.UINT32, 2],
    ['tokenizer.ggml.eos_token_id', V.UINT32, 1],
    ['tokenizer.ggml.unknown_token_id', V.UINT32, 3],
    ['tokenizer.ggml.padding_token_id', V.UINT32, 0],
    ['tokenizer.ggml.add_bos_token', V.BOOL, false],
  ];
  const H = t.hiddenSize;
  const qDim = t.numHeads * t.headDim;
  const kvDim = t.numKvHeads * t.headDim;
  const tensors: TensorSpec[] = [{ name: 'token_embd.weight', dims: [H, t.vocabSize], type: quant }];
  for (let i = 0; i < t.numLayers; i++) {
    const b = `blk.${i}`;
    tensors.push(
      { name: `${b}.attn_norm.weight`, dims: [H], type: 'F32' },
      { name: `${b}.attn_q.weight`, dims: [H, qDim], type: quant },
      { name: `${b}.attn_k.weight`, dims: [H, kvDim], type: quant },
      { name: `${b}.attn_v.weight`, dims: [H, kvDim], type: quant },
      { name: `${b}.attn_output.weight`, dims: [qDim, H], type: quant },
      { name: `${b}.post_attention_norm.weight`, dims: [H], type: 'F32' },
      { name: `${b}.ffn_norm.weight`, dims: [H], type: 'F32' },
      { name: `${b}.ffn_gate.weight`, dims: [H, t.intermediateSize], type: quant },
      { name: `${b}.ffn_up.weight`, dims: [H, t.intermediateSize], type: quant },
      { name: `${b}.ffn_down.weight`, dims: [t.intermediateSize, H], type: quant },
      { name: `${b}.post_ffw_norm.weight`, dims: [H], type: 'F32' },
    );
  }
  tensors.push({ name: 'output_norm.weight', dims: [H], type: 'F32' });

  const head = new Out();
  head.push(Buffer.from('GGUF', 'latin1'));
  head.u32(3);
  head.u64(tensors.length);
  head.u64(meta.length);
  for (const m of meta) writeMeta(head, m);
  let offset = 0;
  const offsets: number[] = [];
  for (const ts of tensors) {
    head.str(ts.name);
    head.u32(ts.dims.length);
    for (const d of ts.dims) head.u64(d);
    head.u32(GGML_TYPE[ts.type]);
    head.u64(offset);
    offsets.push(offset);
    offset += Math.ceil(tensorBytes(ts) / ALIGN) * ALIGN;
  }
  let header = head.take();
  header = Buffer.concat([header, Buffer.alloc((ALIGN - (header.length % ALIGN)) % ALIGN)]);

  const fd = openSync(path, 'w');
  try {
    let pos = 0;
    const put = (b: Buffer): void => {
      let done = 0;
      while (done < b.length) done += writeSync(fd, b, done, b.length - done, pos + done);
      pos += b.length;
    };
    put(header);
    const dataStart = pos;
    let seed = 0x9e3779b9;
    const CHUNK_BLOCKS = 1 << 18;
    tensors.forEach((ts, k) => {
      pos = dataStart + offsets[k];
      const total = tensorBytes(ts);
      if (ts.type === 'F32') {
        put(Buffer.from(new Float32Array(total / 4).fill(1).buffer));
        return;
      }
      const bytes = BLOCK_BYTES[ts.type];
      for (let done = 0; done < total; ) {
        const n = Math.min(total - done, CHUNK_BLOCKS * bytes);
        const buf = Buffer.allocUnsafe(n);
        seed = fillBlocks(buf, ts.type, seed + k);
        put(buf);
        done += n;
      }
    });
    const end = dataStart + offset;
    if (pos < end) put(Buffer.alloc(end - pos));
    return end;
  } finally {
    closeSync(fd);
  }
}
