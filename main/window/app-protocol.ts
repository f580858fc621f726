// Serves dist/renderer over app://radraft/ with the CSP header on every response.
import { readFile } from 'node:fs/promises';
import type { Protocol } from 'electron';
import { resolveAppFile } from '../security/app-files';
import { contentSecurityPolicy } from '../security/content-security-policy';
import { APP_SCHEME } from '../security/origin';

/** Must run before app 'ready': a standard, secure scheme gets an origin and secure-context APIs. */
export function registerAppScheme(protocol: Protocol): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

export function serveRenderer(protocol: Protocol, rendererDir: string): void {
  const csp = contentSecurityPolicy();
  protocol.handle(APP_SCHEME, async (request) => {
    const headers = { 'content-security-policy': csp, 'x-content-type-options': 'nosniff' };
    const file = request.method === 'GET' ? resolveAppFile(request.url, rendererDir) : null;
    if (!file) return new Response('Not found', { status: 404, headers });
    try {
      const body = await readFile(file.filePath);
      return new Response(body, { status: 200, headers: { ...headers, 'content-type': file.mimeType } });
    } catch {
      return new Response('Not found', { status: 404, headers });
    }
  });
}
