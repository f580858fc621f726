// Opening hostile files must not freeze or bloat the main process (issue 9, item 5). Creates four 1 MB deflate
// bombs (each inflates to 1 GiB), two 1 GiB zero-filled .dcm files and four 1 GiB non-DICOM files, opens them all
// at once through the real services (createServices, as the app and the e2e harness build them; workers from
// dist/workers), and reports the process's peak resident memory and its event loop's longest block.
// Targets: peak RSS under 500 MB, no event-loop block over 100 ms.
// Usage: npm run build && npx tsx bench/open-hostile.ts [--rounds N] [--keep]
//
// Memory: the kernel's high-water mark of the process (VmHWM, all threads: the decode workers are threads of this
// process), reset through /proc/self/clear_refs once the services are up, so creating the files does not count.
// Event loop, three ways: the longest stretch of the main thread's CPU profile (1 ms samples, node:inspector) with no
// idle sample in it, i.e. the longest task the loop ran; perf_hooks.monitorEventLoopDelay (10 ms resolution); and a
// 5 ms timer's worst lateness. The last two also count time the OS did not run the process at all, so the same two
// probes are first run over 3 s of doing nothing: on a loaded machine that is the noise floor.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { GIB, deflateBomb, writeSparse, writeZeroFilledDicom, type DeflateBomb } from '../test/main/dicom/hostile-files';
import { benchServices, idleBaseline, makeFilesInChild, printLoad } from './open-services';
import { measure } from './probes';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '3' }, keep: { type: 'boolean', default: false }, 'make-files': { type: 'string' } },
});
const MIB = 1024 * 1024;
/** Real (not sparse) bytes at the start of each non-DICOM giant: more than the header reader's 16 MiB limit. */
const NON_DICOM_HEAD = 32 * MIB;

function makeFiles(dir: string): string[] {
  const files: string[] = [];
  const add = (name: string, write: (path: string) => void): void => {
    const path = join(dir, name);
    write(path);
    files.push(path);
  };
  for (const kind of ['pixel-data', 'trailing', 'no-data-set', 'long-header'] as DeflateBomb[]) {
    add(`bomb-${kind}.dcm`, (p) => writeFileSync(p, deflateBomb(kind)));
  }
  add('zero-filled.dcm', (p) => writeSparse(p, new Uint8Array(0), GIB));
  add('zero-pixel-data.dcm', (p) => writeZeroFilledDicom(p, GIB));
  const text = Buffer.from('2026-11-27T09:30:00Z INFO radraft bench: a log file that someone named .dcm\n'.repeat(NON_DICOM_HEAD / 76 + 1)).subarray(0, NON_DICOM_HEAD);
  add('not-dicom-random.dcm', (p) => writeSparse(p, randomBytes(NON_DICOM_HEAD), GIB));
  add('not-dicom-text.dcm', (p) => writeSparse(p, text, GIB));
  add('not-dicom-zip.dcm', (p) => writeSparse(p, Buffer.concat([Buffer.from('PK\u0003\u0004', 'latin1'), randomBytes(NON_DICOM_HEAD - 4)]), GIB));
  // Starts like an implicit VR data set, (0008,0005) with a plausible length, then noise: read up to the limit.
  const plausible = randomBytes(NON_DICOM_HEAD);
  plausible.writeUInt32LE(0x00050008, 0);
  plausible.writeUInt32LE(10, 4);
  add('not-dicom-plausible.dcm', (p) => writeSparse(p, plausible, GIB));
  return files;
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'radraft-hostile-bench-'));
  // Made in a child process: building them (random bytes, deflate) would leave this process's heap grown.
  const files = makeFilesInChild(import.meta.url, join(work, 'files'));
  const services = await benchServices(work);
  const rounds = Math.max(1, Number(values.rounds));
  const idle = await idleBaseline();
  const results: Array<{ peakRss: number; rssBefore: number; maxDelayMs: number; maxLateMs: number; longestTaskMs: number; wallMs: number }> = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      const { value: result, maxDelayMs, maxLateMs, longestTaskMs: taskMs, wallMs, rssBefore, peakRss } = await measure(
        () => services.handlers['studies:openPaths']({ paths: files }),
        { gc: true },
      );
      results.push({ peakRss, rssBefore, maxDelayMs, maxLateMs, longestTaskMs: taskMs, wallMs });
      if (round === 1) {
        console.log(`opened ${files.length} files: ${result.studies.length} stud${result.studies.length === 1 ? 'y' : 'ies'}, ${result.problems.length} refused`);
        for (const p of result.problems) console.log(`  ${basename(p.filePath)}: ${p.reason}`);
        for (const s of result.studies) console.log(`  study ${s.studyInstanceUid}: ${s.images.map((i) => basename(i.filePath)).join(', ')}`);
      }
      console.log(
        `round ${round}: wall ${wallMs.toFixed(0)} ms, RSS before ${(rssBefore / MIB).toFixed(0)} MiB, peak ${(peakRss / MIB).toFixed(0)} MiB, ` +
          `longest main-thread task ${taskMs.toFixed(1)} ms, loop delay ${maxDelayMs.toFixed(1)} ms (histogram) / ${maxLateMs.toFixed(1)} ms (timer)`,
      );
    }
  } finally {
    await services.dispose();
    if (!values.keep) rmSync(work, { recursive: true, force: true });
  }
  const worst = (pick: (r: (typeof results)[number]) => number) => Math.max(...results.map(pick));
  const peakMb = worst((r) => r.peakRss) / 1e6;
  const blockMs = worst((r) => r.longestTaskMs);
  const delayMs = Math.max(worst((r) => r.maxDelayMs), worst((r) => r.maxLateMs));
  console.log(
    `\nworst of ${rounds}: peak RSS ${peakMb.toFixed(0)} MB (target < 500 MB), longest main-thread task ${blockMs.toFixed(1)} ms (target ≤ 100 ms), ` +
      `longest loop delay ${delayMs.toFixed(1)} ms (idle baseline ${Math.max(idle.maxDelayMs, idle.maxLateMs).toFixed(1)} ms)`,
  );
  printLoad();
  process.exitCode = peakMb < 500 && blockMs <= 100 ? 0 : 1;
}

if (values['make-files']) process.stdout.write(makeFiles(values['make-files']).join('\n'));
else void main();
