// Maps app://radraft/<path> to a file inside the bundled renderer folder, refusing anything that escapes it.
import { extname, resolve, sep } from 'node:path';
import { isAppUrl } from './origin';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

export interface AppFile {
  filePath: string;
  mimeType: string;
}

/** null when the URL is not ours or points outside `rootDir` (encoded `..`, absolute paths, backslashes). */
export function resolveAppFile(url: string, rootDir: string): AppFile | null {
  if (!isAppUrl(url)) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(url).pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  const relative = pathname === '/' || pathname === '' ? 'index.html' : pathname.replace(/^\/+/, '');
  const root = resolve(rootDir);
  const filePath = resolve(root, relative);
  if (filePath !== root && !filePath.startsWith(root + sep)) return null;
  return { filePath, mimeType: MIME[extname(filePath).toLowerCase()] ?? 'application/octet-stream' };
}
