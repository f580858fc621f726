// Background drafts run below the app in the operating system's scheduler, so the clinician's screen stays smooth.
// Linux: the calling thread's nice value is raised (setpriority on its thread id, found through /proc/thread-self);
// onnxruntime's intra-op threads, created afterwards by this thread, inherit it. Elsewhere there is no per-thread
// call Node offers, so only the thread budget applies (docs/pacs.md).
import { readlinkSync } from 'node:fs';
import { setPriority, constants } from 'node:os';

/** Nice value of background inference: "below normal" (10), above idle-only (19). */
export const BACKGROUND_NICE = constants.priority.PRIORITY_BELOW_NORMAL;

/** Lowers the calling thread's scheduling priority; answers whether it could. */
export function lowerThisThreadPriority(nice = BACKGROUND_NICE): boolean {
  if (process.platform !== 'linux') return false;
  try {
    // "/proc/thread-self" → "<pid>/task/<tid>"
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return false;
    setPriority(tid, nice);
    return true;
  } catch {
    return false;
  }
}
