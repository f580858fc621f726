// A real PACS for the tests: Debian's Orthanc (with the DICOMweb plugin when installed), started on loopback with
// free ports, a generated configuration and a storage folder of its own, and stopped (folder removed) at the end.
// Reusable by every PACS test (C-STORE, C-FIND/C-MOVE/C-GET, QIDO/WADO/STOW) and bench: basic-auth users, bearer
// tokens, HTTPS with a test CA's certificate, and the DicomModalities entry that lets it C-MOVE to Radraft's own
// storage SCP. .ci/run installs orthanc and orthanc-dicomweb.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface OrthancOptions {
  /** Orthanc's own AE title. */
  aeTitle?: string;
  /** Remote modalities Orthanc knows (C-MOVE destinations, C-FIND/C-STORE peers): name → [AE, host, port]. */
  modalities?: Record<string, [string, string, number]>;
  /** HTTP basic-auth users (Orthanc's RegisteredUsers): the REST API and DICOMweb then require one of them. */
  users?: Record<string, string>;
  /**
   * Bearer tokens the HTTP API accepts (Orthanc has no bearer support of its own: a Lua IncomingHttpRequestFilter
   * checks the Authorization header). With `users` too, their basic credentials are accepted by the same filter.
   */
  bearerTokens?: string[];
  /**
   * HTTPS and DICOM TLS as hospitals deploy them in front of an archive: stunnel (Debian's stunnel4) terminates TLS
   * with this server certificate and key (test/support/test-ca.ts) and forwards to Orthanc on loopback. (Debian
   * bookworm's Orthanc 1.10 crashes on its own SslEnabled HTTPS.) `url`, `dicomWebUrl` and `tlsDicomPort` are then
   * the TLS ones.
   */
  tls?: { certPem: string; keyPem: string; caPem: string };
}

export interface Orthanc {
  aeTitle: string;
  host: string;
  dicomPort: number;
  /** DICOM TLS port (stunnel in front of dicomPort) with the `tls` option, else null. */
  tlsDicomPort: number | null;
  httpPort: number;
  /** REST API base, e.g. http://127.0.0.1:PORT (https:// with the `https` option) */
  url: string;
  /** DICOMweb root (QIDO-RS, WADO-RS, STOW-RS) when the plugin is loaded, else null. */
  dicomWebUrl: string | null;
  /** GET on the REST API, parsed as JSON (authenticated as the first user or token). */
  get<T>(path: string): Promise<T>;
  /** GET on the REST API, raw bytes. */
  bytes(path: string, accept?: string): Promise<Uint8Array>;
  /** POST on the REST API with a JSON body (raw bytes: DICOM; a string: plain text), parsed as JSON. */
  post<T>(path: string, body: unknown): Promise<T>;
  /** Stores DICOM files (POST /instances); answers their Orthanc instance ids. */
  upload(files: readonly string[]): Promise<string[]>;
  /**
   * Loads `count` studies made from `files` (round robin): each a copy Orthanc makes of one file's study with new
   * Study, Series and SOP Instance UIDs (POST /studies/{id}/modify) and the attributes `tags(i)` returns (e.g. today's
   * Study Date, an accession number). Answers the new studies' Study Instance UIDs, in order.
   */
  loadCopies(files: readonly string[], count: number, tags: (i: number) => Record<string, string>): Promise<string[]>;
  /** Orthanc's output so far (for a failing test's message). */
  log(): string;
  stop(): Promise<void>;
}

const BINARY = ['/usr/sbin/Orthanc', '/usr/bin/Orthanc'].find((p) => existsSync(p)) ?? 'Orthanc';
const DICOMWEB_PLUGIN = ['/usr/share/orthanc/plugins/libOrthancDicomWeb.so'].find((p) => existsSync(p)) ?? null;

/** A port nothing listens on now (the kernel's choice on loopback). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startOrthanc(options: OrthancOptions = {}): Promise<Orthanc> {
  const dir = mkdtempSync(join(tmpdir(), 'radraft-orthanc-'));
  const dicomPort = await freePort();
  let httpPort = await freePort();
  while (httpPort === dicomPort) httpPort = await freePort();
  const aeTitle = options.aeTitle ?? 'ORTHANC';
  const config = {
    Name: 'RadraftTestPACS',
    StorageDirectory: join(dir, 'storage'),
    IndexDirectory: join(dir, 'storage'),
    HttpPort: httpPort,
    DicomPort: dicomPort,
    DicomAet: aeTitle,
    RemoteAccessAllowed: false,
    AuthenticationEnabled: options.users !== undefined && options.bearerTokens === undefined,
    RegisteredUsers: options.bearerTokens === undefined ? (options.users ?? {}) : {},
    LuaScripts: options.bearerTokens ? [join(dir, 'auth.lua')] : [],
    HttpServerEnabled: true,
    DicomServerEnabled: true,
    DicomCheckCalledAet: true,
    DicomAlwaysAllowStore: true,
    DicomAlwaysAllowEcho: true,
    DicomAlwaysAllowFind: true,
    DicomAlwaysAllowGet: true,
    DicomAlwaysAllowMove: true,
    DicomModalities: options.modalities ?? {},
    Plugins: DICOMWEB_PLUGIN ? [DICOMWEB_PLUGIN] : [],
    DicomWeb: { Enable: true, Root: '/dicom-web/', EnableWado: true },
    SaveJobs: false,
    StorageCompression: false,
    OverwriteInstances: true,
    HttpTimeout: 30,
  };
  const configPath = join(dir, 'orthanc.json');
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  const authorizations = [
    ...(options.bearerTokens ?? []).map((t) => `Bearer ${t}`),
    ...Object.entries(options.users ?? {}).map(([user, password]) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`),
  ];
  if (options.bearerTokens) writeFileSync(join(dir, 'auth.lua'), luaAuthFilter(authorizations));
  // The harness's own requests authenticate as the first token or user.
  const authorization = authorizations[0] ?? null;
  // The harness's own calls go straight to Orthanc's plain HTTP port; what Radraft is given may be the TLS front.
  const direct = `http://127.0.0.1:${httpPort}`;
  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${direct}${path}`, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), ...(authorization ? { authorization } : {}) } });
  const front = options.tls ? await startTlsFront(dir, options.tls, { http: httpPort, dicom: dicomPort }) : null;
  const url = front ? `https://127.0.0.1:${front.httpsPort}` : direct;

  let output = '';
  const child: ChildProcess = spawn(BINARY, [configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const spawnError = new Promise<Error>((resolve) => child.on('error', resolve));

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await front?.stop();
    rmSync(dir, { recursive: true, force: true });
  };

  // Ready when the REST API answers; give up after 30 s with Orthanc's own output.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const failure = await Promise.race([spawnError.then((e) => e.message), exited.then((code) => `exited with code ${code}`), sleep(200).then(() => null)]);
    if (failure) {
      await stop();
      throw new Error(`Orthanc did not start (${failure}); is it installed (apt-get install orthanc orthanc-dicomweb)?\n${output.slice(-2000)}`);
    }
    const ok = await call('/system').then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Orthanc did not answer on ${url} within 30 s.\n${output.slice(-2000)}`);
    }
  }

  const get = async <T>(path: string): Promise<T> => {
    const response = await call(path);
    if (!response.ok) throw new Error(`Orthanc GET ${path}: HTTP ${response.status}`);
    return (await response.json()) as T;
  };
  const bytes = async (path: string, accept?: string): Promise<Uint8Array> => {
    const response = await call(path, accept ? { headers: { accept } } : {});
    if (!response.ok) throw new Error(`Orthanc GET ${path}: HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  };
  const post = async <T>(path: string, body: unknown): Promise<T> => {
    const raw = body instanceof Uint8Array;
    const text = typeof body === 'string';
    const response = await call(path, {
      method: 'POST',
      body: raw ? Buffer.from(body) : text ? body : JSON.stringify(body),
      headers: { 'content-type': raw ? 'application/dicom' : text ? 'text/plain' : 'application/json' },
    });
    if (!response.ok) throw new Error(`Orthanc POST ${path}: HTTP ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  const upload = async (files: readonly string[]): Promise<string[]> => {
    const ids: string[] = [];
    for (const file of files) ids.push((await post<{ ID: string }>('/instances', new Uint8Array(readFileSync(file)))).ID);
    return ids;
  };
  const loadCopies = async (files: readonly string[], count: number, tags: (i: number) => Record<string, string>): Promise<string[]> => {
    const sources: string[] = [];
    for (const id of await upload(files)) sources.push((await get<{ ID: string }>(`/instances/${id}/study`)).ID);
    const uids: string[] = [];
    for (let i = 0; i < count; i++) {
      const copy = await post<{ ID: string }>(`/studies/${sources[i % sources.length]}/modify`, { Replace: tags(i), Force: true });
      uids.push((await get<{ MainDicomTags: { StudyInstanceUID: string } }>(`/studies/${copy.ID}`)).MainDicomTags.StudyInstanceUID);
    }
    return uids;
  };
  return { aeTitle, host: '127.0.0.1', dicomPort, tlsDicomPort: front?.dicomTlsPort ?? null, httpPort, url, dicomWebUrl: DICOMWEB_PLUGIN ? `${url}/dicom-web` : null, get, bytes, post, upload, loadCopies, log: () => output, stop };
}

const STUNNEL = ['/usr/bin/stunnel4', '/usr/bin/stunnel'].find((p) => existsSync(p)) ?? 'stunnel4';

/** stunnel on two free loopback ports: HTTPS → Orthanc's HTTP port, DICOM TLS → its DICOM port. */
async function startTlsFront(dir: string, tls: NonNullable<OrthancOptions['tls']>, to: { http: number; dicom: number }): Promise<{ httpsPort: number; dicomTlsPort: number; stop(): Promise<void> }> {
  const httpsPort = await freePort();
  let dicomTlsPort = await freePort();
  while (dicomTlsPort === httpsPort) dicomTlsPort = await freePort();
  writeFileSync(join(dir, 'tls-cert.pem'), tls.certPem);
  writeFileSync(join(dir, 'tls-key.pem'), tls.keyPem);
  const conf = join(dir, 'stunnel.conf');
  writeFileSync(
    conf,
    [
      'foreground = yes',
      'pid =',
      `cert = ${join(dir, 'tls-cert.pem')}`,
      `key = ${join(dir, 'tls-key.pem')}`,
      '[https]',
      `accept = 127.0.0.1:${httpsPort}`,
      `connect = 127.0.0.1:${to.http}`,
      '[dicom-tls]',
      `accept = 127.0.0.1:${dicomTlsPort}`,
      `connect = 127.0.0.1:${to.dicom}`,
      '',
    ].join('\n'),
  );
  let output = '';
  const child = spawn(STUNNEL, [conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const failed = new Promise<string>((resolve) => {
    child.on('error', (e) => resolve(e.message));
    child.on('exit', (code) => resolve(`exited with code ${code}`));
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    const failure = await Promise.race([failed, sleep(100).then(() => null)]);
    if (failure) throw new Error(`stunnel did not start (${failure}); apt-get install stunnel4.\n${output.slice(-2000)}`);
    if (/Configuration successful/.test(output)) return { httpsPort, dicomTlsPort, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`stunnel did not come up within 15 s.\n${output.slice(-2000)}`);
    }
  }
}

/** Orthanc's Lua hook for every HTTP request: true lets it through, false answers 403. */
function luaAuthFilter(authorizations: readonly string[]): string {
  const allowed = authorizations.map((a) => `[${JSON.stringify(a)}] = true`).join(', ');
  return `local allowed = { ${allowed} }
function IncomingHttpRequestFilter(method, uri, ip, username, httpHeaders)
  local header = httpHeaders['authorization']
  return header ~= nil and allowed[header] == true
end
`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
