// How often prompt-lookup drafts would be accepted on real reports: each report is replayed as if the model wrote it,
// token by token, drafting from the other reports (leave one out) and from the report's own text so far, exactly as
// generate({ draft }) drafts (models/engine/prompt-lookup.ts). A draft token is accepted while it equals the report's
// next token; every verification run also yields one token of its own (the correction, or the one after the drafts).
// No model runs here: the figures are acceptance and tokens per decoder run, which with the per-run cost measured by
// bench/speculative-3b.ts give the speed-up: with --cost c (a run verifying d drafted tokens costs 1 + c·d plain
// decode steps, c = (t(d+1)/t(1) − 1)/d from that bench) the projected speed-up over plain greedy is printed too.
//
// Usage: npx tsx bench/speculative-replay.ts --reports ../shared/data/reports/iu_cxr_reports_sample.json
//          --tokenizer MODEL_DIR/tokenizer.json [--k 8] [--min-n 2] [--max-n 3] [--cost 0.1]
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
    cost: { type: 'string' },
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
    const c = values.cost === undefined ? null : Number(values.cost);
    // Plain greedy needs one step per token after the first; speculation one run of cost 1 + c·d per run.
    const cost = c === null ? 0 : sum((r) => r.draftedPerRun.reduce((a, d) => a + 1 + c * d, 0));
    const projected = c === null ? '' : `; projected speed-up at ${c} step per drafted token: ×${(sum((r) => r.tokens - 1) / cost).toFixed(2)}`;
    console.log(
      `k=${k}: ${sum((r) => r.accepted)} of ${sum((r) => r.drafted)} drafted tokens accepted (${((sum((r) => r.accepted) / Math.max(1, sum((r) => r.drafted))) * 100).toFixed(1)} %); ` +
        `${runs} decoder runs for ${sum((r) => r.tokens - 1)} tokens after the first = ${(sum((r) => r.tokens - 1) / runs).toFixed(2)} tokens per run; ` +
        `runs by accepted length ${hist.map((h, a) => `${a}:${h}`).join(' ')}${projected}`,
    );
  }
}

main();
