export interface CliCommand {
  /** Returns the process exit code. Writes results to stdout, one-line errors to stderr. */
  run(args: string[]): Promise<number>;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

/** Where a command writes: the process's streams from the CLI, collected text in tests. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env?: NodeJS.ProcessEnv;
}

export function processIo(): CliIo {
  return { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };
}

/** Runs `body` with a signal that Ctrl-C aborts while it runs, so a long command stops cleanly instead of dying. */
export async function abortOnSigint(body: (signal: AbortSignal) => Promise<number>): Promise<number> {
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    return await body(controller.signal);
  } finally {
    process.off('SIGINT', onSigint);
  }
}
