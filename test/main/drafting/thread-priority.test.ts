// Background drafts run below the app in the operating system's scheduler (issue 12, item 6): an inference worker
// loaded for the background lowers its own thread, and the onnxruntime threads it then creates inherit that; the
// process's main thread and a foreground worker keep the normal priority. Read from /proc (Linux).
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InferenceClient } from '../../../main/drafting/inference-client';
import { BACKGROUND_NICE } from '../../../main/drafting/thread-priority';
import type { WorkerScript } from '../../../main/workers/bundled-worker';
import { casePixels, cxrCases, importFixture } from '../../models/engine/fixtures';
import { bundleWorkers } from './bundle-workers';

/** Each thread of this process and its nice value (field 19 of /proc/self/task/TID/stat, PS: proc(5)). */
function threadNices(): Map<number, number> {
  const nices = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // After "pid (comm) ": the name may hold spaces and parentheses, so split after the last ")".
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      nices.set(Number(tid), Number(fields[16]));
    } catch {
      // The thread ended while we listed them.
    }
  }
  return nices;
}

describe.skipIf(process.platform !== 'linux')('background inference priority', () => {
  let foreground: InferenceClient;
  let background: InferenceClient | null = null;
  let worker: WorkerScript;
  let imported: { dir: string; cleanup: () => void };

  beforeAll(() => {
    imported = importFixture('tiny-paligemma2-cxr');
    worker = bundleWorkers()['inference.worker'];
    foreground = new InferenceClient(worker);
  });
  afterAll(async () => {
    await foreground?.dispose();
    await background?.dispose();
    imported?.cleanup();
  });

  it('lowers the background worker and its onnxruntime threads, and nothing else', async () => {
    // The test run's own priority (0, or higher when started under `nice`): the app's threads must keep it.
    const before = threadNices();
    const base = before.get(process.pid) ?? 0;
    expect(base, 'run the tests below nice 10 so the background can be lower').toBeLessThan(BACKGROUND_NICE);
    expect([...before.values()].every((n) => n === base)).toBe(true);
    await foreground.load(imported.dir, { threads: 2 });
    // The background worker's thread starts only now, so every thread it brings is new after this snapshot.
    const afterForeground = threadNices();
    background = new InferenceClient(worker);
    await background.load(imported.dir, { threads: 2 }, true);
    const after = threadNices();

    const newBackground = [...after].filter(([tid]) => !afterForeground.has(tid));
    const lowered = newBackground.filter(([, nice]) => nice === BACKGROUND_NICE);
    // The worker thread itself and onnxruntime's intra-op thread (a budget of 2: the caller plus one more).
    expect(lowered.length).toBeGreaterThanOrEqual(2);
    expect(after.get(process.pid)).toBe(base);
    for (const [tid] of afterForeground) if (after.has(tid)) expect(after.get(tid), `thread ${tid}`).toBe(base);

    // The lowered worker still drafts, the same as the foreground one.
    const dev00 = cxrCases()[0];
    const [a, b] = await Promise.all([
      foreground.generate({ pixelValues: casePixels(dev00, ''), prompt: dev00.prompt }),
      background.generate({ pixelValues: casePixels(dev00, ''), prompt: dev00.prompt }),
    ]);
    expect(b.ids).toEqual(a.ids);
  });
});
