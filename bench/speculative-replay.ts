// How often prompt-lookup drafts would be accepted on real reports: each report is replayed as if the model wrote it,
// token by token, drafting from the other reports (leave one out) and from the report's own text so far, exactly as
// generate({ draft }) drafts (models/engine/prompt-lookup.ts). A draft token is accepted while it equals the report's
// next token; every verification run also yields one token of its own (the correction, or the one after the drafts).
// No model runs here: the figures are acceptance and tokens per decoder run, which with the per-run cost measured by
// bench/speculative-3b.ts give the speed-up: with --costs 1:1.10,2:1.73,4:1.82,8:1.86 (t(d+1)/t(1) from that bench:
// what a run verifying d drafted tokens costs in plain decode steps, interpolated between the points given, 1 at
// d = 0) the projected speed-up over plain greedy is printed too.
//
// Usage: npx tsx bench/speculative-replay.ts --reports ../shared/data/reports/iu_cxr_reports_sample.json
//          --tokenizer MODEL_DIR/tokenizer.json [--k 8] [--min-n 2] [--max-n 3] [--costs d:ratio,...]
//   The tokenizer matters: a synth-model folder's tokenizer has no merges (one token per character); use a real
//   Gemma tokenizer.json for figures that mean something.
//   Reports: a JSON list (or { reports: [...] }) of { findings, impression } objects (Indiana University CXR), written
//   as "FINDINGS: …\nIMPRESSION: …", the format the drafting model produces.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { PromptLookup } from '../models/engine/prompt-lookup';
import { TextTokenizer } from '../models/tokenizer/tokenizer';

const { values } = parseArgs({
  options: {
    reports: { type: 'string' },
    tokenizer: { type: 'string' },
    k: { type: 'string', default: '8' },
    'min-n': { type: 'string', default: '2' },
    'max-n': { type: 'string', default: '3' },
    costs: { type: 'string' },
  },
});

interface IuReport {
  findings?: string | null;
  impression?: string | null;
}

function reportText(r: IuReport): string {
  const parts: string[] = [];
  if (r.findings) parts.push(`FINDINGS: ${r.findings.trim()}`);
  if (r.impression) parts.push(`IMPRESSION: ${r.impression.trim()}`);
  return parts.join('\n');
}

interface Replay {
  tokens: number;
  runs: number;
  drafted: number;
  accepted: number;
  /** Accepted draft length per run. */
  acceptedPerRun: number[];
  /** Drafted length per run. */
  draftedPerRun: number[];
}

function replay(target: number[], lookup: PromptLookup, k: number): Replay {
  const session = lookup.session();
  const r: Replay = { tokens: target.length, runs: 0, drafted: 0, accepted: 0, acceptedPerRun: [], draftedPerRun: [] };
  // The first token comes from the prefill, as in generate().
  session.push(target[0]);
  let p = 1;
  while (p < target.length) {
    const draft = session.draft(Math.min(k, target.length - p - 1));
    let a = 0;
    while (a < draft.length && draft[a] === target[p + a]) a++;
    r.runs++;
    r.drafted += draft.length;
    r.accepted += a;
    r.acceptedPerRun.push(a);
    r.draftedPerRun.push(draft.length);
    session.push(...target.slice(p, p + a + 1));
    p += a + 1;
  }
  return r;
}

/** Cost of a run verifying d drafted tokens, in plain decode steps, from "d:ratio,…" (linear between points). */
function costCurve(spec: string | undefined): ((d: number) => number) | null {
  if (!spec) return null;
  const points = [[0, 1], ...spec.split(',').map((p) => p.split(':').map(Number))].sort((a, b) => a[0] - b[0]);
  if (points.some((p) => p.length !== 2 || !p.every(Number.isFinite))) throw new Error(`--costs: expected d:ratio,… got ${spec}`);
  return (d) => {
    const i = points.findIndex((p) => p[0] >= d);
    if (i === -1) return points[points.length - 1][1];
    if (i === 0 || points[i][0] === d) return points[i][1];
    const [[d0, c0], [d1, c1]] = [points[i - 1], points[i]];
    return c0 + ((c1 - c0) * (d - d0)) / (d1 - d0);
  };
}

function main(): void {
  if (!values.reports || !values.tokenizer) {
    console.error('usage: npx tsx bench/speculative-replay.ts --reports FILE --tokenizer tokenizer.json [--k 8] [--min-n 2] [--max-n 3]');
    process.exitCode = 2;
    return;
  }
  const raw = JSON.parse(readFileSync(values.reports, 'utf8')) as IuReport[] | { reports: IuReport[] };
  const reports = (Array.isArray(raw) ? raw : raw.reports).map(reportText).filter((t) => t.length > 0);
  const tokenizer = TextTokenizer.fromFile(values.tokenizer);
  const tokens = reports.map((t) => tokenizer.encode(t));
  const opts = { minN: Number(values['min-n']), maxN: Number(values['max-n']) };
  console.log(`${reports.length} reports, ${tokens.reduce((a, t) => a + t.length, 0)} tokens (${values.tokenizer}); n-grams ${opts.minN}–${opts.maxN}`);
  for (const k of [...new Set([2, 4, Number(values.k)])].sort((a, b) => a - b)) {
    const all: Replay[] = tokens.map((target, i) => replay(target, new PromptLookup(tokens.filter((_, j) => j !== i), opts), k));
    const sum = (f: (r: Replay) => number): number => all.reduce((a, r) => a + f(r), 0);
    const runs = sum((r) => r.runs);
    const hist = new Array<number>(k + 1).fill(0);
    for (const r of all) for (const a of r.acceptedPerRun) hist[a]++;
    // Plain greedy needs one step per token after the first; speculation one run of cost(d) steps per run.
    const cost = costCurve(values.costs);
    const steps = cost ? sum((r) => r.draftedPerRun.reduce((a, d) => a + cost(d), 0)) : 0;
    const projected = cost ? `; projected speed-up with those run costs: ×${(sum((r) => r.tokens - 1) / steps).toFixed(2)}` : '';
    console.log(
      `k=${k}: ${sum((r) => r.accepted)} of ${sum((r) => r.drafted)} drafted tokens accepted (${((sum((r) => r.accepted) / Math.max(1, sum((r) => r.drafted))) * 100).toFixed(1)} %); ` +
        `${runs} decoder runs for ${sum((r) => r.tokens - 1)} tokens after the first = ${(sum((r) => r.tokens - 1) / runs).toFixed(2)} tokens per run; ` +
        `runs by accepted length ${hist.map((h, a) => `${a}:${h}`).join(' ')}${projected}`,
    );
  }
}

main();
