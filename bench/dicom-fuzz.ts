// 100,000-case seeded fuzz run of the DICOM engine, reporting crashes and hangs (the goal: none of either).
// Run: npx tsx bench/dicom-fuzz.ts [--cases 100000] [--seed 1] [--hang-ms 10000]
// Cases run in a worker thread; the main thread is a watchdog: a case that takes longer than --hang-ms is counted
// as a hang, the worker is terminated and the run resumes after that case.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { parseArgs } from 'node:util';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { DicomError, decodeBytes, renderModelView } from '../main/dicom';
import { FUZZ_SEEDS, mutate } from '../test/main/dicom/fuzz-harness';
import { seededRandom } from '../app/random/seeded-random';

interface Job {
  fixtures: string;
  cases: number;
  seed: number;
  /** First case to run (cases before it are generated but skipped, to keep the sequence identical). */
  from: number;
}

type Msg =
  | { type: 'start'; index: number }
  | { type: 'done'; index: number; outcome: string; ms: number; crash?: string; seedFile: string; mutation: string }
  | { type: 'finished' };

async function runCases(job: Job): Promise<void> {
  const seeds = FUZZ_SEEDS.map((s) => ({ name: s, bytes: new Uint8Array(readFileSync(join(job.fixtures, s))) }));
  const rand = seededRandom(job.seed);
  for (let i = 0; i < job.cases; i++) {
    const seedFile = seeds[Math.floor(rand() * seeds.length)];
    const { mutation, bytes } = mutate(seedFile.bytes, rand);
    if (i < job.from) continue;
    parentPort?.postMessage({ type: 'start', index: i } satisfies Msg);
    const t = performance.now();
    let outcome = 'decoded';
    let crash: string | undefined;
    try {
      const d = await decodeBytes(`fuzz-${i}`, bytes);
      try {
        renderModelView(d);
      } catch (e) {
        if (!(e instanceof DicomError)) throw e;
      }
    } catch (e) {
      const cause = e instanceof DicomError ? (e as Error & { cause?: unknown }).cause : undefined;
      if (e instanceof DicomError && !(cause instanceof TypeError || cause instanceof ReferenceError)) outcome = e.kind;
      else {
        outcome = 'crash';
        crash = e instanceof Error ? `${e.name}: ${e.message}${cause ? ` (cause ${String(cause)})` : ''}` : String(e);
      }
    }
    parentPort?.postMessage({ type: 'done', index: i, outcome, ms: performance.now() - t, crash, seedFile: seedFile.name, mutation } satisfies Msg);
  }
  parentPort?.postMessage({ type: 'finished' } satisfies Msg);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { cases: { type: 'string', default: '100000' }, seed: { type: 'string', default: '1' }, 'hang-ms': { type: 'string', default: '10000' } } });
  const cases = Number(values.cases);
  const seed = Number(values.seed);
  const hangMs = Number(values['hang-ms']);
  const counts: Record<string, number> = {};
  const crashes: string[] = [];
  const hangs: number[] = [];
  let maxMs = 0;
  let done = 0;
  const started = performance.now();
  // Workers cannot load TypeScript through tsx's hooks: bundle this file once, as scripts/build.mjs bundles workers.
  const root = join(__dirname, '..');
  const bundle = join(root, '.tmp', 'bench', 'dicom-fuzz.cjs');
  buildSync({ entryPoints: [__filename], outfile: bundle, bundle: true, platform: 'node', format: 'cjs', target: 'node20', packages: 'external', logLevel: 'warning' });
  const fixtures = join(root, 'test', 'fixtures', 'dicom');
  let from = 0;
  while (from < cases) {
    from = await new Promise<number>((resolve) => {
      const worker = new Worker(bundle, { workerData: { fixtures, cases, seed, from } satisfies Job });
      let current = from;
      let timer: NodeJS.Timeout | null = null;
      const arm = () => {
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => {
          hangs.push(current);
          void worker.terminate();
          resolve(current + 1);
        }, hangMs);
      };
      worker.on('message', (m: Msg) => {
        if (m.type === 'start') {
          current = m.index;
          arm();
        } else if (m.type === 'done') {
          if (timer) clearTimeout(timer);
          done++;
          counts[m.outcome] = (counts[m.outcome] ?? 0) + 1;
          maxMs = Math.max(maxMs, m.ms);
          if (m.crash) crashes.push(`case ${m.index} (${m.seedFile}, ${m.mutation}): ${m.crash}`);
          if (done % 10000 === 0) process.stderr.write(`${done} cases, ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
        } else {
          if (timer) clearTimeout(timer);
          void worker.terminate();
          resolve(cases);
        }
      });
      worker.on('error', (e) => {
        // A worker that dies (e.g. out of memory) counts as a crash of the case it was running.
        crashes.push(`case ${current}: worker died: ${e.message}`);
        if (timer) clearTimeout(timer);
        resolve(current + 1);
      });
    });
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(JSON.stringify({ cases, seed, seconds: Math.round(seconds), outcomes: counts, crashes: crashes.length, hangs: hangs.length, maxCaseMs: Math.round(maxMs), crashList: crashes.slice(0, 20), hangList: hangs.slice(0, 20) }, null, 1));
}

if (isMainThread) void main();
else void runCases(workerData as Job);
