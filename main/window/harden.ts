// Session- and WebContents-wide rules: no network, no permissions, no navigation, no new windows, no webviews.
import type { App, Session, WebContents } from 'electron';
import { decideRequest } from '../security/network-policy';
import { isNavigationAllowed, isPermissionGranted, windowOpenDecision } from '../security/navigation-policy';

export function hardenSession(session: Session): void {
  session.webRequest.onBeforeRequest({ urls: ['<all_urls>'] }, (details, callback) => {
    const decision = decideRequest(details.url);
    if (decision.cancel) console.warn(`radraft: blocked a request (${decision.reason})`);
    callback({ cancel: decision.cancel });
  });
  session.setPermissionRequestHandler((_wc, permission, callback) => callback(isPermissionGranted(permission)));
  session.setPermissionCheckHandler((_wc, permission) => isPermissionGranted(permission));
  session.on('will-download', (event) => event.preventDefault());
}

export function hardenWebContents(app: App): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.setWindowOpenHandler(({ url }) => windowOpenDecision(url));
    // WebRTC's UDP traffic does not pass through webRequest: allow none that bypasses a proxy (there is none).
    contents.setWebRTCIPHandlingPolicy('disable_non_proxied_udp');
    const guard = (event: { preventDefault(): void; url: string }): void => {
      if (!isNavigationAllowed(event.url)) event.preventDefault();
    };
    contents.on('will-navigate', guard);
    contents.on('will-redirect', guard);
    contents.on('will-frame-navigate', guard);
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
}
