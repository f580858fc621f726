// The network policy applied: every socket the main process opens for PACS work asks here first, with the node the
// operation is for (main/security/network-policy.ts decides). DIMSE associations call it before dcmjs-dimse connects;
// DICOMweb requests check their URL, and their HTTP agents check again for every socket they open (redirects are
// never followed).
import type { PacsNode } from '../../app/domain/pacs';
import { decideConnection } from '../security/network-policy';
import { NetworkPolicyError } from './errors';

export function checkConnection(node: Pick<PacsNode, 'host' | 'port' | 'dicomWebUrl' | 'name'>, host: string, port: number): void {
  const decision = decideConnection(host, port, { dimse: { host: node.host, port: node.port }, dicomWeb: node.dicomWebUrl });
  if (decision.cancel) {
    // The log says that a connection was refused and where; never which study or patient it was for.
    console.warn(`radraft: refused a connection to ${host}:${port} (${decision.reason})`);
    throw new NetworkPolicyError(`Radraft refused to connect to ${host}:${port}: it only connects to the PACS nodes configured in its settings (this operation is for "${node.name}").`);
  }
}
