// Bundles the workers the services start, as `npm run build` does, so these tests need no prior build.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import type { WorkerName, WorkerScript } from '../../../main/workers/bundled-worker';

const ROOT = join(__dirname, '../../..');
const SOURCES: Record<WorkerName, string> = {
  'decode.worker': 'main/dicom/decode.worker.ts',
  'model-input.worker': 'main/drafting/model-input.worker.ts',
  'model-import.worker': 'main/models-registry/model-import.worker.ts',
  'inference.worker': 'main/drafting/inference.worker.ts',
  'eval.worker': 'main/eval/eval.worker.ts',
  'export-dataset.worker': 'main/training/export-dataset.worker.ts',
  'export.worker': 'main/export/export.worker.ts',
};

let bundled: Record<WorkerName, WorkerScript> | null = null;

/** Once per test file (module instance). */
export function bundleWorkers(): Record<WorkerName, WorkerScript> {
  bundled ??= bundle();
  return bundled;
}

function bundle(): Record<WorkerName, WorkerScript> {
  // Inside the project (git-ignored .tmp/) so the bundles resolve onnxruntime-node etc. from node_modules.
  const base = join(ROOT, '.tmp', 'main-workers');
  mkdirSync(base, { recursive: true });
  // One folder per test process; folders of processes that have ended are removed.
  for (const name of readdirSync(base)) if (!isRunning(Number(name))) rmSync(join(base, name), { recursive: true, force: true });
  const out = join(base, String(process.pid));
  mkdirSync(out, { recursive: true });
  const scripts = {} as Record<WorkerName, WorkerScript>;
  for (const [name, source] of Object.entries(SOURCES) as [WorkerName, string][]) {
    const path = join(out, `${name}.cjs`);
    buildSync({ entryPoints: [join(ROOT, source)], outfile: path, bundle: true, platform: 'node', format: 'cjs', target: 'node20', packages: 'external', logLevel: 'warning' });
    scripts[name] = { path };
  }
  return scripts;
}

function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
