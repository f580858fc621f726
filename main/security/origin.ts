// The one origin the renderer is served from. `app://radraft/` is registered as a standard, secure scheme so it
// gets a real origin (for CSP 'self') and is never confused with file:// (which would expose the disk).
export const APP_SCHEME = 'app';
export const APP_HOST = 'radraft';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** True for URLs of our own origin, parsed strictly (no prefix tricks like app://radraft.evil/). */
export function isAppUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '' && parsed.password === '';
}
