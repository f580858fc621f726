// "Test connection" in the PACS settings: a C-ECHO (PS3.7 9.1.5) when the node is used over DIMSE, and a one-study
// QIDO-RS search when it has a DICOMweb URL, each saying exactly what failed (DNS, refused, timeout, TLS, credentials,
// AE title rejected, not a DICOMweb service).
import type { ConnectionCheck, ConnectionTestResult, PacsNode } from '../../app/domain/pacs';
import { qido } from './dicomweb';
import { echo } from './dimse';
import { PacsError } from './errors';

/** Whether the node is used over DIMSE (query or retrieve), so its DICOM address must answer. */
export function usesDimse(node: Pick<PacsNode, 'query' | 'retrieve'>): boolean {
  return node.query === 'dimse' || node.retrieve === 'c-get' || node.retrieve === 'c-move';
}

async function check(what: ConnectionCheck['what'], run: () => Promise<string>): Promise<ConnectionCheck> {
  const started = performance.now();
  try {
    const message = await run();
    return { what, ok: true, failure: null, message, ms: Math.round(performance.now() - started) };
  } catch (error) {
    const failure = error instanceof PacsError ? error.failure : null;
    return { what, ok: false, failure: failure ?? 'protocol', message: error instanceof Error ? error.message : String(error), ms: Math.round(performance.now() - started) };
  }
}

export async function testConnection(node: PacsNode, access: { secret: string | null; callingAeTitle: string; timeoutMs?: number }): Promise<ConnectionTestResult> {
  const checks: ConnectionCheck[] = [];
  if (usesDimse(node) || !node.dicomWebUrl) {
    checks.push(
      await check('c-echo', async () => {
        await echo({ node, callingAeTitle: access.callingAeTitle, timeoutMs: access.timeoutMs ?? 10_000 });
        return `${node.aeTitle} at ${node.host}:${node.port} answered the C-ECHO and accepts Radraft's AE title "${access.callingAeTitle}".`;
      }),
    );
  }
  if (node.dicomWebUrl) {
    checks.push(
      await check('qido-rs', async () => {
        await qido({ node, secret: access.secret, timeoutMs: access.timeoutMs ?? 10_000 }, 'studies', { limit: '1' });
        return `The DICOMweb service at ${node.dicomWebUrl} answered a search${node.auth.kind === 'none' ? '' : ' with these credentials'}.`;
      }),
    );
  }
  return { ok: checks.every((c) => c.ok), checks };
}
