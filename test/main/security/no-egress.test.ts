// Zero egress, zero traces: drafting with the real engine — through `radraft draft` and through the app's inference
// worker — watched by strace at the system-call level. onnxruntime-node's native telemetry client would resolve
// mobile.events.data.microsoft.com and write a device id and an event database under the cache folder (see
// models/engine/ort-telemetry.ts); here every process gets empty HOME, XDG and temp folders and an environment
// without ORT_DISABLE_TELEMETRY or CI markers (onnxruntime also stays quiet on CI), so only the app's own switch can
// keep it quiet. Fails on any connection or datagram to a non-loopback address, any sign of name resolution, and
// any file created or changed outside the folders each process may write.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCheckpoint } from '../../../models/engine/index';
import { analyseTrace, straceAvailable, traced, type Findings } from '../../support/syscall-trace';
import { bundleWorkers } from '../drafting/bundle-workers';
import { freePort, startOrthanc } from '../../support/orthanc';

const ROOT = join(__dirname, '../../..');
const STUDY = join(ROOT, 'test/fixtures/dicom/cxr/nih_dx_pa_00000002_implLE_8bit.dcm');
/**
 * The traced processes stay this long after drafting: onnxruntime's uploader first resolves its collector about 9 s
 * after the first session is created, so a process that quit at once would hide it (its events would go out on the
 * next run instead).
 */
const LINGER_MS = 12_000;
const NONE: Findings = { egress: [], resolver: [], writes: [] };

let scratch: string;
let bundles: string;
/** The folders a user has that no Radraft process may write to. */
let forbidden: Record<string, string>;

function env(): NodeJS.ProcessEnv {
  // Nothing inherited: no ORT_DISABLE_TELEMETRY from this test process, no CI variables.
  return {
    PATH: process.env.PATH,
    LANG: 'C.UTF-8',
    HOME: forbidden.home,
    XDG_CACHE_HOME: forbidden.cache,
    XDG_CONFIG_HOME: forbidden.config,
    XDG_DATA_HOME: forbidden.data,
    XDG_STATE_HOME: forbidden.state,
    XDG_RUNTIME_DIR: forbidden.runtime,
    TMPDIR: forbidden.tmp,
    TMP: forbidden.tmp,
    TEMP: forbidden.tmp,
  };
}

/** Every file left in the forbidden folders (the strace verdict's second opinion). */
function leftovers(): string[] {
  return Object.values(forbidden).flatMap((dir) => readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => join(dir, f)));
}

function bundle(entry: string, name: string): string {
  const outfile = join(bundles, `${name}.cjs`);
  buildSync({ entryPoints: [join(ROOT, entry)], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', packages: 'external', logLevel: 'warning' });
  return outfile;
}

beforeAll(() => {
  if (!straceAvailable()) throw new Error('strace is not installed: apt-get install strace (.ci/run installs it)');
  scratch = mkdtempSync(join(tmpdir(), 'radraft-egress-'));
  forbidden = Object.fromEntries(['home', 'cache', 'config', 'data', 'state', 'runtime', 'tmp'].map((name) => [name, join(scratch, 'forbidden', name)]));
  for (const dir of Object.values(forbidden)) mkdirSync(dir, { recursive: true });
  // Bundles inside the project, so that they resolve onnxruntime-node and better-sqlite3 from node_modules.
  bundles = join(ROOT, '.tmp', 'egress', String(process.pid));
  mkdirSync(bundles, { recursive: true });
}, 60_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  if (bundles) rmSync(bundles, { recursive: true, force: true });
});

describe('the strace verdict', () => {
  it('catches egress, name resolution and stray files, and lets loopback and the allowed folder pass', async () => {
    // Nothing leaves the machine: a UDP connect sends no packet, and 192.0.2.1 is TEST-NET-1 (RFC 5737).
    const allowed = join(scratch, 'probe-allowed');
    mkdirSync(allowed);
    const script = `
      const dgram = require('node:dgram'); const fs = require('node:fs'); const path = require('node:path');
      fs.writeFileSync(path.join(process.env.HOME, 'device-id'), 'x');
      fs.writeFileSync(path.join(${JSON.stringify(allowed)}, 'report.txt'), 'x');
      fs.readFileSync('/etc/hosts');
      const out = dgram.createSocket('udp4'); const dns = dgram.createSocket('udp4'); const local = dgram.createSocket('udp4');
      out.connect(9, '192.0.2.1', () => dns.connect(53, '127.0.0.53', () => local.connect(9, '127.0.0.1', () => { out.close(); dns.close(); local.close(); })));
      out.on('error', () => out.close()); dns.on('error', () => dns.close());`;
    const run = await traced(process.execPath, ['-e', script], { env: env(), cwd: scratch, logFile: join(scratch, 'probe.strace'), timeoutMs: 30_000 });
    expect(run.code, run.stderr).toBe(0);
    const findings = analyseTrace(run.log, { allowed: [allowed], cwd: scratch });
    expect(findings.egress.join('\n')).toMatch(/connect\(.*192\.0\.2\.1/);
    expect(findings.egress.join('\n')).not.toMatch(/127\.0\.0\./);
    expect(findings.resolver.join('\n')).toMatch(/\/etc\/hosts/);
    expect(findings.resolver.join('\n')).toMatch(/htons\(53\)/);
    expect(findings.writes).toHaveLength(1);
    expect(findings.writes[0]).toMatch(/forbidden\/home\/device-id/);
    rmSync(join(forbidden.home, 'device-id'));
  });
});

describe('drafting with the real engine sends nothing and leaves no trace', () => {
  it('through `radraft draft` and through the app\'s inference worker', async () => {
    // The CLI drafts with a model in a folder of its own (loading writes nothing there either, but it may).
    const model = join(scratch, 'cli-model');
    importCheckpoint(join(ROOT, 'test/fixtures/models/tiny-paligemma2-cxr'), model, { dtype: 'fp32' });
    const cli = bundle('main/cli/radraft.ts', 'radraft');
    // The app: its user data folder and the folder the clinician exports to; the demo model ships as a checkpoint
    // and is imported into the user data folder on first use, in the import worker.
    const userData = join(scratch, 'user-data');
    const exportDir = join(scratch, 'exports');
    const shipped = join(scratch, 'shipped-models');
    for (const dir of [userData, exportDir, shipped]) mkdirSync(dir);
    symlinkSync(join(ROOT, 'resources/models/demo-checkpoint'), join(shipped, 'demo-checkpoint'));
    const app = bundle('test/main/security/draft-app.harness.ts', 'draft-app');
    const appConfig = { userDataDir: userData, bundledModelsDir: shipped, exportPath: join(exportDir, 'report.txt'), study: STUDY, workers: bundleWorkers(), lingerMs: LINGER_MS };

    const [cliRun, appRun] = await Promise.all([
      traced(process.execPath, ['--import', `data:text/javascript,setTimeout(()=>{},${LINGER_MS + 2000})`, cli, 'draft', STUDY, '--model', model, '--max-tokens', '8'], {
        env: env(),
        cwd: scratch,
        logFile: join(scratch, 'cli.strace'),
        timeoutMs: 120_000,
      }),
      traced(process.execPath, [app, JSON.stringify(appConfig)], { env: env(), cwd: scratch, logFile: join(scratch, 'app.strace'), timeoutMs: 180_000 }),
    ]);

    expect(cliRun.code, cliRun.stderr).toBe(0);
    expect(cliRun.stdout).toMatch(/^FINDINGS: /);
    expect(appRun.code, appRun.stderr).toBe(0);
    expect(JSON.parse(appRun.stdout)).toMatchObject({ text: expect.stringMatching(/^FINDINGS: /), exported: join(exportDir, 'report.txt') });

    expect(analyseTrace(cliRun.log, { allowed: [model], cwd: scratch }), 'radraft draft').toEqual(NONE);
    expect(analyseTrace(appRun.log, { allowed: [userData, exportDir], cwd: scratch }), 'app services').toEqual(NONE);
    expect(leftovers()).toEqual([]);
    // The app really did its work in its own folders.
    expect(readdirSync(join(userData, 'models', 'demo'))).toContain('decoder.onnx');
    expect(readdirSync(exportDir)).toEqual(['report.txt']);
  }, 240_000);
});

describe('the hospital integration connects only to the configured PACS nodes and its own listener', () => {
  it('query, retrieve (C-GET, C-MOVE, WADO-RS), pre-drafting and a redirecting DICOMweb server, under strace', async () => {
    const listenerPort = await freePort();
    const orthanc = await startOrthanc({ users: { radraft: 'pw' }, modalities: { radraft: ['RADRAFT', '127.0.0.1', listenerPort] } });
    // A DICOMweb "server" that sends the app elsewhere, and the elsewhere, which must never see a connection.
    let strayConnections = 0;
    const stray = createTcpServer((socket) => {
      strayConnections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => stray.listen(0, '127.0.0.1', resolve));
    const strayPort = (stray.address() as { port: number }).port;
    const redirect = createHttpServer((_req, res) => {
      res.writeHead(302, { location: `http://127.0.0.1:${strayPort}/dicom-web/studies` });
      res.end();
    });
    await new Promise<void>((resolve) => redirect.listen(0, '127.0.0.1', resolve));
    const redirectPort = (redirect.address() as { port: number }).port;
    try {
      const today = new Date().toISOString().slice(0, 10).replace(/-/g, '');
      const source = ['siim_1.2.276.0.7230010.3.1.4.8323329.4904.1517875185.355709.dcm', 'nih_dx_pa_00000002_implLE_8bit.dcm'].map((f) => join(ROOT, 'test/fixtures/dicom/cxr', f));
      await orthanc.loadCopies(source, 2, (i) => ({ StudyDate: today, StudyTime: `0${i}0000`, AccessionNumber: `EGRESS${i}` }));
      const userData = join(scratch, 'pacs-user-data');
      const shipped = join(scratch, 'pacs-shipped-models');
      for (const dir of [userData, shipped]) mkdirSync(dir);
      symlinkSync(join(ROOT, 'resources/models/demo-checkpoint'), join(shipped, 'demo-checkpoint'));
      const app = bundle('test/main/security/pacs-app.harness.ts', 'pacs-app');
      const config = {
        userDataDir: userData,
        bundledModelsDir: shipped,
        workers: bundleWorkers(),
        orthanc: { aeTitle: orthanc.aeTitle, dicomPort: orthanc.dicomPort, dicomWebUrl: orthanc.dicomWebUrl, user: 'radraft', password: 'pw' },
        listenerPort,
        redirectingDicomWebUrl: `http://127.0.0.1:${redirectPort}/dicom-web`,
        today,
        // The originals (old or no Study Date): not on today's worklist, fetched on demand.
        moveStudy: '1.3.6.1.4.1.11129.5.5.112507010803284478207522016832191866964708',
        wadoStudy: '1.2.276.0.7230010.3.1.2.8323329.4904.1517875185.355708',
      };
      const run = await traced(process.execPath, [app, JSON.stringify(config)], { env: env(), cwd: scratch, logFile: join(scratch, 'pacs-app.strace'), timeoutMs: 240_000 });
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual({ test: true, worklist: 2, drafted: 2, failed: [], moved: 1, wado: 1, redirected: 'protocol' });

      const peers = {
        connect: [
          { host: '127.0.0.1', port: orthanc.dicomPort },
          { host: '127.0.0.1', port: orthanc.httpPort },
          { host: '127.0.0.1', port: redirectPort },
        ],
        bind: [listenerPort],
      };
      // The DICOM listener binds to 127.0.0.1, and Node's net.Server.listen loads the dns module for any host (whose
      // resolver reads its configuration when it loads): that alone is let through; a lookup is not.
      expect(analyseTrace(run.log, { allowed: [userData], cwd: scratch, peers, allowResolverConfig: true }), 'PACS work').toEqual(NONE);
      // The positive controls: it did connect to the PACS (DIMSE and HTTP) and listen on its own port.
      expect(run.log).toMatch(new RegExp(`connect\\(.*htons\\(${orthanc.dicomPort}\\)`));
      expect(run.log).toMatch(new RegExp(`connect\\(.*htons\\(${orthanc.httpPort}\\)`));
      expect(run.log).toMatch(new RegExp(`bind\\(.*htons\\(${listenerPort}\\)`));
      expect(run.log).not.toMatch(new RegExp(`htons\\(${strayPort}\\)`));
      expect(strayConnections).toBe(0);
      expect(leftovers()).toEqual([]);
    } finally {
      await orthanc.stop();
      await new Promise<void>((resolve) => stray.close(() => resolve()));
      await new Promise<void>((resolve) => redirect.close(() => resolve()));
    }
  }, 300_000);
});
