// Every IPC call is checked to come from our own page's main frame: not an iframe, not a navigated-away page.
import { isAppUrl } from './origin';

export interface SenderInfo {
  /** URL of the frame that sent the message (event.senderFrame.url); null if the frame is gone. */
  url: string | null;
  /** Whether that frame is the top-level frame of its WebContents. */
  isMainFrame: boolean;
}

export function isTrustedSender(sender: SenderInfo): boolean {
  return sender.isMainFrame && sender.url !== null && isAppUrl(sender.url);
}
