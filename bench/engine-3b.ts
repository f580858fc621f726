// Full-size PaliGemma 2 (3B, 224/448/896 px) on this machine: load, vision encode, prefill, first token, decode tokens/s
// and peak RSS per model folder, each run in its own child process (RSS per model), and — with --llama DIR — the
// same language model shapes in llama.cpp (node-llama-cpp installed in DIR, not a project dependency), interleaved
// with Radraft round by round so that both see the same machine load, with the ratio per figure.
//
// Build the models first (minutes each, 2-4 GB each):
//   node bin/radraft.cjs synth-model --config 3b-224 --dtype int4 --out /tmp/pg3b-int4      (also int8, 3b-448, 3b-896)
// llama.cpp (prebuilt CPU binaries from the npm registry), in a folder outside the repository:
//   mkdir /tmp/llama && cd /tmp/llama && npm init -y && npm install node-llama-cpp@3.21.1
// Usage: npx tsx bench/engine-3b.ts MODEL_DIR... [--tokens 32] [--rounds 3] [--runs 2] [--threads 2] [--no-arena]
//          [--llama DIR [--gguf-dir /tmp] [--llama-f32-kv] [--duel [--duel-turns 8]]]
//   --no-arena: Radraft loads with onnxruntime's CPU memory arena off (loadModel's memArena: false; default: the engine's choice).
//   For each int4 / int8 model folder a GGUF of the same shape is written (Q4_0 / Q8_0, random weights, tied head;
//   bench/gguf-gemma2.ts) once into --gguf-dir and reused. The prompt is the model's image tokens + <bos> + 8 text
//   tokens + "\n" (266 tokens at 224 px); llama.cpp gets the same number of tokens. Each child process loads once and
//   generates --runs times; the last run is the round's figure (the first warms allocators up). Rounds alternate
//   Radraft and llama.cpp; the summary gives medians (min–max) over rounds, the 1-minute load average before each
//   child, and Radraft ÷ llama.cpp per figure (time: < 1 is faster; tok/s: > 1 is faster).
//   --duel (with --llama): decode only, both engines in one process taking turns every 8 tokens after their own
//   prefill of the same prompt length, so that a burst of other load hits both alike; the ratio of their per-turn
//   times is the steadiest decode figure a shared machine gives. Radraft's side is the engine's decode step on its
//   own sessions (embedding run + decoder run with the engine's KV cache, models/engine/kv-cache.ts), without the
//   vision tower (image features do not change decode speed).
// Differences that remain: llama.cpp's prefill is causal, PaliGemma's is bidirectional over the prompt (the same
// matmuls, up to twice the attention work); llama.cpp keeps its KV cache in float16 by default, Radraft in float32.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ort } from '../models/engine/ort';
import { onnx } from 'onnx-proto';
import { loadModel, parsePaliGemmaConfig, readManifest, type Manifest } from '../models/engine/index';
import { AppendCache } from '../models/engine/kv-cache';
import { writeGemma2Gguf, type GgufQuant } from './gguf-gemma2';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    tokens: { type: 'string', default: '32' },
    rounds: { type: 'string', default: '3' },
    runs: { type: 'string', default: '2' },
    threads: { type: 'string', default: '2' },
    llama: { type: 'string' },
    'gguf-dir': { type: 'string', default: '/tmp' },
    'llama-f32-kv': { type: 'boolean', default: false },
    duel: { type: 'boolean', default: false },
    'duel-turns': { type: 'string', default: '8' },
    child: { type: 'string' },
    'no-bandwidth': { type: 'boolean', default: false },
    'no-arena': { type: 'boolean', default: false },
  },
});
const TOKENS = Number(values.tokens);
const ROUNDS = Number(values.rounds);
const RUNS = Number(values.runs);
const THREADS = Number(values.threads);

/** The prompt of a report with a short indication: image tokens + <bos> + 8 text tokens + "\n". */
function promptIds(m: Pick<Manifest, 'imageSeqLength' | 'tokens'>): number[] {
  const text = [1200, 1300, 1400, 1500, 1600, 1700, 1800, 1900];
  return [...new Array<number>(m.imageSeqLength).fill(m.tokens.image), m.tokens.bos, ...text, m.tokens.newline];
}

function pixels(size: number): Float32Array {
  const plane = size * size;
  const out = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) out[i] = out[plane + i] = out[2 * plane + i] = ((i % size) + Math.floor(i / size)) / size - 1;
  return out;
}

interface Run {
  vision_ms: number;
  prefill_ms: number;
  /** Image in → first token out (vision + embedding + prefill). */
  first_token_ms: number;
  tokens: number;
  tokens_per_s: number;
}

interface ChildResult {
  engine: string;
  load_ms: number;
  runs: Run[];
  prompt_tokens: number;
  peak_rss_mib: number;
}

async function radraftChild(dir: string): Promise<ChildResult> {
  const t0 = performance.now();
  const model = await loadModel(dir, { verify: 'size', threads: THREADS, memArena: values['no-arena'] ? false : undefined });
  const loadMs = performance.now() - t0;
  const m = model.manifest;
  const ids = promptIds(m);
  const runs: Run[] = [];
  for (let r = 0; r < RUNS; r++) {
    const start = performance.now();
    let first = 0;
    const res = await model.generate({ pixelValues: pixels(m.imageSize), inputIds: ids, maxTokens: TOKENS + 1, onToken: () => (first ||= performance.now()) });
    const t = res.timing;
    runs.push({ vision_ms: t.vision_ms, prefill_ms: t.prefill_ms, first_token_ms: first - start, tokens: res.ids.length - 1, tokens_per_s: t.tokens_per_s });
  }
  await model.dispose();
  return { engine: `radraft ${m.dtype}`, load_ms: loadMs, runs, prompt_tokens: ids.length, peak_rss_mib: process.resourceUsage().maxRSS / 1024 };
}

/** node-llama-cpp's API, the part used here (its package is ESM and not a dependency: no types at build time). */
interface LlamaApi {
  getLlama(opts: Record<string, unknown>): Promise<{ loadModel(opts: Record<string, unknown>): Promise<LlamaModelApi> }>;
}
interface LlamaModelApi {
  createContext(opts: Record<string, unknown>): Promise<{ getSequence(): LlamaSequenceApi; dispose(): Promise<void> }>;
  dispose(): Promise<void>;
}
interface LlamaSequenceApi {
  evaluate(tokens: number[], opts: Record<string, unknown>): AsyncGenerator<number, void, void>;
  clearHistory(): Promise<void>;
}

async function llamaChild(llamaDir: string, gguf: string, promptLength: number, imageToken: number, f32Kv: boolean): Promise<ChildResult> {
  const entry = join(llamaDir, 'node_modules', 'node-llama-cpp', 'dist', 'index.js');
  const api = (await import(pathToFileURL(entry).href)) as LlamaApi;
  const t0 = performance.now();
  const llama = await api.getLlama({ gpu: false, build: 'never', logLevel: 'error' });
  const model = await llama.loadModel({ modelPath: gguf, gpuLayers: 0 });
  const context = await model.createContext({
    contextSize: promptLength + TOKENS + 16,
    batchSize: 512,
    threads: { ideal: THREADS, min: THREADS },
    ...(f32Kv ? { experimentalKvCacheKeyType: 'F32', experimentalKvCacheValueType: 'F32', flashAttention: false } : {}),
  });
  const loadMs = performance.now() - t0;
  const sequence = context.getSequence();
  const prompt = [...new Array<number>(promptLength - 10).fill(imageToken), 2, 1200, 1300, 1400, 1500, 1600, 1700, 1800, 1900, 108];
  const runs: Run[] = [];
  for (let r = 0; r < RUNS; r++) {
    await sequence.clearHistory();
    const start = performance.now();
    let first = 0;
    let n = 0;
    for await (const _token of sequence.evaluate(prompt, { temperature: 0, yieldEogToken: true })) {
      if (n === 0) first = performance.now();
      if (++n > TOKENS) break;
    }
    const decodeMs = performance.now() - first;
    runs.push({ vision_ms: 0, prefill_ms: first - start, first_token_ms: first - start, tokens: n - 1, tokens_per_s: ((n - 1) * 1000) / decodeMs });
  }
  await context.dispose();
  await model.dispose();
  return { engine: `llama.cpp ${f32Kv ? 'f32 KV, no flash attention' : 'defaults'}`, load_ms: loadMs, runs, prompt_tokens: prompt.length, peak_rss_mib: process.resourceUsage().maxRSS / 1024 };
}

interface DuelResult {
  radraft_ms: number[];
  llama_ms: number[];
  load_avg: number[];
}

/** Decode turns of 8 tokens, Radraft and llama.cpp alternating in this process (see --duel). */
async function duelChild(dir: string, llamaDir: string, gguf: string): Promise<DuelResult> {
  const TURN = 8;
  const turns = Number(values['duel-turns']);
  const m = readManifest(dir);
  const so: ort.InferenceSession.SessionOptions = { executionProviders: ['cpu'], graphOptimizationLevel: 'all', intraOpNumThreads: THREADS };
  const embed = await ort.InferenceSession.create(join(dir, m.graphs.embed), so);
  const decoder = await ort.InferenceSession.create(join(dir, m.graphs.decoder), so);
  const d = m.decoder;
  const ids = promptIds(m);
  const cache = new AppendCache({ numLayers: d.numLayers, kvHeads: d.numKvHeads, headDim: d.headDim, slidingLayers: d.slidingLayers, slidingWindow: d.slidingWindow }, ids.length + TURN * turns + 1, ['top5_ids']);
  const embedIds = async (t: number[]): Promise<ort.Tensor> => (await embed.run({ input_ids: new ort.Tensor('int64', BigInt64Array.from(t, BigInt), [1, t.length]) })).inputs_embeds as ort.Tensor;
  const feeds: Record<string, ort.Tensor> = { inputs_embeds: await embedIds(ids), position_ids: new ort.Tensor('int64', BigInt64Array.from(ids, (_, i) => BigInt(i + 1)), [1, ids.length]) };
  let out = await decoder.run(feeds, cache.feeds(feeds, { length: ids.length, logits: 1, causal: false }));
  cache.commit(out, ids.length);
  let next = Number((out.top5_ids.data as BigInt64Array)[0]);

  const api = (await import(pathToFileURL(join(llamaDir, 'node_modules', 'node-llama-cpp', 'dist', 'index.js')).href)) as LlamaApi;
  const llama = await api.getLlama({ gpu: false, build: 'never', logLevel: 'error' });
  const lm = await llama.loadModel({ modelPath: gguf, gpuLayers: 0 });
  const context = await lm.createContext({ contextSize: ids.length + TURN * turns + 16, batchSize: 512, threads: { ideal: THREADS, min: THREADS } });
  const prompt = ids.map((id) => Math.min(id, 257215));
  const tokens = context.getSequence().evaluate(prompt, { temperature: 0, yieldEogToken: true });
  await tokens.next(); // prefill

  const res: DuelResult = { radraft_ms: [], llama_ms: [], load_avg: [] };
  for (let turn = 0; turn < turns; turn++) {
    res.load_avg.push(loadavg()[0]);
    let t0 = performance.now();
    for (let k = 0; k < TURN; k++) {
      feeds.inputs_embeds = await embedIds([next]);
      feeds.position_ids = new ort.Tensor('int64', BigInt64Array.of(BigInt(cache.past + 1)), [1, 1]);
      out = await decoder.run(feeds, cache.feeds(feeds, { length: 1, logits: 1, causal: true }));
      cache.commit(out, 1);
      next = Number((out.top5_ids.data as BigInt64Array)[0]);
    }
    res.radraft_ms.push((performance.now() - t0) / TURN);
    t0 = performance.now();
    for (let k = 0; k < TURN; k++) await tokens.next();
    res.llama_ms.push((performance.now() - t0) / TURN);
  }
  await tokens.return(undefined);
  await context.dispose();
  await lm.dispose();
  await Promise.all([embed.release(), decoder.release()]);
  return res;
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
  const session = await ort.InferenceSession.create(proto, { intraOpNumThreads: THREADS });
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

interface Job {
  key: string;
  label: string;
  args: string[];
  /** The Radraft job this llama.cpp job is compared with. */
  pair?: string;
}

interface Sample extends ChildResult {
  load_avg: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function runChild(job: Job): ChildResult | null {
  const r = spawnSync(process.execPath, [...process.execArgv, __filename, ...job.args, '--tokens', String(TOKENS), '--runs', String(RUNS), '--threads', String(THREADS), ...(values['no-arena'] ? ['--no-arena'] : [])], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) {
    console.error(`${job.label}: ${r.stderr.trim().split('\n').slice(-5).join('\n') || `exit ${r.status}`}`);
    return null;
  }
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as ChildResult;
}

function quantFor(dtype: string): GgufQuant | null {
  return dtype === 'int4' ? 'Q4_0' : dtype === 'int8' ? 'Q8_0' : null;
}

async function main(): Promise<void> {
  if (values.child) {
    const [kind, ...rest] = values.child.split('|');
    const res = kind === 'radraft' ? await radraftChild(rest[0]) : kind === 'duel' ? await duelChild(rest[0], rest[1], rest[2]) : await llamaChild(rest[0], rest[1], Number(rest[2]), Number(rest[3]), rest[4] === 'f32');
    process.stdout.write(`${JSON.stringify(res)}\n`);
    return;
  }
  if (positionals.length === 0) {
    console.error('usage: npx tsx bench/engine-3b.ts MODEL_DIR... [--tokens 32] [--rounds 3] [--runs 2] [--threads 2] [--no-arena] [--llama DIR [--gguf-dir /tmp] [--llama-f32-kv] [--duel]]');
    process.exitCode = 2;
    return;
  }
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}; onnxruntime ${ort.env.versions.common}; ${THREADS} threads`);
  const bandwidth = values['no-bandwidth'] ? 0 : await measureBandwidth();
  if (bandwidth) console.log(`memory read bandwidth (onnxruntime ReduceSum over 1 GiB, best of 12): ${bandwidth.toFixed(2)} GB/s`);

  const jobs: Job[] = [];
  const duels: { dir: string; label: string; args: string[] }[] = [];
  for (const dir of positionals) {
    const m = readManifest(dir);
    jobs.push({ key: dir, label: `radraft ${m.dtype} ${m.imageSize}px (${dir})`, args: ['--child', `radraft|${dir}`] });
    const quant = quantFor(m.dtype);
    if (!values.llama || !quant) continue;
    const cfg = parsePaliGemmaConfig(m.sourceConfig);
    const gguf = join(values['gguf-dir'], `radraft-bench-gemma2-${cfg.text.numLayers}l-${cfg.text.hiddenSize}-${quant}.gguf`);
    if (!existsSync(gguf)) {
      const t0 = performance.now();
      const bytes = writeGemma2Gguf(gguf, cfg.text, quant);
      console.log(`wrote ${gguf}: ${(bytes / 2 ** 30).toFixed(2)} GiB in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    const promptLength = promptIds(m).length;
    const llamaArgs = (kv: string): string[] => ['--child', ['llama', values.llama, gguf, promptLength, m.tokens.image, kv].join('|')];
    jobs.push({ key: `${dir}#llama`, label: `llama.cpp ${quant}, defaults`, args: llamaArgs('default'), pair: dir });
    if (values.duel) duels.push({ dir, label: `radraft ${m.dtype} vs llama.cpp ${quant}`, args: ['--child', ['duel', dir, values.llama, gguf].join('|')] });
    if (values['llama-f32-kv']) jobs.push({ key: `${dir}#llama-f32`, label: `llama.cpp ${quant}, f32 KV`, args: llamaArgs('f32'), pair: dir });
  }

  for (const duel of duels) {
    const r = spawnSync(process.execPath, [...process.execArgv, __filename, ...duel.args, '--threads', String(THREADS), '--duel-turns', values['duel-turns']], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (r.status !== 0) {
      console.error(`${duel.label}: ${r.stderr.trim().split('\n').slice(-5).join('\n') || `exit ${r.status}`}`);
      continue;
    }
    const res = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as DuelResult;
    const ratios = res.radraft_ms.map((x, i) => res.llama_ms[i] / x);
    console.log(`duel ${duel.label}, turns of 8 tokens [load ${Math.min(...res.load_avg).toFixed(1)}–${Math.max(...res.load_avg).toFixed(1)}]:`);
    console.log(`  radraft ms/token ${res.radraft_ms.map((x) => x.toFixed(0)).join(' ')} → median ${median(res.radraft_ms).toFixed(1)} (${(1000 / median(res.radraft_ms)).toFixed(2)} tok/s)`);
    console.log(`  llama   ms/token ${res.llama_ms.map((x) => x.toFixed(0)).join(' ')} → median ${median(res.llama_ms).toFixed(1)} (${(1000 / median(res.llama_ms)).toFixed(2)} tok/s)`);
    console.log(`  Radraft decode speed ÷ llama.cpp's, per turn: ${ratios.map((x) => x.toFixed(2)).join(' ')} → median ${median(ratios).toFixed(2)}`);
  }

  const samples = new Map<string, Sample[]>();
  for (let round = 1; round <= ROUNDS; round++) {
    for (const job of jobs) {
      const load = loadavg()[0];
      const res = runChild(job);
      if (!res) continue;
      const last = res.runs[res.runs.length - 1];
      console.log(
        `round ${round} [load ${load.toFixed(2)}] ${job.label}: load ${(res.load_ms / 1000).toFixed(2)} s, vision ${(last.vision_ms / 1000).toFixed(2)} s, prefill ${(last.prefill_ms / 1000).toFixed(2)} s (${res.prompt_tokens} tokens), first token ${(last.first_token_ms / 1000).toFixed(2)} s, decode ${last.tokens_per_s.toFixed(2)} tok/s, peak RSS ${(res.peak_rss_mib / 1024).toFixed(2)} GiB`,
      );
      samples.set(job.key, [...(samples.get(job.key) ?? []), { ...res, load_avg: load }]);
    }
  }

  const fmt = (xs: number[], f: (x: number) => string): string => (xs.length ? `${f(median(xs))} (${f(Math.min(...xs))}–${f(Math.max(...xs))})` : '—');
  const s = (x: number): string => (x / 1000).toFixed(2);
  const figures = (ss: Sample[]): Record<string, number[]> => {
    const last = ss.map((x) => x.runs[x.runs.length - 1]);
    return {
      load: ss.map((x) => x.load_ms),
      vision: last.map((r) => r.vision_ms),
      prefill: last.map((r) => r.prefill_ms),
      first: last.map((r) => r.first_token_ms),
      decode: last.map((r) => r.tokens_per_s),
      rss: ss.map((x) => x.peak_rss_mib / 1024),
    };
  };
  console.log(`\nmedians over ${ROUNDS} rounds (min–max); ${TOKENS} decoded tokens; load average = 1-minute average before each child`);
  console.log('| | load | vision | prefill | first token | decode tok/s | peak RSS GiB | load average |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const job of jobs) {
    const ss = samples.get(job.key) ?? [];
    if (!ss.length) continue;
    const f = figures(ss);
    const la = ss.map((x) => x.load_avg);
    console.log(`| ${job.label} | ${fmt(f.load, s)} s | ${fmt(f.vision, s)} s | ${fmt(f.prefill, s)} s | ${fmt(f.first, s)} s | ${fmt(f.decode, (x) => x.toFixed(2))} | ${fmt(f.rss, (x) => x.toFixed(2))} | ${Math.min(...la).toFixed(1)}–${Math.max(...la).toFixed(1)} |`);
    if (job.pair) {
      // Ratios of the medians of the interleaved rounds.
      const r = figures(samples.get(job.pair) ?? []);
      const ratio = (a: number[], b: number[]): string => (a.length && b.length ? (median(a) / median(b)).toFixed(2) : '—');
      console.log(`| Radraft ÷ ${job.label} | ${ratio(r.load, f.load)} | | ${ratio(r.prefill, f.prefill)} | | ${ratio(r.decode, f.decode)} | ${ratio(r.rss, f.rss)} | |`);
    }
  }
  for (const dir of positionals) {
    const ss = samples.get(dir);
    if (!ss?.length || !bandwidth) continue;
    const manifest = readManifest(dir);
    const d = manifest.decoder;
    const weights = fileBytes(dir, manifest.graphs.decoder) + fileBytes(dir, `${manifest.graphs.decoder}.data`);
    // Keys and values of every layer for the average context length over the decode (float32).
    const context = ss[0].prompt_tokens + TOKENS / 2;
    const kv = d.numLayers * 2 * d.numKvHeads * d.headDim * 4 * context;
    const bound = (bandwidth * 1e9) / (weights + kv);
    const tps = median(ss.map((x) => x.runs[x.runs.length - 1].tokens_per_s));
    console.log(`${dir}: bytes per decode step ${(weights / 2 ** 30).toFixed(2)} GiB weights + ${(kv / 2 ** 20).toFixed(0)} MiB KV; bandwidth bound ${bound.toFixed(2)} tok/s; measured ${tps.toFixed(2)} = ${((tps / bound) * 100).toFixed(0)} %`);
  }
}

void main();
