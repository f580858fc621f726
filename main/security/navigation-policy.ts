// The renderer is a single page: it never navigates elsewhere, never opens windows, never embeds other content.
import { isAppUrl } from './origin';

/** will-navigate / will-redirect / will-frame-navigate: only reloads of our own bundle are allowed. */
export function isNavigationAllowed(url: string): boolean {
  return isAppUrl(url);
}

/** setWindowOpenHandler: always deny (links to the outside world are not followed from a clinical workstation). */
export function windowOpenDecision(_url: string): { action: 'deny' } {
  return { action: 'deny' };
}

/** Session permission requests (camera, geolocation, notifications, …): Radraft needs none of them. */
export function isPermissionGranted(_permission: string): boolean {
  return false;
}
