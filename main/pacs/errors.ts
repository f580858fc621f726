// Errors of the hospital integration: what failed, in the words IT uses to fix it (DNS, refused, TLS, auth, AE).
import type { ConnectionFailure } from '../../app/domain/pacs';
import { AppError } from '../ipc/errors';

export class PacsError extends AppError {
  readonly code = 'pacs' as const;
  override name = 'PacsError';
  constructor(
    message: string,
    /** The kind of failure when it is a connection problem; null for an answer the PACS gave. */
    readonly failure: ConnectionFailure | null = null,
  ) {
    super(message);
  }
}

/** A connection the network policy refuses: not the address of the PACS node this operation is for. */
export class NetworkPolicyError extends PacsError {
  override name = 'NetworkPolicyError';
  constructor(message: string) {
    super(message, 'policy');
  }
}

/** The clinician (or a newer request) stopped the operation. */
export class PacsCancelledError extends PacsError {
  override name = 'PacsCancelledError';
}

/** OpenSSL's verdicts on a certificate (Node's error codes) and what they mean for the clinician's IT. */
const CERTIFICATE_PROBLEMS: Record<string, string> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the PACS's certificate is not signed by a CA Radraft trusts",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "the PACS's certificate is not signed by a CA Radraft trusts",
  UNABLE_TO_GET_ISSUER_CERT: "the PACS's certificate is not signed by a CA Radraft trusts",
  SELF_SIGNED_CERT_IN_CHAIN: "the PACS's certificate chain ends in a CA Radraft does not trust",
  DEPTH_ZERO_SELF_SIGNED_CERT: "the PACS uses a self-signed certificate Radraft does not trust",
  CERT_HAS_EXPIRED: "the PACS's certificate has expired",
  CERT_NOT_YET_VALID: "the PACS's certificate is not valid yet (check the computer's clock)",
  ERR_TLS_CERT_ALTNAME_INVALID: "the PACS's certificate is for another host name",
  CERT_REVOKED: "the PACS's certificate was revoked",
};

/** Classifies a socket-level error (Node's `code`) for a connection to host:port. */
export function connectionFailure(error: unknown, host: string, port: number, timeoutMs: number): PacsError {
  const code = errorCode(error);
  const detail = error instanceof Error ? error.message : String(error);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME' || code === 'EAI_FAIL') {
    return new PacsError(`The name "${host}" could not be found (DNS). Check the host name, or enter the PACS's IP address.`, 'dns');
  }
  if (code === 'ECONNREFUSED') return new PacsError(`${host}:${port} refused the connection: nothing listens on that port. Check the port and that the PACS is running.`, 'refused');
  if (code === 'ETIMEDOUT' || code === 'RADRAFT_TIMEOUT') {
    return new PacsError(`${host}:${port} did not answer within ${Math.round(timeoutMs / 1000)} s. Check the host, the port and any firewall in between.`, 'timeout');
  }
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return new PacsError(`${host} cannot be reached from this computer (no route). Check the network connection and the host.`, 'refused');
  if (code === 'ECONNRESET' || code === 'EPIPE') return new PacsError(`${host}:${port} closed the connection unexpectedly. Check that this port speaks DICOM${host ? '' : ''} and whether it expects TLS.`, 'protocol');
  if (code && CERTIFICATE_PROBLEMS[code]) return new PacsError(`TLS to ${host}:${port} failed: ${CERTIFICATE_PROBLEMS[code]}. Paste the hospital CA certificate into the node's TLS settings, or ask IT which CA signed it.`, 'tls');
  if (code === 'EPROTO' || code?.startsWith('ERR_SSL') || code?.startsWith('ERR_TLS') || /SSL|TLS|certificate/i.test(detail)) {
    return new PacsError(`TLS to ${host}:${port} failed (${code ?? detail}). Check that the port expects TLS and that the CA certificate is the one IT gave you.`, 'tls');
  }
  return new PacsError(`The connection to ${host}:${port} failed (${code ?? detail}).`, 'protocol');
}

/** The Node error code of an error or of its cause. */
export function errorCode(error: unknown): string | null {
  let e: unknown = error;
  for (let depth = 0; depth < 4 && e; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}
