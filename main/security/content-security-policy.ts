// The Content-Security-Policy sent with every page and asset of the renderer (app:// protocol handler).
// 'self' is app://radraft. No remote origins, no eval, no plugins, no framing.
export interface CspOptions {
  /** Extra origins fetch/XHR may reach; only the e2e HTTP transport needs one (its own loopback origin). */
  connectSrc?: readonly string[];
}

export function contentSecurityPolicy(options: CspOptions = {}): string {
  const directives: Record<string, string[]> = {
    'default-src': ["'none'"],
    'script-src': ["'self'"],
    // Svelte's compiled CSS is a file; style properties set through CSSOM are not affected by CSP.
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'", ...(options.connectSrc ?? [])],
    'worker-src': ["'self'", 'blob:'],
    'object-src': ["'none'"],
    'frame-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
    'frame-ancestors': ["'none'"],
  };
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}
