// Bundled and run under strace by no-egress.test.ts: the app's main-process services exactly as Electron builds them,
// with the real workers (decode, model input, model import, inference), open a study, draft a report with the demo
// model (imported on first use), save and export it, then stay alive a while so that any background uploader shows.
// Fakes only at the Electron boundary (dialogs, clipboard, event sink). Prints one JSON line for the test.
import { join } from 'node:path';
import type { DraftEvent } from '../../../app/domain/model';
import { createServices } from '../../../main/services';
import type { WorkerName, WorkerScript } from '../../../main/workers/bundled-worker';

interface Config {
  userDataDir: string;
  bundledModelsDir: string;
  exportPath: string;
  study: string;
  workers: Record<WorkerName, WorkerScript>;
  lingerMs: number;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2]) as Config;
  const events: DraftEvent[] = [];
  const services = await createServices({
    userDataDir: config.userDataDir,
    samplesDir: join(config.bundledModelsDir, 'no-samples'),
    modelsDir: join(config.userDataDir, 'models'),
    bundledModelsDir: config.bundledModelsDir,
    dialogs: {
      openFiles: async () => [],
      openFolder: async () => null,
      saveFile: async () => config.exportPath,
      openModelFolder: async () => null,
    },
    clipboard: { writeText: () => undefined },
    emit: (event, payload) => {
      if (event === 'draft:event') events.push(payload as DraftEvent);
    },
    workers: config.workers,
  });
  try {
    const { studies } = await services.handlers['studies:openPaths']({ paths: [config.study] });
    const study = studies[0];
    const { draftId } = await services.handlers['draft:start']({ studyInstanceUid: study.studyInstanceUid, imageId: study.images[0].imageId, task: 'report' });
    const started = Date.now();
    while (!events.some((e) => e.draftId === draftId && (e.type === 'done' || e.type === 'error'))) {
      if (Date.now() - started > 120_000) throw new Error('the draft did not finish in 120 s');
      await new Promise((r) => setTimeout(r, 50));
    }
    const done = events.find((e): e is Extract<DraftEvent, { type: 'done' }> => e.draftId === draftId && e.type === 'done');
    const error = events.find((e): e is Extract<DraftEvent, { type: 'error' }> => e.draftId === draftId && e.type === 'error');
    if (!done) throw new Error(error?.message ?? 'no draft');
    await services.handlers['report:save']({
      studyInstanceUid: study.studyInstanceUid,
      sections: { indication: '', technique: '', comparison: '', findings: done.text, impression: '' },
      baseRevision: 0,
    });
    const exported = await services.handlers['report:export']({ studyInstanceUid: study.studyInstanceUid });
    await new Promise((r) => setTimeout(r, config.lingerMs));
    process.stdout.write(`${JSON.stringify({ text: done.text, exported: exported.filePath })}\n`);
  } finally {
    await services.dispose();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`draft-app harness: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
