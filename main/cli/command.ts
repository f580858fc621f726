export interface CliCommand {
  /** Returns the process exit code. Writes results to stdout, one-line errors to stderr. */
  run(args: string[]): Promise<number>;
}

export class UsageError extends Error {
  override name = 'UsageError';
}
