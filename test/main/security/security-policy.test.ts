import { describe, expect, it } from 'vitest';
import { decideConnection, decideRequest } from '../../../main/security/network-policy';
import { contentSecurityPolicy } from '../../../main/security/content-security-policy';
import { isNavigationAllowed, isPermissionGranted, windowOpenDecision } from '../../../main/security/navigation-policy';
import { isTrustedSender } from '../../../main/security/ipc-sender';
import { resolveAppFile } from '../../../main/security/app-files';
import { APP_ENTRY_URL, isAppUrl } from '../../../main/security/origin';
import { SECURE_WEB_PREFERENCES } from '../../../main/security/web-preferences';

describe('network policy (session webRequest)', () => {
  it('refuses a page trying to fetch anything on the network', () => {
    for (const url of [
      'https://example.com/api',
      'http://127.0.0.1:8080/',
      'http://localhost/',
      'ws://10.0.0.1/socket',
      'wss://telemetry.example.org/',
      'ftp://files.example.com/x',
      'file:///etc/passwd',
      'app://evil/index.html',
      'app://radraft.evil.com/x',
      'chrome-extension://abc/x',
      'not a url',
    ]) {
      expect(decideRequest(url), url).toMatchObject({ cancel: true });
    }
  });

  it('lets the bundle and in-memory resources through', () => {
    for (const url of [APP_ENTRY_URL, 'app://radraft/assets/index-abc.js', 'data:image/png;base64,AAAA', 'blob:app://radraft/1234', 'devtools://devtools/bundled/inspector.html']) {
      expect(decideRequest(url), url).toMatchObject({ cancel: false });
    }
  });
});

describe('network policy (the main process\'s own connections)', () => {
  const node = { dimse: { host: 'PACS.hospital.local', port: 104 }, dicomWeb: 'https://pacs.hospital.local/dicom-web' };
  it('lets a PACS operation reach its node\'s DICOM port and DICOMweb origin only', () => {
    expect(decideConnection('pacs.hospital.local', 104, node)).toMatchObject({ cancel: false });
    expect(decideConnection('pacs.hospital.local', 443, node)).toMatchObject({ cancel: false });
    expect(decideConnection('[::1]', 11112, { dimse: { host: '::1', port: 11112 }, dicomWeb: null })).toMatchObject({ cancel: false });
    for (const [host, port] of [
      ['pacs.hospital.local', 80],
      ['pacs.hospital.local', 4242],
      ['other.hospital.local', 104],
      ['127.0.0.1', 104],
      ['mobile.events.data.microsoft.com', 443],
    ] as const) {
      expect(decideConnection(host, port, node), `${host}:${port}`).toMatchObject({ cancel: true });
    }
    expect(decideConnection('pacs.hospital.local', 443, { ...node, dicomWeb: 'not a url' })).toMatchObject({ cancel: true });
  });
});

describe('content security policy', () => {
  const csp = contentSecurityPolicy();
  const directive = (name: string): string => csp.split('; ').find((d) => d.startsWith(name + ' ')) ?? '';
  it('allows scripts only from the bundle, no eval, no remote origins', () => {
    expect(directive('default-src')).toBe("default-src 'none'");
    expect(directive('script-src')).toBe("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-eval|unsafe-inline|https?:|\*/);
    expect(directive('connect-src')).toBe("connect-src 'self'");
    expect(directive('object-src')).toBe("object-src 'none'");
    expect(directive('frame-ancestors')).toBe("frame-ancestors 'none'");
  });
  it('adds only the loopback origin the e2e transport asks for', () => {
    expect(contentSecurityPolicy({ connectSrc: ['http://127.0.0.1:4000'] })).toContain("connect-src 'self' http://127.0.0.1:4000");
  });
});

describe('navigation, windows, permissions', () => {
  it('only our own origin may be navigated to', () => {
    expect(isNavigationAllowed(APP_ENTRY_URL)).toBe(true);
    expect(isNavigationAllowed('https://example.com')).toBe(false);
    expect(isNavigationAllowed('file:///tmp/x.html')).toBe(false);
    expect(isNavigationAllowed('javascript:alert(1)')).toBe(false);
    expect(isAppUrl('app://user:pw@radraft/')).toBe(false);
  });
  it('denies window.open and every permission', () => {
    expect(windowOpenDecision('https://example.com')).toEqual({ action: 'deny' });
    expect(windowOpenDecision(APP_ENTRY_URL)).toEqual({ action: 'deny' });
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen']) expect(isPermissionGranted(p)).toBe(false);
  });
  it('keeps the renderer sandboxed and isolated', () => {
    expect(SECURE_WEB_PREFERENCES).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false, webSecurity: true });
  });
});

describe('IPC sender check', () => {
  it('accepts only the main frame of our page', () => {
    expect(isTrustedSender({ url: APP_ENTRY_URL, isMainFrame: true })).toBe(true);
    expect(isTrustedSender({ url: APP_ENTRY_URL, isMainFrame: false })).toBe(false);
    expect(isTrustedSender({ url: 'https://example.com/', isMainFrame: true })).toBe(false);
    expect(isTrustedSender({ url: 'file:///work/dist/renderer/index.html', isMainFrame: true })).toBe(false);
    expect(isTrustedSender({ url: null, isMainFrame: true })).toBe(false);
  });
});

describe('app:// file mapping', () => {
  const root = '/opt/radraft/dist/renderer';
  it('maps bundle paths with their MIME type', () => {
    expect(resolveAppFile('app://radraft/', root)).toEqual({ filePath: `${root}/index.html`, mimeType: 'text/html; charset=utf-8' });
    expect(resolveAppFile('app://radraft/assets/a.js?x=1', root)).toEqual({ filePath: `${root}/assets/a.js`, mimeType: 'text/javascript; charset=utf-8' });
  });
  it('never resolves outside the bundle', () => {
    for (const url of ['app://radraft/../../etc/passwd', 'app://radraft/%2e%2e/%2e%2e/etc/passwd', 'app://radraft/..%2f..%2fetc%2fpasswd', 'app://radraft/a%5c..%5c..%5cx', 'app://radraft/%00', 'app://radraft/%E0%A4%A']) {
      const file = resolveAppFile(url, root);
      if (file !== null) expect(file.filePath.startsWith(root + '/'), url).toBe(true);
    }
    expect(resolveAppFile('app://radraft/..%2f..%2fetc%2fpasswd', root)).toBeNull();
  });
  it('refuses foreign hosts and schemes', () => {
    expect(resolveAppFile('app://other/index.html', root)).toBeNull();
    expect(resolveAppFile('file:///etc/passwd', root)).toBeNull();
  });
});
