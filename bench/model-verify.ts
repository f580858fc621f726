// What binding a model to its content costs at load time (models/integrity.ts): the folder check (paths, links,
// sizes, the external data every graph opens) and the full sha256 of every file that each app run pays once, with
// the files' pages first dropped from the page cache (a cold start after boot) and then already cached (the usual
// case: the model was hashed or loaded before). Each case runs in a child process, as a new app run would.
//
// Build a 3B model first (minutes, ~2.2 GB):
//   node bin/radraft.cjs synth-model --config 3b-224 --dtype int4 --out /tmp/pg3b-int4
// Usage: npx tsx bench/model-verify.ts MODEL_DIR [--runs 3]
import { spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { checkModelFolder, verifyModelFolder } from '../models/integrity';
import { readManifest } from '../models/manifest';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { runs: { type: 'string', default: '3' }, child: { type: 'string' } } });
const dir = positionals[0];
if (!dir) throw new Error('usage: npx tsx bench/model-verify.ts MODEL_DIR [--runs 3]');

/** Asks the kernel to drop the cached pages of every model file (posix_fadvise DONTNEED through dd, no root needed). */
function dropCache(files: string[]): void {
  for (const f of files) {
    closeSync(openSync(f, 'r'));
    spawnSync('dd', [`if=${f}`, 'iflag=nocache', 'count=0', 'status=none']);
  }
}

if (values.child) {
  const manifest = readManifest(dir);
  const t0 = performance.now();
  checkModelFolder(dir, manifest);
  const t1 = performance.now();
  const cpu = process.cpuUsage();
  verifyModelFolder(dir, manifest, 'full');
  const t2 = performance.now();
  const used = process.cpuUsage(cpu);
  // verifyModelFolder checks the folder again before hashing: that part is subtracted. CPU time is what an idle core
  // would take (warm cache); on a loaded machine the wall time is longer.
  process.stdout.write(JSON.stringify({ check_ms: t1 - t0, hash_ms: t2 - t1 - (t1 - t0), cpu_ms: (used.user + used.system) / 1000 }));
} else {
  const manifest = readManifest(dir);
  const bytes = manifest.files.reduce((n, f) => n + f.bytes, 0);
  const files = manifest.files.map((f) => join(dir, f.path));
  console.log(`${dir}: ${manifest.files.length} files, ${(bytes / 2 ** 30).toFixed(2)} GiB`);
  for (const cache of ['cold', 'warm'] as const) {
    for (let r = 0; r < Number(values.runs); r++) {
      if (cache === 'cold') dropCache(files);
      const load = loadavg()[0].toFixed(1);
      const out = spawnSync(process.execPath, ['--import', 'tsx', __filename, dir, '--child', cache], { encoding: 'utf8' });
      if (out.status !== 0) throw new Error(out.stderr);
      const { check_ms, hash_ms, cpu_ms } = JSON.parse(out.stdout) as { check_ms: number; hash_ms: number; cpu_ms: number };
      console.log(
        `${cache} page cache: folder check ${check_ms.toFixed(0)} ms, sha256 of every file ${(hash_ms / 1000).toFixed(2)} s wall (${(bytes / 2 ** 30 / (hash_ms / 1000)).toFixed(2)} GiB/s), ${(cpu_ms / 1000).toFixed(2)} s CPU, load average ${load}`,
      );
    }
  }
}
