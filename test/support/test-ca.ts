// A hospital-style certificate authority for the tests, made with Debian's openssl: a CA certificate, and a server
// certificate it signed for 127.0.0.1/localhost. Radraft must trust the server only when it is given the CA.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCa {
  /** The CA certificate (PEM): what the clinician's IT pastes into the node's TLS settings. */
  caPem: string;
  /** The server's certificate and private key, PEM, concatenated (what Orthanc's SslCertificate takes). */
  serverPemWithKey: string;
  serverCertPem: string;
  serverKeyPem: string;
  /** A second CA that signed nothing here: trusting it must not make the server trusted. */
  otherCaPem: string;
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    throw new Error(`openssl ${args[0]} failed (apt-get install openssl): ${(error as { stderr?: Buffer }).stderr?.toString() ?? String(error)}`);
  }
}

function makeCa(dir: string, name: string): void {
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=${name} Test Hospital CA`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
}

export function makeTestCa(): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'radraft-ca-'));
  try {
    makeCa(dir, 'ca');
    makeCa(dir, 'other');
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=pacs.test'], dir);
    writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n');
    openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'server.ext'], dir);
    const read = (name: string): string => readFileSync(join(dir, name), 'utf8');
    const serverCertPem = read('server.pem');
    const serverKeyPem = read('server.key');
    return { caPem: read('ca.pem'), serverPemWithKey: serverCertPem + serverKeyPem, serverCertPem, serverKeyPem, otherCaPem: read('other.pem') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
