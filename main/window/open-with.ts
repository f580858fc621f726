// Files handed to Radraft by the operating system ("Open with", a double-click on an associated .dcm, a drop on the
// dock icon): taken from the command line of the first or a second instance, or macOS's open-file event.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The files and folders named on a command line. `skip` leading entries are the executable (and, unpackaged, the
 * app folder); switches (Chromium adds its own to a second instance's argv) and names that do not exist are left
 * out; relative names are resolved against the launching process's folder.
 */
export function pathsFromArgv(argv: readonly string[], skip: number, cwd: string): string[] {
  return argv
    .slice(skip)
    .filter((arg) => arg.length > 0 && !arg.startsWith('-'))
    .map((arg) => resolve(cwd, arg))
    .filter((path) => {
      try {
        statSync(path);
        return true;
      } catch {
        return false;
      }
    });
}

/** Paths waiting for the window: the renderer takes them when it starts and whenever it is told more came. */
export class PendingOpens {
  private paths: string[] = [];

  constructor(private readonly notify: () => void = () => undefined) {}

  add(paths: readonly string[]): void {
    if (paths.length === 0) return;
    this.paths.push(...paths);
    this.notify();
  }

  take(): string[] {
    const taken = this.paths;
    this.paths = [];
    return taken;
  }
}
