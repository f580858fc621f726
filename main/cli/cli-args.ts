// What every `radraft` subcommand does with its command line: node:util's parseArgs, and on a mistake one line that
// says what was wrong, then the usage, on stderr (exit code 2).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './command';

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The parsed command line, or null once `radraft COMMAND: what was wrong` and the usage are written to stderr. */
export function parseCliArgs<T extends ParseArgsConfig>(command: string, usage: string, config: T, stderr: (text: string) => void): ReturnType<typeof parseArgs<T>> | null {
  try {
    return parseArgs(config);
  } catch (error) {
    stderr(`radraft ${command}: ${errorMessage(error)}\n${usage}\n`);
    return null;
  }
}

/** A whole-number option (--threads, --max-tokens, …): undefined when not given, a UsageError when not a whole number ≥ min. */
export function wholeNumberOption(value: string | undefined, name: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${name} must be a whole number ≥ ${min}, got ${value}`);
  return n;
}
