// PaliGemma 2 3B-224 on this machine: load time, vision ms, prefill ms for a ~266-token prompt, decode tokens/s and
// peak RSS per model folder (each measured in its own child process so RSS is per model), compared with the decode
// speed memory bandwidth allows: bytes read per token (decoder weights + the KV cache at that length) ÷ bandwidth
// measured here, on a memory-bound onnxruntime reduction over a buffer far larger than the caches.
//
// Build the models first (minutes each, ~2-3 GB each):
//   npx tsx main/cli/radraft.ts synth-model --config 3b-224 --dtype int4 --out /tmp/pg2-3b-int4
//   npx tsx main/cli/radraft.ts synth-model --config 3b-224 --dtype int8 --out /tmp/pg2-3b-int8
// Usage: npx tsx bench/engine-3b.ts MODEL_DIR... [--tokens 32] [--runs 2] [--threads N]
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ort } from '../models/engine/ort';
import { onnx } from 'onnx-proto';
import { loadModel, readManifest } from '../models/engine/index';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { tokens: { type: 'string', default: '32' }, runs: { type: 'string', default: '2' }, threads: { type: 'string' }, child: { type: 'boolean', default: false } },
});
const TOKENS = Number(values.tokens);
const RUNS = Number(values.runs);
const THREADS = values.threads ? Number(values.threads) : undefined;

/** The prompt of a report with a short indication: 256 image tokens + <bos> + 8 text tokens + "\n" = 266. */
function promptIds(image: number, bos: number, newline: number, seqLength: number): number[] {
  const text = [1200, 1300, 1400, 1500, 1600, 1700, 1800, 1900];
  return [...new Array<number>(seqLength).fill(image), bos, ...text, newline];
}

function pixels(size: number): Float32Array {
  const plane = size * size;
  const out = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) out[i] = out[plane + i] = out[2 * plane + i] = ((i % size) + Math.floor(i / size)) / size - 1;
  return out;
}

interface ChildResult {
  dir: string;
  dtype: string;
  load_ms: number;
  runs: { vision_ms: number; prefill_ms: number; decode_ms: number; tokens: number; tokens_per_s: number }[];
  prompt_tokens: number;
  peak_rss_mib: number;
}

async function child(dir: string): Promise<void> {
  const t0 = performance.now();
  const model = await loadModel(dir, { verify: 'size', ...(THREADS ? { threads: THREADS } : {}) });
  const loadMs = performance.now() - t0;
  const m = model.manifest;
  const ids = promptIds(m.tokens.image, m.tokens.bos, m.tokens.newline, m.imageSeqLength);
  const runs: ChildResult['runs'] = [];
  for (let r = 0; r < RUNS; r++) {
    const res = await model.generate({ pixelValues: pixels(m.imageSize), inputIds: ids, maxTokens: TOKENS + 1 });
    runs.push({ vision_ms: res.timing.vision_ms, prefill_ms: res.timing.prefill_ms, decode_ms: res.timing.decode_ms, tokens: res.ids.length - 1, tokens_per_s: res.timing.tokens_per_s });
  }
  await model.dispose();
  const out: ChildResult = { dir, dtype: m.dtype, load_ms: loadMs, runs, prompt_tokens: ids.length, peak_rss_mib: process.resourceUsage().maxRSS / 1024 };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

/** Read bandwidth (GB/s): onnxruntime ReduceSum over a 1 GiB float32 input, best of 12 passes. */
async function measureBandwidth(): Promise<number> {
  const n = 1 << 28;
  const DT = onnx.TensorProto.DataType;
  const proto = onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'bw',
      node: [{ name: 'sum', opType: 'ReduceSum', input: ['x'], output: ['y'], attribute: [{ name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: 0 }] }],
      input: [{ name: 'x', type: { tensorType: { elemType: DT.FLOAT, shape: { dim: [{ dimValue: 64 }, { dimValue: n / 64 }] } } } }],
      output: [{ name: 'y', type: { tensorType: { elemType: DT.FLOAT, shape: { dim: [] } } } }],
    },
  }).finish();
  const session = await ort.InferenceSession.create(proto, THREADS ? { intraOpNumThreads: THREADS } : {});
  const x = new ort.Tensor('float32', new Float32Array(n).fill(1), [64, n / 64]);
  let best = 0;
  for (let i = 0; i < 12; i++) {
    const t0 = performance.now();
    await session.run({ x });
    best = Math.max(best, (n * 4) / ((performance.now() - t0) / 1000) / 1e9);
  }
  await session.release();
  return best;
}

function fileBytes(dir: string, file: string): number {
  try {
    return statSync(join(dir, file)).size;
  } catch {
    return 0;
  }
}

async function main(): Promise<void> {
  if (values.child) return child(positionals[0]);
  if (positionals.length === 0) {
    console.error('usage: npx tsx bench/engine-3b.ts MODEL_DIR... [--tokens 32] [--runs 2] [--threads N]');
    process.exitCode = 2;
    return;
  }
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}; onnxruntime ${ort.env.versions.common}`);
  const bandwidth = await measureBandwidth();
  console.log(`memory read bandwidth (onnxruntime ReduceSum over 1 GiB, best of 12): ${bandwidth.toFixed(2)} GB/s`);
  for (const dir of positionals) {
    const args = [...process.execArgv, __filename, dir, '--child', '--tokens', String(TOKENS), '--runs', String(RUNS), ...(THREADS ? ['--threads', String(THREADS)] : [])];
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (r.status !== 0) {
      console.error(`${dir}: ${r.stderr.trim() || `exit ${r.status}`}`);
      continue;
    }
    const res = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as ChildResult;
    const manifest = readManifest(dir);
    const d = manifest.decoder;
    const weights = fileBytes(dir, manifest.graphs.decoder) + fileBytes(dir, `${manifest.graphs.decoder}.data`);
    // Keys and values of every layer for the average context length over the decode (float32).
    const context = res.prompt_tokens + TOKENS / 2;
    const kv = d.numLayers * 2 * d.numKvHeads * d.headDim * 4 * context;
    const bound = (bandwidth * 1e9) / (weights + kv);
    const warm = res.runs[res.runs.length - 1];
    console.log(`\n${dir} (${res.dtype})`);
    console.log(`  load ${(res.load_ms / 1000).toFixed(1)} s (sizes checked, not hashed); peak RSS ${(res.peak_rss_mib / 1024).toFixed(2)} GiB; prompt ${res.prompt_tokens} tokens`);
    res.runs.forEach((run, i) =>
      console.log(`  run ${i + 1}${i === 0 ? ' (cold)' : ''}: vision ${(run.vision_ms / 1000).toFixed(2)} s, prefill ${(run.prefill_ms / 1000).toFixed(2)} s, decode ${run.tokens} tokens at ${run.tokens_per_s.toFixed(2)} tok/s`),
    );
    console.log(`  bytes per decode step: decoder weights ${(weights / 2 ** 30).toFixed(2)} GiB + KV cache ${(kv / 2 ** 20).toFixed(0)} MiB`);
    console.log(`  bandwidth bound ${bound.toFixed(2)} tok/s; measured ${warm.tokens_per_s.toFixed(2)} tok/s = ${((warm.tokens_per_s / bound) * 100).toFixed(0)} % of the bound`);
  }
}

void main();
