// What the open benches share (bench/open-hostile.ts, bench/open-archives.ts): the files they open, made in a child
// process so that building them leaves this process's heap and high-water mark alone; the real services, as the app
// and the e2e harness build them (workers from dist/workers), on a scratch folder; and the figures that say how
// loaded the machine was.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServices, type Services } from '../main/services';
import { ROOT } from '../test/e2e/harness/server';
import { probeEventLoop } from './probes';

const MIB = 1024 * 1024;

/** Runs the bench script `scriptUrl` again with `--make-files DIR ...args`; the paths it printed, one a line. */
export function makeFilesInChild(scriptUrl: string, dir: string, args: string[] = []): string[] {
  mkdirSync(dir);
  const made = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(scriptUrl), '--make-files', dir, ...args], {
    encoding: 'utf8',
    maxBuffer: 16 * MIB,
  });
  if (made.status !== 0) throw new Error(`making the files failed: ${made.stderr}`);
  return made.stdout.trim().split('\n');
}

/** The app's services on `work`/userData, with no dialogs, clipboard or window to talk to. */
export async function benchServices(work: string): Promise<Services> {
  const userDataDir = join(work, 'userData');
  mkdirSync(userDataDir);
  const services = await createServices({
    userDataDir,
    samplesDir: join(ROOT, 'resources/samples'),
    modelsDir: join(work, 'models'),
    dialogs: { openFiles: async () => [], openFolder: async () => null, saveFile: async () => null, openModelFolder: async () => null },
    clipboard: { writeText: () => undefined },
    emit: () => undefined,
  });
  // As the renderer does when it starts: list the models (their manifests are parsed once, zod compiling its
  // schema then), so what is measured next is opening files, not app start-up.
  await services.handlers['models:list']({});
  return services;
}

/** The event-loop probes over 3 s of doing nothing, printed: on a shared machine the scheduler alone delays timers. */
export async function idleBaseline(): Promise<{ maxDelayMs: number; maxLateMs: number }> {
  const idle = await probeEventLoop(() => new Promise((done) => setTimeout(done, 3000)));
  console.log(`idle baseline over 3 s: longest task ${idle.longestTaskMs.toFixed(1)} ms, loop delay ${idle.maxDelayMs.toFixed(1)} ms (histogram) / ${idle.maxLateMs.toFixed(1)} ms (timer)`);
  return idle;
}

export function printLoad(): void {
  console.log(`load average (1/5/15 min): ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${availableParallelism()} cores`);
}
