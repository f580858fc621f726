// A real PACS for the tests: Debian's Orthanc (with the DICOMweb plugin when installed), started on loopback with
// free ports, a generated configuration and a storage folder of its own, and stopped (folder removed) at the end.
// Reusable by every PACS test (C-STORE, C-FIND/C-MOVE/C-GET, QIDO/WADO/STOW): .ci/run installs orthanc and
// orthanc-dicomweb.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface OrthancOptions {
  /** Orthanc's own AE title. */
  aeTitle?: string;
  /** Remote modalities Orthanc knows (C-MOVE destinations, C-FIND/C-STORE peers): name → [AE, host, port]. */
  modalities?: Record<string, [string, string, number]>;
}

export interface Orthanc {
  aeTitle: string;
  host: string;
  dicomPort: number;
  httpPort: number;
  /** REST API base, e.g. http://127.0.0.1:PORT */
  url: string;
  /** DICOMweb root (QIDO-RS, WADO-RS, STOW-RS) when the plugin is loaded, else null. */
  dicomWebUrl: string | null;
  /** GET on the REST API, parsed as JSON. */
  get<T>(path: string): Promise<T>;
  /** GET on the REST API, raw bytes. */
  bytes(path: string, accept?: string): Promise<Uint8Array>;
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
    AuthenticationEnabled: false,
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

  let output = '';
  const child: ChildProcess = spawn(BINARY, [configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const spawnError = new Promise<Error>((resolve) => child.on('error', resolve));

  const url = `http://127.0.0.1:${httpPort}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
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
    const ok = await fetch(`${url}/system`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Orthanc did not answer on ${url} within 30 s.\n${output.slice(-2000)}`);
    }
  }

  const get = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${url}${path}`);
    if (!response.ok) throw new Error(`Orthanc GET ${path}: HTTP ${response.status}`);
    return (await response.json()) as T;
  };
  const bytes = async (path: string, accept?: string): Promise<Uint8Array> => {
    const response = await fetch(`${url}${path}`, accept ? { headers: { accept } } : undefined);
    if (!response.ok) throw new Error(`Orthanc GET ${path}: HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  };
  return { aeTitle, host: '127.0.0.1', dicomPort, httpPort, url, dicomWebUrl: DICOMWEB_PLUGIN ? `${url}/dicom-web` : null, get, bytes, stop };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
