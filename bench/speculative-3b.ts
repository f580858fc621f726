// Speculative decoding on a full-size model: the cost of one decoder run that verifies d drafted tokens, and the
// speed-up as a function of accepted length. Drafts here are always right (the corpus is the model's own greedy
// output for the same input), so a run with maxDraft = d accepts d tokens and hands out d + 1: the upper end of what
// drafting can gain. For drafts that are partly wrong, speed-up = (accepted + 1) × t(1) / t(drafted + 1) with the
// per-run times t printed here; bench/speculative-replay.ts gives the accepted lengths real reports would have.
// Plain and speculative generations alternate within one process, round by round, so all see the same load.
//
// Usage: npx tsx bench/speculative-3b.ts MODEL_DIR [--tokens 48] [--drafts 1,2,4,8] [--rounds 3] [--threads 2]
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { loadModel, PromptLookup } from '../models/engine/index';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { tokens: { type: 'string', default: '48' }, drafts: { type: 'string', default: '1,2,4,8' }, rounds: { type: 'string', default: '3' }, threads: { type: 'string', default: '2' } },
});

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main(): Promise<void> {
  const dir = positionals[0];
  if (!dir) {
    console.error('usage: npx tsx bench/speculative-3b.ts MODEL_DIR [--tokens 48] [--drafts 1,2,4,8] [--rounds 3] [--threads 2]');
    process.exitCode = 2;
    return;
  }
  const tokens = Number(values.tokens);
  const drafts = values.drafts.split(',').map(Number);
  const model = await loadModel(dir, { verify: 'size', threads: Number(values.threads) });
  const m = model.manifest;
  const ids = [...new Array<number>(m.imageSeqLength).fill(m.tokens.image), m.tokens.bos, 1200, 1300, 1400, 1500, 1600, 1700, 1800, 1900, m.tokens.newline];
  const plane = m.imageSize * m.imageSize;
  const pixels = new Float32Array(3 * plane).map((_, i) => ((i % m.imageSize) / m.imageSize) * 2 - 1);
  // Random weights can stop at <eos> at any point: decode until maxTokens with eos never chosen by asking for
  // exactly the tokens greedy produced.
  const greedy = await model.generate({ pixelValues: pixels, inputIds: ids, maxTokens: tokens });
  const own = new PromptLookup([greedy.ids], { minN: 1 });
  console.log(`${dir}: ${greedy.ids.length} greedy tokens (${greedy.stopReason}); prompt ${ids.length} tokens`);
  const perRun = new Map<number, number[]>();
  const tps = new Map<number, number[]>();
  const ratio = new Map<number, number[]>();
  for (let round = 1; round <= Number(values.rounds); round++) {
    const load = loadavg()[0];
    const plain = await model.generate({ pixelValues: pixels, inputIds: ids, maxTokens: tokens });
    const base = plain.timing.decode_ms / Math.max(1, plain.ids.length - 1);
    const line = [`plain ${base.toFixed(0)} ms/run`];
    (perRun.get(0) ?? perRun.set(0, []).get(0)!).push(base);
    (tps.get(0) ?? tps.set(0, []).get(0)!).push(plain.timing.tokens_per_s);
    for (const d of drafts) {
      const r = await model.generate({ pixelValues: pixels, inputIds: ids, maxTokens: tokens, draft: { lookup: own, maxDraft: d } });
      if (JSON.stringify(r.ids) !== JSON.stringify(plain.ids)) throw new Error(`draft ${d}: the ids differ from greedy's`);
      const s = r.speculation!;
      const ms = r.timing.decode_ms / Math.max(1, s.runs);
      (perRun.get(d) ?? perRun.set(d, []).get(d)!).push(ms);
      (tps.get(d) ?? tps.set(d, []).get(d)!).push(r.timing.tokens_per_s);
      (ratio.get(d) ?? ratio.set(d, []).get(d)!).push(r.timing.tokens_per_s / plain.timing.tokens_per_s);
      line.push(`d=${d}: ${ms.toFixed(0)} ms/run, ${((r.ids.length - 1) / s.runs).toFixed(2)} tok/run, ×${(r.timing.tokens_per_s / plain.timing.tokens_per_s).toFixed(2)}`);
    }
    console.log(`round ${round} [load ${load.toFixed(2)}] ${line.join(' | ')}`);
  }
  await model.dispose();
  const t1 = median(perRun.get(0)!);
  console.log('\n| drafted per run d | t(d+1) ms per run | t(d+1) / t(1) | decode tok/s | speed-up (all accepted) | break-even accepted length |');
  console.log('|---|---|---|---|---|---|');
  console.log(`| 0 (plain) | ${t1.toFixed(0)} | 1.00 | ${median(tps.get(0)!).toFixed(2)} | 1.00 | |`);
  for (const d of drafts) {
    const t = median(perRun.get(d)!);
    // accepted a pays when (a + 1) · t(1) > t(d + 1)
    console.log(`| ${d} | ${t.toFixed(0)} | ${(t / t1).toFixed(2)} | ${median(tps.get(d)!).toFixed(2)} | ${median(ratio.get(d)!).toFixed(2)} | ${Math.max(0, t / t1 - 1).toFixed(2)} |`);
  }
}

void main();
