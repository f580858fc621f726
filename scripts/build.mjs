// Builds every runnable part: Electron main, preload, Node workers, the CLI (esbuild) and the renderer (Vite).
// Dependencies stay external: they are resolved from node_modules at run time (and packed by electron-builder).
import { build } from 'esbuild';
import { build as viteBuild } from 'vite';
import { existsSync, readdirSync, rmSync } from 'node:fs';
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

if (existsSync(join(root, 'renderer/index.html'))) {
  await viteBuild({ configFile: join(root, 'renderer/vite.config.ts'), logLevel: 'warn' });
}
console.log('build: ok');
