// Errors crossing a worker boundary. Structured clone keeps neither an error's class nor its own fields, so a worker
// posts a WireError and the main process rebuilds the typed error (revive-error.ts) that callers branch on.

/** An error as plain data: its class name, message and own string fields (a DicomError's filePath and reason). */
export interface WireError {
  name: string;
  message: string;
  fields: Record<string, string>;
}

/** An error thrown in a worker that has no typed class on this side; `workerErrorName` is the worker's name for it. */
export class WorkerError extends Error {
  override name = 'WorkerError';
  constructor(
    readonly workerErrorName: string,
    message: string,
  ) {
    super(message);
  }
}

/** The worker is missing, failed, exited or was stopped: not the input's fault, and a fresh worker may succeed. */
export class WorkerExitedError extends Error {
  override name = 'WorkerExitedError';
}

/** Worker side: whatever was thrown, as plain data. */
export function toWireError(error: unknown): WireError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), fields: {} };
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(error)) if (typeof value === 'string' && key !== 'name' && key !== 'message') fields[key] = value;
  return { name: error.name, message: error.message, fields };
}
