// onnxruntime's telemetry, switched off for the whole process before onnxruntime-node can initialise.
//
// onnxruntime-node's Linux and macOS libraries (1.30) carry Microsoft's 1DS telemetry client. When the first
// session is created it writes a device id and an event database under
// $XDG_CACHE_HOME (or ~/.cache)/Microsoft/DeveloperTools/.onnxruntime/, a debug log and a session file in $TMPDIR, and
// resolves its collector (mobile.events.data.microsoft.com) every few seconds to upload model file names, graph
// names, OS, CPU and memory figures. The library reads ORT_DISABLE_TELEMETRY=1 from the C environment (getenv) when it
// initialises and then creates none of it (docs/paligemma-engine.md, "No telemetry", shows how this is tested).
//
// Only the main thread of a process can change that environment: a worker thread's `process.env` is a private copy
// unless the worker was started with `env: SHARE_ENV` (main/workers/start-worker.ts does), so setting it inside an
// ordinary worker silences nothing. Hence: the main thread sets it; a worker refuses to go on without it.
import { isMainThread } from 'node:worker_threads';
import { OrtTelemetryError } from './errors';

export const ORT_TELEMETRY_SWITCH = 'ORT_DISABLE_TELEMETRY';

/** Switches onnxruntime's telemetry off for this process (main thread), or checks that it is off (worker thread). */
export function disableOrtTelemetry(): void {
  if (isMainThread) {
    // Unconditionally: an inherited ORT_DISABLE_TELEMETRY=0 must not turn it back on.
    process.env[ORT_TELEMETRY_SWITCH] = '1';
    return;
  }
  if (process.env[ORT_TELEMETRY_SWITCH] !== '1') {
    throw new OrtTelemetryError(
      `onnxruntime cannot be loaded in this worker: its telemetry is not switched off for the process (${ORT_TELEMETRY_SWITCH}=1). Start workers with main/workers/start-worker.ts.`,
    );
  }
}

// On import, so that importing this module before onnxruntime-node (models/engine/ort.ts) is enough.
disableOrtTelemetry();
