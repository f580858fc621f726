// better-sqlite3 is a native add-on compiled for one ABI at a time: Node's (tests, CLI) or Electron's (the app).
// `node scripts/native-abi.mjs node|electron` rebuilds it for the requested runtime only when it does not load there.
import { execSync, spawnSync } from 'node:child_process';

const target = process.argv[2];
if (target !== 'node' && target !== 'electron') {
  console.error('usage: node scripts/native-abi.mjs node|electron');
  process.exit(2);
}

const probe = "const D=require('better-sqlite3'); new D(':memory:').close();";

function loadsUnder(runtime) {
  if (runtime === 'node') return spawnSync(process.execPath, ['-e', probe], { stdio: 'ignore' }).status === 0;
  // ELECTRON_RUN_AS_NODE makes the Electron binary behave as Node with Electron's ABI.
  const electron = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], { encoding: 'utf8' }).stdout;
  if (!electron) return false;
  return spawnSync(electron, ['-e', probe], { stdio: 'ignore', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } }).status === 0;
}

if (loadsUnder(target)) process.exit(0);
console.log(`better-sqlite3 does not load under ${target}; rebuilding it for ${target}…`);
execSync(target === 'node' ? 'npm rebuild better-sqlite3' : 'npx electron-builder install-app-deps', { stdio: 'inherit' });
if (!loadsUnder(target)) {
  console.error(`better-sqlite3 still does not load under ${target}. See README → Troubleshooting.`);
  process.exit(1);
}
