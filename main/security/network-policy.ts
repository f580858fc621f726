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

// ---------------------------------------------------------------- the main process's own connections
// Chromium's requests are filtered above; the main process opens sockets only for PACS work, and every one of them is
// decided here first (main/pacs/network-gate.ts): a connection goes to the PACS node the clinician configured (or is
// configuring and testing) for that very operation, to its DICOM address or its DICOMweb origin, and nowhere else.

/** Where one PACS node may be reached: its DIMSE host:port and, if it has one, its DICOMweb URL's host:port. */
export interface NodePeers {
  dimse: { host: string; port: number };
  dicomWeb: string | null;
}

/** Host names compare case-insensitively, IPv6 literals without brackets. */
function sameHost(a: string, b: string): boolean {
  const norm = (h: string): string => h.trim().replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return norm(a) === norm(b);
}

export function decideConnection(host: string, port: number, node: NodePeers): RequestDecision {
  if (sameHost(host, node.dimse.host) && port === node.dimse.port) return { cancel: false, reason: 'the PACS node\'s DICOM port' };
  if (node.dicomWeb) {
    let url: URL | null = null;
    try {
      url = new URL(node.dicomWeb);
    } catch {
      url = null;
    }
    if (url && (url.protocol === 'http:' || url.protocol === 'https:')) {
      const webPort = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
      if (sameHost(host, url.hostname) && port === webPort) return { cancel: false, reason: 'the PACS node\'s DICOMweb server' };
    }
  }
  return { cancel: true, reason: `${host}:${port} is not this PACS node's address` };
}
