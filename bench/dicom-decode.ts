// DICOM engine benchmark: decode speed and peak memory against GDCM. Run: npx tsx bench/dicom-decode.ts [--runs N]
//  1. decode time of the 2128×2000 JPEG 2000 lossless DX and the 1955×1841 JPEG-LS CR, side by side with GDCM
//     (`gdcmconv --raw`, Debian libgdcm-tools) on this machine; goal ≤ 1.5× GDCM;
//  2. uncompressed files: read + parse + decode + model view, goal < 50 ms;
//  3. peak memory of one decode (fresh process, codecs warmed up) against the decoded image size; goal ≤ 3×;
//  4. start-up (issue 10, item 9): a whole `radraft inspect --json` process per file, small and large, against a
//     whole `gdcmconv --raw` process, with the machine's load average beside each figure (--startup-only for this
//     part alone, --cli OTHER/bin/radraft.cjs to time another build; needs `npm run build`).
// Figures only; nothing here is a test.
//
// Fairness notes. Time: our runs and GDCM's are interleaved (the machine is shared, so load drifts), and both wall
// and CPU time are reported; GDCM's figure includes its process start and writing the output, estimated on an
// already uncompressed file and subtracted for the "decode only" ratio. Memory: the peak is the kernel's high-water
// mark of resident memory (VmHWM), reset just before the decode through /proc/self/clear_refs, minus the resident
// size at that moment; so it counts every page the decode touches (file read, codestream copy in the WASM heap,
// codec working buffers, result) once, and nothing from before. The codec is warmed on a small file first, so the
// WASM heap pages a large image needs are counted as growth (a heap already grown by an earlier large decode would
// hide them), and OpenJPEG's pool threads are started first (once per process, like the module itself); what stays
// resident afterwards (the WASM heap never shrinks) is reported as "retained". The child
// compiles WASM eagerly (--no-liftoff) so that V8's tier-up compiler does not run during the measured decode.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeFile, renderModelView } from '../main/dicom';
import { startJpeg2000Decoder } from '../main/dicom/codecs/openjpeg';

const root = join(__dirname, '..');
/** The project's shared reference data: beside the checkout, or where RADRAFT_SHARED_DATA says (a worktree's is not). */
const shared = process.env.RADRAFT_SHARED_DATA ?? join(root, '..', 'shared', 'data');
const fixtures = join(root, 'test', 'fixtures', 'dicom');

/** Prefer the shared reference data (has the large uncompressed copies), else the test fixtures. */
function find(rel: string): string | null {
  for (const base of [shared, fixtures]) if (existsSync(join(base, rel))) return join(base, rel);
  return null;
}

const J2K = 'cxr/pydicom966_dx_pa_mono1_12bit_j2k_lossless.dcm';
const JLS = 'cxr/nema_wg04_RG1_JLSN_cr_pa_mono1_15bit.dcm';
const UNCOMPRESSED = ['cxr/nih_dx_ap_cardiomegaly_implLE_8bit.dcm', 'cxr/barre_CR-MONO1-10-chest_nometa.dcm', 'cxr-derived/pydicom966_dx_pa_mono1_12bit_explicitLE.dcm'];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

interface Timing {
  wallMs: number;
  cpuMs: number | null;
}

async function runOurs(path: string): Promise<Timing> {
  const c = process.cpuUsage();
  const t = performance.now();
  await decodeFile(path);
  const wallMs = performance.now() - t;
  const cpu = process.cpuUsage(c);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** One `gdcmconv --raw`, timed from here (wall) and by bash's `times` (the child's user + system CPU). */
function runGdcm(path: string, out: string): Timing | null {
  const t = performance.now();
  const r = spawnSync('bash', ['-c', 'gdcmconv --raw "$1" "$2" || exit 3; times', 'bench', path, out], { encoding: 'utf8' });
  const wallMs = performance.now() - t;
  if (r.error || r.status !== 0) return null;
  // `times` prints the shell's user/system time, then its children's: "0m0.650s 0m0.080s".
  const last = r.stdout.trim().split('\n').pop() ?? '';
  const secs = [...last.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  return { wallMs, cpuMs: secs.length === 2 ? (secs[0] + secs[1]) * 1000 : null };
}

interface Pair {
  ours: Timing[];
  gdcm: Timing[];
}

/** Ours and GDCM's runs alternate, so a change of load on the shared machine hits both alike. */
async function timeInterleaved(path: string, runs: number, withGdcm: boolean): Promise<Pair> {
  await decodeFile(path); // warm-up: WASM instantiation, heap growth and JIT
  const dir = mkdtempSync(join(tmpdir(), 'radraft-bench-'));
  try {
    const out = join(dir, 'raw.dcm');
    const gdcmOk = withGdcm && runGdcm(path, out) !== null;
    const pair: Pair = { ours: [], gdcm: [] };
    for (let i = 0; i < runs; i++) {
      pair.ours.push(await runOurs(path));
      const g = gdcmOk ? runGdcm(path, out) : null;
      if (g) pair.gdcm.push(g);
    }
    return pair;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function medianOf(ts: Timing[], key: keyof Timing): number | null {
  const xs = ts.map((t) => t[key]).filter((x): x is number => x !== null);
  return xs.length ? median(xs) : null;
}

function gdcmOverhead(runs: number): Timing | null {
  const noop = find('cxr-derived/pydicom966_dx_pa_mono1_12bit_explicitLE.dcm');
  if (!noop) return null;
  const dir = mkdtempSync(join(tmpdir(), 'radraft-bench-'));
  try {
    const ts: Timing[] = [];
    for (let i = 0; i < runs; i++) {
      const g = runGdcm(noop, join(dir, 'raw.dcm'));
      if (!g) return null;
      ts.push(g);
    }
    return { wallMs: medianOf(ts, 'wallMs') ?? 0, cpuMs: medianOf(ts, 'cpuMs') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function procStatus(field: 'VmHWM' | 'VmRSS'): number | null {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Resets the kernel's peak-RSS mark to the current RSS (Linux ≥ 4.0); false where that is not possible. */
function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

function peakRss(): number {
  return procStatus('VmHWM') ?? process.resourceUsage().maxRSS * 1024;
}

/**
 * Child mode: decode one file in a fresh process and report the peak RSS growth over the warmed-up baseline,
 * for the decode alone and then with the model view rendered too, and what stays resident after a GC.
 */
async function child(path: string, warm: string): Promise<void> {
  const warmed = await decodeFile(warm);
  renderModelView(warmed); // instantiate the same codec and JIT the loops so they are not counted
  // The warm-up image is small, so OpenJPEG's pool threads (started once per process, for the first image of
  // 1 Mpixel or more) are started here too: they are the decoder's start, not the decode's memory.
  if (/^1\.2\.840\.10008\.1\.2\.4\.9[01]$/.test(warmed.header.transferSyntaxUid)) await startJpeg2000Decoder();
  globalThis.gc?.();
  const exact = resetPeakRss();
  const before = exact ? (procStatus('VmRSS') ?? 0) : Math.max(process.resourceUsage().maxRSS * 1024, process.memoryUsage().rss);
  const d = await decodeFile(path);
  const afterDecode = peakRss();
  const view = renderModelView(d);
  const afterView = peakRss();
  globalThis.gc?.();
  const retained = (procStatus('VmRSS') ?? process.memoryUsage().rss) - before;
  process.stdout.write(
    JSON.stringify({ decodeGrowth: afterDecode - before, viewGrowth: afterView - before, retained, decodedBytes: d.pixels.byteLength, exact, keep: view.data.length > 0 }),
  );
}

/** GDCM's own peak RSS growth for the same file (GNU time's %M, over a 440² uncompressed file as baseline). */
function gdcmPeakRss(path: string): number | null {
  const dir = mkdtempSync(join(tmpdir(), 'radraft-bench-'));
  try {
    const run = (p: string): number | null => {
      const r = spawnSync('/usr/bin/time', ['-f', '%M', 'gdcmconv', '--raw', p, join(dir, 'raw.dcm')], { encoding: 'utf8' });
      const kb = Number(r.stderr?.trim().split('\n').pop());
      return r.status === 0 && Number.isFinite(kb) ? kb * 1024 : null;
    };
    const small = find('cxr/barre_CR-MONO1-10-chest_nometa.dcm');
    const base = small ? run(small) : null;
    const peak = run(path);
    return base !== null && peak !== null ? peak - base : null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Small files (where start-up is everything) and the two large radiographs, for the start-up comparison. */
const STARTUP = [
  'pydicom-test-files/JPEG2000.dcm',
  'pydicom-test-files/MR_small.dcm',
  'pydicom-test-files/MR_small_jpeg_ls_lossless.dcm',
  'pydicom-test-files/SC_rgb_jpeg_dcmtk.dcm',
  J2K,
  JLS,
];

function wallOf(command: string, args: string[]): number | null {
  const t = performance.now();
  const r = spawnSync(command, args, { stdio: 'ignore' });
  return r.status === 0 ? performance.now() - t : null;
}

const load = () => loadavg()[0].toFixed(1);

/** Whole processes, ours and GDCM's alternating: what a user waits for from the shell. */
function startup(runs: number, cli: string): void {
  if (!existsSync(join(cli, '..', '..', 'dist', 'cli', 'radraft.cjs'))) {
    console.log('(not built: run `npm run build` first)');
    return;
  }
  const nodeStart: number[] = [];
  for (let i = 0; i < runs; i++) nodeStart.push(wallOf(process.execPath, ['-e', '']) ?? NaN);
  console.log(`node start alone (node -e ''): ${median(nodeStart).toFixed(0)} ms [load ${load()}]`);
  const dir = mkdtempSync(join(tmpdir(), 'radraft-bench-'));
  try {
    for (const rel of STARTUP) {
      const path = find(rel);
      if (!path) continue;
      const size = readFileSync(path).length;
      const ours: number[] = [];
      const gdcm: number[] = [];
      const loadBefore = load();
      for (let i = 0; i < runs; i++) {
        const o = wallOf(process.execPath, [cli, 'inspect', '--json', path]);
        const g = wallOf('gdcmconv', ['--raw', path, join(dir, 'raw.dcm')]);
        if (o !== null) ours.push(o);
        if (g !== null) gdcm.push(g);
      }
      const o = ours.length ? median(ours) : null;
      const g = gdcm.length ? median(gdcm) : null;
      const kb = size < 1 << 20 ? `${(size / 1024).toFixed(1)} KB` : `${(size / 2 ** 20).toFixed(1)} MB`;
      console.log(
        `${rel} (${kb}): radraft inspect ${o?.toFixed(0) ?? 'failed'} ms | gdcmconv --raw ${g?.toFixed(0) ?? 'n/a'} ms` +
          (o !== null && g !== null ? ` (ratio ${(o / g).toFixed(2)}×)` : '') +
          ` [load ${loadBefore} → ${load()}]`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '5' },
      child: { type: 'string' },
      warm: { type: 'string' },
      'startup-only': { type: 'boolean' },
      // Another checkout's bin/radraft.cjs, to compare a build before and after a change on the same machine.
      cli: { type: 'string', default: join(root, 'bin', 'radraft.cjs') },
    },
  });
  if (values.child && values.warm) return child(values.child, values.warm);
  const runs = Number(values.runs);
  console.log(`# DICOM engine benchmark (${runs} runs, medians; node ${process.version}, ${process.platform}/${process.arch})\n`);
  console.log(`## Start-up: one whole process per file (runs interleaved with gdcmconv --raw; ${values.cli})`);
  startup(runs, values.cli);
  if (values['startup-only']) return;
  console.log('');

  console.log('## Compressed decode vs GDCM (runs interleaved; gdcmconv --raw = process start + read + decode + write)');
  const overhead = gdcmOverhead(runs);
  if (overhead) {
    console.log(`gdcmconv --raw on an already uncompressed 2128×2000 file (process + I/O only): ${overhead.wallMs.toFixed(0)} ms wall, ${overhead.cpuMs?.toFixed(0) ?? 'n/a'} ms CPU`);
  }
  for (const rel of [J2K, JLS]) {
    const path = find(rel);
    if (!path) {
      console.log(`${rel}: not found`);
      continue;
    }
    const { ours, gdcm } = await timeInterleaved(path, runs, true);
    for (const key of ['wallMs', 'cpuMs'] as const) {
      const o = medianOf(ours, key);
      const g = medianOf(gdcm, key);
      const oh = overhead?.[key] ?? null;
      const label = key === 'wallMs' ? 'wall' : 'CPU ';
      const gd = g !== null && oh !== null ? Math.max(1, g - oh) : null;
      console.log(
        `${rel} [${label}]: radraft ${o?.toFixed(0) ?? 'n/a'} ms | gdcmconv ${g === null || o === null ? 'n/a' : `${g.toFixed(0)} ms (ratio ${(o / g).toFixed(2)}×)`}` +
          (gd !== null && o !== null ? ` | gdcm decode only ≈ ${gd.toFixed(0)} ms (ratio ${(o / gd).toFixed(2)}×)` : ''),
      );
    }
  }

  console.log('\n## Uncompressed: read + parse + decode + model view (goal < 50 ms)');
  for (const rel of UNCOMPRESSED) {
    const path = find(rel);
    if (!path) continue;
    renderModelView(await decodeFile(path));
    const times: number[] = [];
    for (let i = 0; i < Math.max(runs, 5); i++) {
      const t = performance.now();
      renderModelView(await decodeFile(path));
      times.push(performance.now() - t);
    }
    const d = await decodeFile(path);
    console.log(`${rel} (${d.columns}×${d.rows}, ${d.dtype}): ${median(times).toFixed(1)} ms`);
  }

  const children = 3;
  console.log(`\n## Peak memory (${children} fresh processes per file, medians; codec warmed up on a small file; goal ≤ 3× decoded size)`);
  const warmFor: Record<string, string> = {
    [J2K]: 'cxr-derived/barre_CR-MONO1-10-chest_j2k_lossless.dcm',
    [JLS]: 'cxr-derived/barre_CR-MONO1-10-chest_jpegls_lossless.dcm',
  };
  for (const rel of [J2K, JLS, ...UNCOMPRESSED]) {
    const path = find(rel);
    const warm = find(warmFor[rel] ?? 'cxr/barre_CR-MONO1-10-chest_nometa.dcm');
    if (!path || !warm) continue;
    const results: ChildResult[] = [];
    for (let i = 0; i < children; i++) {
      // --no-liftoff: V8 compiles the codec's WASM with its optimising compiler when the module is instantiated
      // (during the warm-up) instead of tiering up in background threads during the measured decode, whose
      // compiler memory otherwise lands at random in the peak (±15 MiB run to run).
      const args = [...process.execArgv, '--expose-gc', '--no-liftoff', __filename, '--child', path, '--warm', warm];
      const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
      if (r.status !== 0) {
        console.log(`${rel}: child failed: ${r.stderr.trim().split('\n').pop()}`);
        break;
      }
      results.push(JSON.parse(r.stdout) as ChildResult);
    }
    if (results.length < children) continue;
    const { decodedBytes } = results[0];
    const exact = results.every((x) => x.exact);
    const pick = (k: 'decodeGrowth' | 'viewGrowth' | 'retained') => median(results.map((x) => x[k]));
    const growths = results.map((x) => x.decodeGrowth);
    const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB (${(n / decodedBytes).toFixed(2)}×)`;
    const ratio = (n: number) => `${(n / decodedBytes).toFixed(2)}×`;
    const gdcm = rel === J2K || rel === JLS ? gdcmPeakRss(path) : null;
    console.log(
      `${rel}: decoded ${(decodedBytes / 2 ** 20).toFixed(1)} MiB; peak RSS growth${exact ? '' : ' (approximate: no clear_refs)'}: ` +
        `decode ${mib(pick('decodeGrowth'))} [range ${ratio(Math.min(...growths))}–${ratio(Math.max(...growths))}], ` +
        `+ model view ${mib(pick('viewGrowth'))}; retained after GC ${mib(pick('retained'))}` +
        (gdcm !== null ? `; gdcmconv peak RSS growth ${mib(gdcm)}` : ''),
    );
  }
}

interface ChildResult {
  decodeGrowth: number;
  viewGrowth: number;
  retained: number;
  decodedBytes: number;
  exact: boolean;
}

void main();
