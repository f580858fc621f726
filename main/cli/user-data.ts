// Where the app keeps its data when the CLI has no Electron to ask (Electron's app.getPath('userData')): the packaged
// app's folder is named by productName ("Radraft"); a development run (`npm start`) uses the package name ("radraft").
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DATABASE_FILE } from '../services';

export function userDataCandidates(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = homedir()): string[] {
  const base =
    platform === 'win32' ? (env.APPDATA ?? join(home, 'AppData', 'Roaming'))
    : platform === 'darwin' ? join(home, 'Library', 'Application Support')
    : (env.XDG_CONFIG_HOME ?? join(home, '.config'));
  return [join(base, 'Radraft'), join(base, 'radraft')];
}

/** The first candidate that holds a report database, else the packaged app's folder. */
export function defaultUserDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = userDataCandidates(env);
  return candidates.find((dir) => existsSync(join(dir, DATABASE_FILE))) ?? candidates[0];
}
