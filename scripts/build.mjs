// Builds every runnable part: Electron main, preload, Node workers, the CLI (esbuild) and the renderer (Vite).
// Dependencies stay external: they are resolved from node_modules at run time (and packed by electron-builder).
import { build } from 'esbuild';
import { build as viteBuild } from 'vite';
import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join, basename } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const out = join(root, 'dist');
rmSync(out, { recursive: true, force: true });

/** Every `*.worker.ts` under main/ and models/ becomes dist/workers/NAME.cjs. */
function workerEntries() {
  const found = {};
  for (const dir of ['main', 'models']) {
    const walk = (d) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.worker.ts')) found[`workers/${basename(e.name, '.ts')}`] = p;
      }
    };
    if (existsSync(join(root, dir))) walk(join(root, dir));
  }
  return found;
}

const entryPoints = {
  'main/index': join(root, 'main/index.ts'),
  'main/preload': join(root, 'main/preload.ts'),
  'cli/radraft': join(root, 'main/cli/radraft.ts'),
  ...workerEntries(),
};
for (const [name, file] of Object.entries(entryPoints)) {
  if (!existsSync(file)) delete entryPoints[name];
}

await build({
  entryPoints,
  outdir: out,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});

// Our OpenJPEG WASM build is loaded from files at run time (its pthread workers start from openjpeg.worker.js).
cpSync(join(root, 'main/dicom/codecs/openjpeg'), join(out, 'codecs/openjpeg'), { recursive: true, filter: (p) => !/\.(c|sh)$/.test(p) });

// The PDF export embeds these fonts (read from files at run time by the export worker and the CLI).
cpSync(join(root, 'main/export/pdf/fonts'), join(out, 'fonts'), { recursive: true });

if (existsSync(join(root, 'renderer/index.html'))) {
  await viteBuild({ configFile: join(root, 'renderer/vite.config.ts'), logLevel: 'warn' });
}
// The demo model ships as a Hugging Face checkpoint and is imported here ("imported when building"), so the app and
// `radraft draft` without --model work out of the box; the registry falls back to a first-run import otherwise.
const demoCheckpoint = join(root, 'resources/models/demo-checkpoint');
const demoModel = join(root, 'resources/models/demo');
if (existsSync(join(demoCheckpoint, 'config.json'))) {
  rmSync(demoModel, { recursive: true, force: true });
  execFileSync(process.execPath, [join(out, 'cli/radraft.cjs'), 'import-model', demoCheckpoint, '--out', demoModel, '--dtype', 'fp32', '--name', 'Radraft tiny demo (not for clinical use)'], { stdio: ['ignore', 'ignore', 'inherit'] });
}
console.log('build: ok');
