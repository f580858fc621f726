// Opening a large zip archive and zip bombs must neither bloat nor block the main process (issue 10, item 7). Makes,
// in a child process (so building them does not count): a real archive of N chest radiographs (the real and
// transcoded CXRs of test/fixtures/dicom, in turn, in PATIENTnnn/STUDY/IMnnnnnn folders, deflated), and four
// hostile archives: 20 000 central directory records on one 1 MiB stream (overlap), 100 honest entries of 1 MiB of
// zeros (ratio), one entry declared 40 KB that inflates to 256 MiB (a lie), and one declaring 4 GB (absurd). Opens
// the five at once through the real services (createServices; workers from dist/workers), then pages through the
// first P images of the large archive as a clinician would (image:load: inflated and decoded in a worker, pixels to
// main). Reports peak resident memory (all threads) and the longest main-thread task of each phase (bench/probes.ts).
// Targets: peak RSS under 500 MB whatever the archive's size, no main-thread task over 100 ms. With `--unpacked`
// the same films are written as plain files in folders instead (the bombs stay), to compare with an archive.
// Usage: npm run build && npx tsx bench/open-archives.ts [--entries N] [--page P] [--unpacked] [--keep]
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from '../test/e2e/harness/server';
import { writeZip, type CentralRecord, type ZipEntrySpec } from '../test/main/archives/zip-writer';
import { benchServices, idleBaseline, makeFilesInChild, printLoad } from './open-services';
import { measure } from './probes';

const { values } = parseArgs({
  options: {
    entries: { type: 'string', default: '240' },
    page: { type: 'string', default: '48' },
    unpacked: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    'make-files': { type: 'string' },
  },
});
const MIB = 1024 * 1024;

function makeFiles(dir: string, count: number, unpacked: boolean): string[] {
  const sources = ['cxr', 'cxr-derived'].flatMap((sub) => {
    const folder = join(ROOT, 'test/fixtures/dicom', sub);
    return readdirSync(folder).filter((f) => f.endsWith('.dcm')).map((f) => join(folder, f));
  });
  const big = join(dir, unpacked ? 'chest-archive' : 'chest-archive.zip');
  function* films(): Generator<ZipEntrySpec> {
    for (let i = 0; i < count; i++) {
      const patient = String(Math.floor(i / 4)).padStart(3, '0');
      yield { name: `PATIENT${patient}/STUDY/IM${String(i).padStart(6, '0')}`, data: readFileSync(sources[i % sources.length]) };
    }
  }
  if (!unpacked) writeZip(big, films());
  else {
    for (const film of films()) {
      mkdirSync(join(big, film.name, '..'), { recursive: true });
      writeFileSync(join(big, film.name), film.data ?? new Uint8Array(0));
    }
  }
  const overlap = join(dir, 'overlap.zip');
  writeZip(overlap, [{ name: 'IM0', data: Buffer.alloc(MIB) }], {
    centralDirectory: ([record]) => Array.from({ length: 20_000 }, (_, i): CentralRecord => ({ ...record, name: `IM${i}` })),
  });
  const ratio = join(dir, 'ratio.zip');
  writeZip(ratio, Array.from({ length: 100 }, (_, i) => ({ name: `IM${i}`, data: Buffer.alloc(MIB) })));
  const liar = join(dir, 'liar.zip');
  writeZip(liar, [{ name: 'IM1', data: Buffer.alloc(256 * MIB), declaredSize: 40 * 1024 }]);
  const absurd = join(dir, 'absurd.zip');
  writeZip(absurd, [{ name: 'IM1', data: Buffer.alloc(16), declaredSize: 0xfffffff0 }]);
  return [big, overlap, ratio, liar, absurd];
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'radraft-archives-bench-'));
  const files = makeFilesInChild(import.meta.url, join(work, 'files'), ['--entries', String(values.entries), ...(values.unpacked ? ['--unpacked'] : [])]);
  for (const f of files) if (statSync(f).isFile()) console.log(`${basename(f)}: ${(statSync(f).size / MIB).toFixed(1)} MiB`);
  const services = await benchServices(work);
  await idleBaseline();
  let failed = false;
  try {
    const opened = await measure(() => services.handlers['studies:openPaths']({ paths: files }), { gc: true });
    const openPeak = opened.peakRss;
    const images = opened.value.studies.flatMap((s) => s.images);
    console.log(`\nopened the ${files.length} archives in ${(opened.wallMs / 1000).toFixed(2)} s: ${images.length} images in ${opened.value.studies.length} studies, ${opened.value.problems.length} problem lines`);
    for (const p of opened.value.problems) console.log(`  ${basename(p.filePath)}${p.files ? ` (${p.files} files)` : ''}: ${p.reason}`);
    console.log(
      `open: RSS before ${(opened.rssBefore / MIB).toFixed(0)} MiB, peak ${(openPeak / MIB).toFixed(0)} MiB, longest main-thread task ${opened.longestTaskMs.toFixed(1)} ms (${opened.longestTaskCpuMs.toFixed(0)} ms of it on a CPU), ` +
        `loop delay ${opened.maxDelayMs.toFixed(1)} ms (histogram) / ${opened.maxLateMs.toFixed(1)} ms (timer)`,
    );

    const page = images.filter((i) => i.filePath.includes('chest-archive')).sort((a, b) => a.filePath.localeCompare(b.filePath)).slice(0, Number(values.page));
    const paged = await measure(async () => {
      let bytes = 0;
      for (const image of page) bytes += (await services.handlers['image:load']({ imageId: image.imageId })).pixels.length;
      return bytes;
    });
    const pagePeak = paged.peakRss;
    console.log(
      `paged through ${page.length} images (${(paged.value / MIB).toFixed(0)} MiB of pixels) in ${(paged.wallMs / 1000).toFixed(1)} s: RSS before ${(paged.rssBefore / MIB).toFixed(0)} MiB, ` +
        `peak ${(pagePeak / MIB).toFixed(0)} MiB, longest main-thread task ${paged.longestTaskMs.toFixed(1)} ms (${paged.longestTaskCpuMs.toFixed(0)} ms of it on a CPU), loop delay ${paged.maxDelayMs.toFixed(1)} ms (histogram) / ${paged.maxLateMs.toFixed(1)} ms (timer)`,
    );
    const peakMb = Math.max(openPeak, pagePeak) / 1e6;
    const blockMs = Math.max(opened.longestTaskMs, paged.longestTaskMs);
    console.log(`\nworst: peak RSS ${peakMb.toFixed(0)} MB (target < 500 MB), longest main-thread task ${blockMs.toFixed(1)} ms (target ≤ 100 ms)`);
    failed = peakMb >= 500 || blockMs > 100;
  } finally {
    await services.dispose();
    if (!values.keep) rmSync(work, { recursive: true, force: true });
  }
  printLoad();
  process.exitCode = failed ? 1 : 0;
}

if (values['make-files']) process.stdout.write(makeFiles(values['make-files'], Number(values.entries), values.unpacked).join('\n'));
else void main();
