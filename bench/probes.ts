// What the open benches measure (bench/open-hostile.ts, bench/open-archives.ts): the process's resident memory and
// how long the main thread's event loop is kept from running.
//
// Memory: the kernel's high-water mark of the process (VmHWM, all threads: the decode workers are threads of this
// process), reset by the caller through /proc/self/clear_refs. Event loop, three ways: the longest stretch of the
// main thread's CPU profile (1 ms samples, node:inspector) with no idle sample in it, i.e. the longest task the loop
// ran; perf_hooks.monitorEventLoopDelay (10 ms resolution); and a 5 ms timer's worst lateness. The last two also
// count time the OS did not run the process at all: on a loaded machine, run them over idling first for the floor.
import { Session } from 'node:inspector/promises';
import type { Profiler } from 'node:inspector';
import { readFileSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

export function procStatus(field: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'));
  if (!m) throw new Error(`/proc/self/status has no ${field} (this bench needs Linux)`);
  return Number(m[1]) * 1024;
}

/** Sampling interval of the CPU profile, µs. */
const SAMPLE_US = 1000;

/**
 * The longest run of consecutive non-idle samples in a CPU profile: the longest task the thread ran, in ms of wall
 * time, and roughly how much of it the thread ran on a CPU (samples × interval: a sample is taken only when the
 * profiler's thread and the main thread get a core, so on a loaded machine a task's wall time stretches, this less).
 */
function longestTask(profile: Profiler.Profile): { wallMs: number; cpuMs: number } {
  const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let longest = { wallMs: 0, cpuMs: 0 };
  let run = 0;
  let count = 0;
  for (let i = 0; i < samples.length; i++) {
    if (idle.has(samples[i])) {
      run = 0;
      count = 0;
    } else {
      run += i + 1 < deltas.length ? deltas[i + 1] : 0;
      count++;
      if (run / 1000 > longest.wallMs) longest = { wallMs: run / 1000, cpuMs: (count * SAMPLE_US) / 1000 };
    }
  }
  return longest;
}

export interface Probed<T> {
  value: T;
  maxDelayMs: number;
  maxLateMs: number;
  longestTaskMs: number;
  longestTaskCpuMs: number;
}

/** Runs `work` while the probes watch the event loop; their worst delays in ms. */
export async function probeEventLoop<T>(work: () => Promise<T>): Promise<Probed<T>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: SAMPLE_US });
  await session.post('Profiler.start');
  // Idle first, so starting the profiler (a task of its own) is not counted with the work's first task.
  await new Promise((done) => setTimeout(done, 50));
  const delay = monitorEventLoopDelay({ resolution: 10 });
  let last = performance.now();
  let maxLateMs = 0;
  const probe = setInterval(() => {
    const now = performance.now();
    maxLateMs = Math.max(maxLateMs, now - last - 5);
    last = now;
  }, 5);
  delay.enable();
  try {
    const value = await work();
    // One more probe period, so a block at the very end is seen too.
    await new Promise((done) => setTimeout(done, 20));
    const { profile } = await session.post('Profiler.stop');
    const task = longestTask(profile);
    return { value, maxDelayMs: delay.max / 1e6, maxLateMs, longestTaskMs: task.wallMs, longestTaskCpuMs: task.cpuMs };
  } finally {
    delay.disable();
    clearInterval(probe);
    session.disconnect();
  }
}

/**
 * Runs `work` under the event-loop probes with the memory high-water mark reset first (after a full GC when `gc` is
 * set and node runs with --expose-gc): its wall time, the resident memory before and the peak during it.
 */
export async function measure<T>(
  work: () => Promise<T>,
  options: { gc?: boolean } = {},
): Promise<Probed<T> & { wallMs: number; rssBefore: number; peakRss: number }> {
  if (options.gc) global.gc?.();
  writeFileSync('/proc/self/clear_refs', '5');
  const rssBefore = procStatus('VmRSS');
  let wallMs = 0;
  const probed = await probeEventLoop(async () => {
    const started = performance.now();
    const value = await work();
    wallMs = performance.now() - started;
    return value;
  });
  return { ...probed, wallMs, rssBefore, peakRss: procStatus('VmHWM') };
}
