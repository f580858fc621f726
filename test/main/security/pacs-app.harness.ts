// Bundled and run under strace by no-egress.test.ts: the app's main-process services exactly as Electron builds them
// (real workers, the demo model), doing the hospital integration's network work against the test's Orthanc: Test
// connection, the DICOM listener, the worklist, pre-drafting (C-GET), a C-MOVE to the listener, a WADO-RS retrieve,
// and a node whose DICOMweb server redirects elsewhere. Fakes only at the Electron boundary (dialogs, clipboard,
// event sink, the key store). Prints one JSON line for the test.
import { join } from 'node:path';
import type { PacsSettingsView, PredraftStatus, WorklistEntry, ConnectionTestResult } from '../../../app/domain/pacs';
import { createServices } from '../../../main/services';
import type { WorkerName, WorkerScript } from '../../../main/workers/bundled-worker';

interface Config {
  userDataDir: string;
  bundledModelsDir: string;
  workers: Record<WorkerName, WorkerScript>;
  orthanc: { aeTitle: string; dicomPort: number; dicomWebUrl: string; user: string; password: string };
  listenerPort: number;
  redirectingDicomWebUrl: string;
  today: string;
  /** Studies not on today's worklist, fetched by C-MOVE and by WADO-RS. */
  moveStudy: string;
  wadoStudy: string;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2]) as Config;
  const services = await createServices({
    userDataDir: config.userDataDir,
    samplesDir: join(config.bundledModelsDir, 'no-samples'),
    modelsDir: join(config.userDataDir, 'models'),
    bundledModelsDir: config.bundledModelsDir,
    dialogs: { openFiles: async () => [], openFolder: async () => null, saveFile: async () => null, openModelFolder: async () => null },
    clipboard: { writeText: () => undefined },
    emit: () => undefined,
    workers: config.workers,
    osEncryption: {
      isEncryptionAvailable: () => true,
      encryptString: (s) => Buffer.from(s, 'utf8').reverse(),
      decryptString: (b) => Buffer.from(b).reverse().toString('utf8'),
    },
    log: () => undefined,
  });
  const h = services.handlers;
  try {
    await h['pacs:saveListener']({ enabled: true, aeTitle: 'RADRAFT', port: config.listenerPort, loopbackOnly: true, allowedCallingAes: [] });
    const base = {
      aeTitle: config.orthanc.aeTitle,
      host: '127.0.0.1',
      port: config.orthanc.dicomPort,
      dicomWebUrl: config.orthanc.dicomWebUrl,
      auth: { kind: 'basic' as const, username: config.orthanc.user },
      tls: { dimse: false, caPem: null },
    };
    const save = async (name: string, patch: Record<string, unknown>): Promise<string> => {
      const view: PacsSettingsView = await h['pacs:saveNode']({ node: { ...base, name, query: 'dimse', retrieve: 'c-get', ...patch }, secret: config.orthanc.password, allowPlainSecret: false });
      return view.nodes.find((n) => n.name === name)!.id;
    };
    const cget = await save('C-GET', {});
    const cmove = await save('C-MOVE', { retrieve: 'c-move' });
    const wado = await save('WADO', { query: 'dicomweb', retrieve: 'wado-rs' });
    const hostile = await save('Redirecting', { dicomWebUrl: config.redirectingDicomWebUrl, query: 'dicomweb', retrieve: 'wado-rs' });

    const settings = await h['pacs:settings']({});
    const test: ConnectionTestResult = await h['pacs:testNode']({ node: settings.nodes.find((n) => n.id === cget)!, secret: null });

    await h['pacs:savePredraft']({ enabled: true, threads: 1 });
    const worklist: WorklistEntry[] = await h['worklist:query']({ nodeId: cget, from: config.today, to: config.today });
    const started = Date.now();
    let status: PredraftStatus = await h['predraft:status']({});
    while (!(status.jobs.length >= worklist.length && status.jobs.every((j) => j.state === 'ready' || j.state === 'failed'))) {
      if (Date.now() - started > 150_000) throw new Error(`pre-drafting did not finish in 150 s: ${JSON.stringify(status.jobs.map((j) => j.state))}`);
      await new Promise((r) => setTimeout(r, 250));
      status = await h['predraft:status']({});
    }
    const moved = await h['worklist:open']({ nodeId: cmove, studyInstanceUid: config.moveStudy });
    const fetched = await h['worklist:open']({ nodeId: wado, studyInstanceUid: config.wadoStudy });
    const redirected = await h['pacs:testNode']({ node: (await h['pacs:settings']({})).nodes.find((n) => n.id === hostile)!, secret: null });
    process.stdout.write(
      `${JSON.stringify({
        test: test.ok,
        worklist: worklist.length,
        drafted: status.jobs.filter((j) => j.state === 'ready' && j.reason === null).length,
        failed: status.jobs.filter((j) => j.state === 'failed').map((j) => j.reason),
        moved: moved.studies.length,
        wado: fetched.studies.length,
        redirected: redirected.checks.find((c) => c.what === 'qido-rs')?.failure ?? null,
      })}\n`,
    );
  } finally {
    await services.dispose();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`pacs-app harness: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
