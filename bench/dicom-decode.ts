// DICOM engine benchmark (issue 2, item 6). Run: npx tsx bench/dicom-decode.ts [--runs N]
//  1. decode time of the 2128×2000 JPEG 2000 lossless DX and the 1955×1841 JPEG-LS CR, side by side with GDCM
//     (`gdcmconv --raw`, Debian libgdcm-tools) on this machine; goal ≤ 1.5× GDCM;
//  2. uncompressed files: read + parse + decode + model view, goal < 50 ms;
//  3. peak memory of one decode (fresh process, codecs warmed up) against the decoded image size; goal ≤ 3×.
// Figures only; nothing here is a test.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeFile, renderModelView } from '../main/dicom';

const root = join(__dirname, '..');
const shared = join(root, '..', 'shared', 'data');
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

async function timeOurs(path: string, runs: number): Promise<number> {
  await decodeFile(path); // warm-up: WASM instantiation and JIT
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await decodeFile(path);
    times.push(performance.now() - t);
  }
  return median(times);
}

function timeGdcm(path: string, runs: number): number | null {
  const dir = mkdtempSync(join(tmpdir(), 'radraft-bench-'));
  try {
    const out = join(dir, 'raw.dcm');
    const probe = spawnSync('gdcmconv', ['--raw', path, out]);
    if (probe.error || probe.status !== 0) return null;
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      spawnSync('gdcmconv', ['--raw', path, out]);
      times.push(performance.now() - t);
    }
    return median(times);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Child mode: decode one file in a fresh process and report the peak RSS growth over the warmed-up baseline,
 * for the decode alone and then with the model view rendered too.
 */
async function child(path: string, warm: string): Promise<void> {
  renderModelView(await decodeFile(warm)); // instantiate the same codec and JIT the loops so they are not counted
  globalThis.gc?.();
  const before = Math.max(process.resourceUsage().maxRSS * 1024, process.memoryUsage().rss);
  const d = await decodeFile(path);
  const afterDecode = process.resourceUsage().maxRSS * 1024;
  renderModelView(d);
  const afterView = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(JSON.stringify({ decodeGrowth: afterDecode - before, viewGrowth: afterView - before, decodedBytes: d.pixels.byteLength }));
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, child: { type: 'string' }, warm: { type: 'string' } } });
  if (values.child && values.warm) return child(values.child, values.warm);
  const runs = Number(values.runs);
  console.log(`# DICOM engine benchmark (${runs} runs, medians; node ${process.version}, ${process.platform}/${process.arch})\n`);

  console.log('## Compressed decode vs GDCM (gdcmconv --raw: process start + read + decode + write)');
  const noop = find('cxr-derived/pydicom966_dx_pa_mono1_12bit_explicitLE.dcm');
  const gdcmOverhead = noop ? timeGdcm(noop, runs) : null;
  if (gdcmOverhead !== null) console.log(`gdcmconv --raw on an already uncompressed 2128×2000 file (process + I/O only): ${gdcmOverhead.toFixed(0)} ms`);
  for (const rel of [J2K, JLS]) {
    const path = find(rel);
    if (!path) {
      console.log(`${rel}: not found`);
      continue;
    }
    const ours = await timeOurs(path, runs);
    const gdcm = timeGdcm(path, runs);
    const gdcmDecode = gdcm !== null && gdcmOverhead !== null ? Math.max(1, gdcm - gdcmOverhead) : null;
    console.log(
      `${rel}: radraft ${ours.toFixed(0)} ms | gdcmconv ${gdcm === null ? 'n/a' : `${gdcm.toFixed(0)} ms (ratio ${(ours / gdcm).toFixed(2)}×)`}` +
        (gdcmDecode !== null ? ` | gdcm decode only ≈ ${gdcmDecode.toFixed(0)} ms (ratio ${(ours / gdcmDecode).toFixed(2)}×)` : ''),
    );
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

  console.log('\n## Peak memory (fresh process per file, codec warmed up on a small file; goal ≤ 3× decoded size)');
  const warmFor: Record<string, string> = {
    [J2K]: 'cxr-derived/barre_CR-MONO1-10-chest_j2k_lossless.dcm',
    [JLS]: 'cxr-derived/barre_CR-MONO1-10-chest_jpegls_lossless.dcm',
  };
  for (const rel of [J2K, JLS, ...UNCOMPRESSED]) {
    const path = find(rel);
    const warm = find(warmFor[rel] ?? 'cxr/barre_CR-MONO1-10-chest_nometa.dcm');
    if (!path || !warm) continue;
    const r = spawnSync(process.execPath, [...process.execArgv, '--expose-gc', __filename, '--child', path, '--warm', warm], { encoding: 'utf8' });
    if (r.status !== 0) {
      console.log(`${rel}: child failed: ${r.stderr.trim().split('\n').pop()}`);
      continue;
    }
    const { decodeGrowth, viewGrowth, decodedBytes } = JSON.parse(r.stdout) as { decodeGrowth: number; viewGrowth: number; decodedBytes: number };
    const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB (${(n / decodedBytes).toFixed(2)}×)`;
    console.log(`${rel}: decoded ${(decodedBytes / 2 ** 20).toFixed(1)} MiB; peak RSS growth: decode ${mib(decodeGrowth)}, + model view ${mib(viewGrowth)}`);
  }
}

void main();
