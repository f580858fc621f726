// Per-token overhead of the engine's generation loop over a bare onnxruntime session.run loop on the same graphs.
// Both loops decode the same token ids from the same prefill (the bare loop replays the engine's ids, so the work
// inside onnxruntime is identical, the graph's TopK/ReduceLogSumExp token choice included); the difference is the
// engine's own per-token work: tensor plumbing, reading the top-5, streaming detokenisation, the onToken callback.
// Goal ≤ 5 %.
//
// Usage: npx tsx bench/engine-overhead.ts [--model MODEL_DIR | --fixture tiny-paligemma2-randn] [--tokens 64]
//          [--rounds 15] [--threads N]
//   Without --model, imports a test fixture checkpoint (fp32) into a temp folder: the smallest graphs, where the
//   engine's share of each step is largest. The randn fixture never stops early at <eos>, so every round decodes
//   --tokens tokens. Rounds alternate engine and bare loop. Time inside InferenceSession.run is measured for both
//   (the same work); the overhead is the difference of the time spent outside it, relative to the bare loop's step.
//   Whole-step wall times are printed too, but on a shared machine their noise exceeds the effect.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ort } from '../models/engine/ort';
import { importCheckpoint, loadModel, type Model } from '../models/engine/index';

const { values } = parseArgs({
  options: { model: { type: 'string' }, fixture: { type: 'string', default: 'tiny-paligemma2-randn' }, tokens: { type: 'string', default: '64' }, rounds: { type: 'string', default: '15' }, threads: { type: 'string' } },
});
const TOKENS = Number(values.tokens);
const ROUNDS = Number(values.rounds);
const THREADS = values.threads ? Number(values.threads) : undefined;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A gradient image: deterministic, not blank. */
function pixels(size: number): Float32Array {
  const plane = size * size;
  const out = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) out[i] = out[plane + i] = out[2 * plane + i] = ((i % size) + Math.floor(i / size)) / size - 1;
  return out;
}

interface Sessions {
  vision: ort.InferenceSession;
  embed: ort.InferenceSession;
  decoder: ort.InferenceSession;
}

async function openBare(dir: string, model: Model): Promise<Sessions> {
  // The engine's session options (models/engine/model.ts).
  const so: ort.InferenceSession.SessionOptions = { executionProviders: ['cpu'], graphOptimizationLevel: 'all' };
  if (THREADS) so.intraOpNumThreads = THREADS;
  const g = model.manifest.graphs;
  return {
    vision: await ort.InferenceSession.create(join(dir, g.vision), so),
    embed: await ort.InferenceSession.create(join(dir, g.embed), so),
    decoder: await ort.InferenceSession.create(join(dir, g.decoder), so),
  };
}

/** The minimal loop: prefill once, then per step embed one id and run the decoder with the previous KV cache. */
interface StepCost {
  /** Wall time per decode step. */
  wallMs: number;
  /** Of which inside InferenceSession.run (identical work in both loops). */
  ortMs: number;
}

// Time spent inside onnxruntime, summed over every session (the engine's too): the engine's own cost per step is
// its wall time minus this, which stays measurable on a machine busy with other work, where comparing two noisy
// wall times does not.
let ortTotal = 0;
const sessionPrototype = (ort.InferenceSession as unknown as { prototype: ort.InferenceSession }).prototype;
const run = sessionPrototype.run;
sessionPrototype.run = async function timedRun(this: ort.InferenceSession, ...args: Parameters<typeof run>) {
  const t0 = performance.now();
  try {
    return await run.apply(this, args);
  } finally {
    ortTotal += performance.now() - t0;
  }
} as typeof run;

async function bareDecode(s: Sessions, model: Model, pv: Float32Array, promptIds: number[], replay: number[]): Promise<StepCost> {
  const m = model.manifest;
  const d = m.decoder;
  const H = d.hiddenSize;
  const size = m.imageSize;
  const features = (await s.vision.run({ pixel_values: new ort.Tensor('float32', pv, [1, 3, size, size]) })).image_features.data as Float32Array;
  const ids64 = (ids: number[]): ort.Tensor => new ort.Tensor('int64', BigInt64Array.from(ids, (v) => BigInt(v)), [1, ids.length]);
  const embeds = (await s.embed.run({ input_ids: ids64(promptIds) })).inputs_embeds.data as Float32Array;
  let k = 0;
  promptIds.forEach((id, pos) => id === m.tokens.image && embeds.set(features.subarray(k * H, ++k * H), pos * H));
  const feeds: Record<string, ort.Tensor> = {
    inputs_embeds: new ort.Tensor('float32', embeds, [1, promptIds.length, H]),
    position_ids: new ort.Tensor('int64', BigInt64Array.from(promptIds, (_, i) => BigInt(i + 1)), [1, promptIds.length]),
  };
  for (let i = 0; i < d.numLayers; i++) {
    feeds[`past_key_values.${i}.key`] = new ort.Tensor('float32', new Float32Array(0), [1, d.numKvHeads, 0, d.headDim]);
    feeds[`past_key_values.${i}.value`] = new ort.Tensor('float32', new Float32Array(0), [1, d.numKvHeads, 0, d.headDim]);
  }
  let out = await s.decoder.run(feeds);
  const t0 = performance.now();
  const o0 = ortTotal;
  for (let step = 1; step < replay.length; step++) {
    for (let i = 0; i < d.numLayers; i++) {
      feeds[`past_key_values.${i}.key`] = out[`present.${i}.key`];
      feeds[`past_key_values.${i}.value`] = out[`present.${i}.value`];
    }
    feeds.inputs_embeds = new ort.Tensor('float32', (await s.embed.run({ input_ids: ids64([replay[step - 1]]) })).inputs_embeds.data as Float32Array, [1, 1, H]);
    feeds.position_ids = new ort.Tensor('int64', BigInt64Array.of(BigInt(promptIds.length + step)), [1, 1]);
    out = await s.decoder.run(feeds);
  }
  const steps = replay.length - 1;
  return { wallMs: (performance.now() - t0) / steps, ortMs: (ortTotal - o0) / steps };
}

async function main(): Promise<void> {
  let dir = values.model;
  let cleanup = (): void => {};
  if (!dir) {
    const tmp = mkdtempSync(join(tmpdir(), 'radraft-overhead-'));
    importCheckpoint(join(__dirname, '../test/fixtures/models', values.fixture ?? 'tiny-paligemma2-randn'), tmp, { dtype: 'fp32' });
    dir = tmp;
    cleanup = () => rmSync(tmp, { recursive: true, force: true });
  }
  const model = await loadModel(dir, { verify: 'size', ...(THREADS ? { threads: THREADS } : {}) });
  const bare = await openBare(dir, model);
  const pv = pixels(model.manifest.imageSize);
  const promptIds = model.promptIds('report en');
  const engine: StepCost[] = [];
  const bareCost: StepCost[] = [];
  let ids: number[] = [];
  try {
    for (let r = 0; r <= ROUNDS; r++) {
      // Decode steps start when the first token (the prefill's) has been handed out, as the bare loop's do.
      let t0 = 0;
      let o0 = 0;
      const res = await model.generate({
        pixelValues: pv,
        inputIds: promptIds,
        maxTokens: TOKENS,
        onToken: () => {
          if (t0 === 0) {
            t0 = performance.now();
            o0 = ortTotal;
          }
        },
      });
      const steps = res.ids.length - 1;
      const own = { wallMs: (performance.now() - t0) / steps, ortMs: (ortTotal - o0) / steps };
      ids = res.ids;
      const bareToken = await bareDecode(bare, model, pv, promptIds, res.ids);
      // Round 0 warms both paths up (allocator arenas, prepacking) and is not counted.
      if (r > 0) {
        engine.push(own);
        bareCost.push(bareToken);
      }
    }
  } finally {
    await model.dispose();
    await Promise.all([bare.vision.release(), bare.embed.release(), bare.decoder.release()]);
    cleanup();
  }
  const min = (xs: number[]): number => Math.min(...xs);
  console.log(`model ${values.model ?? `${values.fixture} (fp32, temp import)`}; ${ids.length} tokens/round, ${ROUNDS} rounds, threads ${THREADS ?? 'default'}`);
  const outside = (c: StepCost): number => c.wallMs - c.ortMs;
  const e = median(engine.map(outside));
  const b = median(bareCost.map(outside));
  const ortMs = median(bareCost.map((c) => c.ortMs));
  const engineOrt = median(engine.map((c) => c.ortMs));
  console.log(`inside onnxruntime (same work): engine ${engineOrt.toFixed(3)}, bare loop ${ortMs.toFixed(3)} ms/token (medians; they differ only by other load)`);
  console.log(`outside onnxruntime: engine ${e.toFixed(3)} ms/token, bare loop ${b.toFixed(3)} ms/token (medians)`);
  console.log(`engine overhead over the bare loop: ${(((e - b) / (ortMs + b)) * 100).toFixed(2)} % per token (goal ≤ 5 %)`);
  for (const [label, f] of [['min', min], ['median', median]] as const) {
    const ew = f(engine.map((x) => x.wallMs));
    const bw = f(bareCost.map((x) => x.wallMs));
    console.log(`wall ${label.padEnd(6)} engine ${ew.toFixed(3)} ms/token  bare ${bw.toFixed(3)} ms/token  (${(((ew - bw) / bw) * 100).toFixed(1)} %, disturbed by other load)`);
  }
}

void main();
