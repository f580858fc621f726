// Packages the app for Linux as a `dir` build against a stub Electron (the real binary cannot be downloaded here)
// and checks that app.asar holds what the app needs and nothing it should not.
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractFile, listPackage, statFile } from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { WORKER_NAMES } from '../../../main/workers/bundled-worker';

const ROOT = join(__dirname, '../../..');
let work: string;
let appDir: string;
let asarPath: string;
let entries: string[];

/** Where Electron's fuse wire starts in its binary, and the two states a fuse has (@electron/fuses' constants). */
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const FUSE_STATE: Record<number, string> = { 48: 'DISABLE', 49: 'ENABLE' };

/**
 * Electron's own fuse wire, as the real binary carries it: the sentinel, wire version 1, 8 fuses, and their default
 * states (RunAsNode, NodeOptions, NodeCliInspect and file:// privileges on; the rest off).
 */
const DEFAULT_WIRE = Buffer.concat([Buffer.from(SENTINEL), Buffer.from([1, 8]), Buffer.from('10110001')]);

/** A stub Electron distribution: the executable (carrying the fuse wire) and locale files electron-builder copies. */
function stubElectron(dir: string, executable: string): string {
  mkdirSync(join(dir, 'locales'), { recursive: true });
  writeFileSync(join(dir, executable), Buffer.concat([Buffer.from('#!/bin/sh\necho "stub electron"\nexit 0\n# '), DEFAULT_WIRE, Buffer.from('\n')]));
  chmodSync(join(dir, executable), 0o755);
  for (const locale of ['en-US', 'de', 'fr']) writeFileSync(join(dir, 'locales', `${locale}.pak`), '');
  return dir;
}

/** Packs a `dir` build; returns the unpacked app folder. */
function pack(args: string[], stub: string, out: string, tolerate?: RegExp): string {
  try {
    execFileSync(
      join(ROOT, 'node_modules/.bin/electron-builder'),
      [...args, '--dir', '--config', 'electron-builder.yml', `-c.electronDist=${stub}`, '-c.npmRebuild=false', `-c.directories.output=${out}`],
      { cwd: ROOT, stdio: 'pipe', timeout: 240_000, env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1', CI: 'true' } },
    );
  } catch (error) {
    const e = error as { stdout?: Buffer; stderr?: Buffer; message?: string };
    const output = `${e.message ?? ''}\n${String(e.stdout ?? '')}\n${String(e.stderr ?? '')}`;
    if (!tolerate || !tolerate.test(output)) throw new Error(`electron-builder failed:\n${output.slice(-3000)}`);
  }
  const unpacked = readdirSync(out).find((d) => d.endsWith('-unpacked'));
  if (!unpacked) throw new Error(`no *-unpacked folder in ${out}`);
  return join(out, unpacked);
}

const listAsar = (path: string): string[] => listPackage(path, { isPack: false }).map((e) => e.replaceAll('\\', '/'));
const nativeBinaries = (list: string[]): string[] => list.filter((e) => /\.(node|so[.\d]*|dll|dylib)$/.test(e));

let arm64Entries: string[];
let winEntries: string[];

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist/main/index.cjs'))) execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: 'pipe' });
  work = mkdtempSync(join(tmpdir(), 'radraft-pack-'));
  const linuxStub = stubElectron(join(work, 'stub-linux'), 'electron');
  appDir = pack(['--linux', '--x64'], linuxStub, join(work, 'out-linux-x64'));
  asarPath = join(appDir, 'resources/app.asar');
  entries = listAsar(asarPath);
  arm64Entries = listAsar(join(pack(['--linux', '--arm64'], linuxStub, join(work, 'out-linux-arm64')), 'resources/app.asar'));
  // A Windows build writes app.asar and then embeds its hash into the (here fake) Radraft.exe, which needs a real PE
  // file: that last step fails against the stub, after the archive we inspect is complete.
  const winStub = stubElectron(join(work, 'stub-win'), 'electron.exe');
  winEntries = listAsar(join(pack(['--win', '--x64', '-c.win.signAndEditExecutable=false'], winStub, join(work, 'out-win-x64'), /addWinAsarIntegrity|pe-library/), 'resources/app.asar'));
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

const has = (path: string): boolean => entries.includes(path);
const unpackedOnDisk = (path: string): boolean => existsSync(join(appDir, 'resources/app.asar.unpacked', path));

describe('packaged app (linux x64, dir)', () => {
  it('contains the built app and its entry points', () => {
    const pkg = JSON.parse(extractFile(asarPath, 'package.json').toString('utf8')) as { main: string };
    expect(pkg.main).toBe('dist/main/index.cjs');
    for (const path of ['/package.json', '/dist/main/index.cjs', '/dist/main/preload.cjs', '/dist/renderer/index.html']) expect(has(path), path).toBe(true);
    const workers = readdirSync(join(ROOT, 'dist/workers')).filter((f) => f.endsWith('.cjs'));
    expect(workers.sort()).toEqual(WORKER_NAMES.map((name) => `${name}.cjs`).sort());
    // Where main/workers/bundled-worker.ts looks from dist/main: workers run from inside app.asar.
    for (const worker of workers) expect(has(`/dist/workers/${worker}`), worker).toBe(true);
  });

  it('flips the Electron fuses: no Node mode, no NODE_OPTIONS, no inspector, only the integrity-checked app.asar', async () => {
    const wire = await getCurrentFuseWire(join(appDir, 'radraft'));
    const state = (fuse: FuseV1Options): string => FUSE_STATE[wire[fuse] as number] ?? `unknown (${String(wire[fuse])})`;
    expect({
      runAsNode: state(FuseV1Options.RunAsNode),
      cookieEncryption: state(FuseV1Options.EnableCookieEncryption),
      nodeOptions: state(FuseV1Options.EnableNodeOptionsEnvironmentVariable),
      nodeCliInspect: state(FuseV1Options.EnableNodeCliInspectArguments),
      asarIntegrity: state(FuseV1Options.EnableEmbeddedAsarIntegrityValidation),
      onlyAsar: state(FuseV1Options.OnlyLoadAppFromAsar),
      browserV8Snapshot: state(FuseV1Options.LoadBrowserProcessSpecificV8Snapshot),
      fileProtocolPrivileges: state(FuseV1Options.GrantFileProtocolExtraPrivileges),
    }).toEqual({
      runAsNode: 'DISABLE',
      cookieEncryption: 'DISABLE',
      nodeOptions: 'DISABLE',
      nodeCliInspect: 'DISABLE',
      asarIntegrity: 'ENABLE',
      onlyAsar: 'ENABLE',
      browserV8Snapshot: 'DISABLE',
      fileProtocolPrivileges: 'DISABLE',
    });
    // The stub started with Electron's defaults: the build flipped them.
    expect(readFileSync(join(appDir, 'radraft')).includes(DEFAULT_WIRE)).toBe(false);
  });

  it('with only app.asar loaded, finds beside it everything that cannot run from inside it', () => {
    // No app folder that Electron would otherwise fall back to.
    expect(existsSync(join(appDir, 'resources/app'))).toBe(false);
    const unpacked = entries.filter((e) => (statFile(asarPath, e.slice(1)) as { unpacked?: boolean }).unpacked === true);
    expect(unpacked.length).toBeGreaterThan(0);
    for (const e of unpacked) expect(unpackedOnDisk(e.slice(1)), e).toBe(true);
  });

  it('contains every production dependency and none of the development ones', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    for (const dep of Object.keys(pkg.dependencies)) expect(has(`/node_modules/${dep}/package.json`), dep).toBe(true);
    for (const dep of Object.keys(pkg.devDependencies)) expect(has(`/node_modules/${dep}`), dep).toBe(false);
  });

  it('unpacks native add-ons from the asar, with only this platform\'s onnxruntime binaries', () => {
    for (const native of ['node_modules/better-sqlite3/build/Release/better_sqlite3.node', 'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node', 'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1']) {
      expect(statFile(asarPath, native), native).toMatchObject({ unpacked: true });
      expect(unpackedOnDisk(native), native).toBe(true);
    }
    const ortBinaries = entries.filter((e) => e.startsWith('/node_modules/onnxruntime-node/bin/napi-v6/') && /\.(node|so[.\d]*|dll|dylib)$/.test(e));
    expect(ortBinaries.length).toBeGreaterThan(0);
    for (const e of ortBinaries) expect(e, 'other platform binary').toMatch(/\/linux\/x64\//);
    expect(entries.some((e) => /\.(dll|dylib)$/.test(e))).toBe(false);
  });

  it('unpacks the JPEG 2000 decoder, whose pthread workers start from files', () => {
    for (const file of ['openjpeg.js', 'openjpeg.wasm', 'openjpeg.worker.js']) {
      const path = `dist/codecs/openjpeg/${file}`;
      expect(statFile(asarPath, path), path).toMatchObject({ unpacked: true });
      expect(unpackedOnDisk(path), path).toBe(true);
    }
    expect(entries.filter((e) => /\/dist\/codecs\/openjpeg\/.*\.(c|sh)$/.test(e))).toEqual([]);
  });

  it('ships only the target\'s onnxruntime binaries for other targets too (linux arm64, windows x64)', () => {
    const ort = (list: string[]) => nativeBinaries(list).filter((e) => e.includes('/onnxruntime-node/'));
    expect(ort(arm64Entries).sort()).toEqual([
      '/node_modules/onnxruntime-node/bin/napi-v6/linux/arm64/libonnxruntime.so.1',
      '/node_modules/onnxruntime-node/bin/napi-v6/linux/arm64/onnxruntime_binding.node',
    ]);
    const win = ort(winEntries);
    expect(win).toContain('/node_modules/onnxruntime-node/bin/napi-v6/win32/x64/onnxruntime_binding.node');
    expect(win).toContain('/node_modules/onnxruntime-node/bin/napi-v6/win32/x64/onnxruntime.dll');
    for (const e of win) expect(e).toMatch(/\/win32\/x64\//);
    // The platform sections must not widen what is packed.
    expect(winEntries.filter((e) => /^\/(test|main|models|renderer|app)\//.test(e))).toEqual([]);
    expect(winEntries).toContain('/dist/main/index.cjs');
  });

  it('leaves out sources, tests, fixtures, benchmarks, source maps and build leftovers', () => {
    const forbidden = [
      /^\/(test|bench|scripts|app|main|models|renderer|resources|\.ci|\.git)\//,
      /\/fixtures?\//,
      /\.(ts|mts|map)$/,
      /^\/node_modules\/better-sqlite3\/(deps|src)\//,
      /^\/node_modules\/better-sqlite3\/build\/Release\/(obj|obj\.target)\//,
      /^\/node_modules\/@types\//,
      /^\/node_modules\/@rollup\//,
      /^\/(tsconfig\.json|vitest\.config\.\w+|eslint\.config\.mjs|electron-builder\.yml|package-lock\.json)$/,
    ];
    const bad = entries.filter((e) => forbidden.some((re) => re.test(e)) && !e.endsWith('.d.ts'));
    expect(bad).toEqual([]);
  });

  it('ships the sample studies and the demo model beside the asar, with their provenance', () => {
    const samples = readdirSync(join(appDir, 'resources/samples'));
    expect(samples).toContain('PROVENANCE.md');
    expect(samples.filter((f) => f.endsWith('.dcm')).length).toBeGreaterThanOrEqual(3);
    expect(readdirSync(join(appDir, 'resources/models/demo-checkpoint')).sort()).toEqual(
      ['PROVENANCE.md', 'config.json', 'generation_config.json', 'model.safetensors', 'preprocessor_config.json', 'radraft_generation_defaults.json', 'tokenizer.json'].sort(),
    );
    expect(readdirSync(join(appDir, 'locales'))).toEqual(['en-US.pak']);
  });
});
