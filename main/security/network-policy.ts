// No network at runtime: every request the session makes goes through this decision (webRequest.onBeforeRequest).
// Default deny: only our own bundled origin and in-memory URLs pass.
import { APP_SCHEME, isAppUrl } from './origin';

export type RequestDecision = { cancel: boolean; reason: string };

/** Schemes that never leave the process: inline data, object URLs, and Chromium's own DevTools front-end. */
const LOCAL_SCHEMES = new Set(['data:', 'blob:', 'devtools:']);

export function decideRequest(url: string): RequestDecision {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { cancel: true, reason: 'unparseable URL' };
  }
  if (parsed.protocol === `${APP_SCHEME}:`) {
    return isAppUrl(url) ? { cancel: false, reason: 'app bundle' } : { cancel: true, reason: 'foreign app:// host' };
  }
  if (LOCAL_SCHEMES.has(parsed.protocol)) return { cancel: false, reason: 'local resource' };
  // http(s), ws(s), ftp, file and anything else: Radraft works offline and reads files only through main.
  return { cancel: true, reason: `blocked ${parsed.protocol.replace(/:$/, '')} request` };
}
