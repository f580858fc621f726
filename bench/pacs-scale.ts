// Hospital integration at scale (issue 12, items 6 and 7): a real Orthanc loaded with N chest radiograph studies
// (copies of the shared files with new Study/Series/SOP Instance UIDs, dated today), the real services and the real
// renderer in headless Chromium. The worklist is queried in the UI, pre-drafting is turned on and every study is
// retrieved (C-GET, or WADO-RS with --retrieve wado-rs) and drafted in the background with the active model, while
// the bench types into the open report like a clinician.
//
// Reports: query time, studies/minute (retrieve + open + draft, end to end), retrieval MB/s (bytes the PACS sent ÷
// time from each retrieve's start to its end), peak RSS of the process that holds the main services and their
// workers (Electron's main process in the app), and the responsiveness figure of item 6: input-to-paint latency of
// keystrokes in the Findings box (keydown → the frame after it, as requestAnimationFrame + a task see it) and
// main-process event-loop delay, idle versus while pre-drafting runs.
//
// Usage: npm run build && npx tsx bench/pacs-scale.ts [--studies 200] [--model-dir DIR] [--threads N]
//          [--retrieve c-get|wado-rs] [--files A.dcm,B.dcm | --shared DIR] [--keystroke-ms 100] [--idle-keystrokes 150]
//          [--max-minutes M]  (stop waiting after M minutes of pre-drafting and report what finished)
//   demo model, 200 studies:       npx tsx bench/pacs-scale.ts
//   full-size int4 3B, 5 studies:  npx tsx bench/pacs-scale.ts --studies 5 --model-dir /tmp/pg3b-int4
// Default files: every ../shared/data/cxr/*.dcm (--shared: where the shared folder is, from a worktree elsewhere). The machine's load average is printed with the figures.
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { cpus, loadavg, tmpdir } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import type { PredraftStatus, RetrieveProgress } from '../app/domain/pacs';
import { ROOT } from '../test/e2e/harness/server';
import { openFile, runBench, withApp } from './in-app';
import { startOrthanc } from '../test/support/orthanc';

const { values } = parseArgs({
  options: {
    studies: { type: 'string', default: '200' },
    'model-dir': { type: 'string' },
    threads: { type: 'string' },
    retrieve: { type: 'string', default: 'c-get' },
    files: { type: 'string' },
    'keystroke-ms': { type: 'string', default: '100' },
    'idle-keystrokes': { type: 'string', default: '150' },
    shared: { type: 'string', default: join(ROOT, '../shared') },
    'max-minutes': { type: 'string' },
  },
});
const STUDIES = Number(values.studies);
const KEYSTROKE_MS = Number(values['keystroke-ms']);
const SHARED_CXR = join(values.shared, 'data/cxr');
const FILES = values.files ? values.files.split(',').map((f) => resolve(f)) : readdirSync(SHARED_CXR).filter((f) => f.endsWith('.dcm')).map((f) => join(SHARED_CXR, f));
const PASSWORD = 'bench-secret';
const MAX_MS = values['max-minutes'] ? Number(values['max-minutes']) * 60_000 : null;

const today = (): string => {
  const d = new Date();
  return `${d.getFullYear()}${String(d.getMonth() + 1).padStart(2, '0')}${String(d.getDate()).padStart(2, '0')}`;
};

/** Peak and current resident set of this process (services, decode and inference workers: one process). */
function rss(): { peakMiB: number; nowMiB: number } {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kib = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { peakMiB: kib('VmHWM') / 1024, nowMiB: kib('VmRSS') / 1024 };
}

interface Latency {
  n: number;
  p50: number;
  p95: number;
  max: number;
  over50: number;
}

function summarise(samples: number[]): Latency {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(s.length * q))] ?? 0;
  return { n: s.length, p50: at(0.5), p95: at(0.95), max: s.at(-1) ?? 0, over50: s.filter((v) => v > 50).length };
}

const fmt = (l: Latency): string => `${l.n} keystrokes: p50 ${l.p50.toFixed(1)} ms, p95 ${l.p95.toFixed(1)} ms, max ${l.max.toFixed(1)} ms, ${l.over50} over 50 ms`;

/**
 * Installed in the page: each keydown in Findings records the time from the event's creation to the first task after
 * the next animation frame (the frame that shows the character). A string, so no tsx helper leaks into the page.
 */
const INSTALL = `(() => {
  const w = window;
  w.__latency = [];
  w.__longTasks = 0;
  new PerformanceObserver((list) => { w.__longTasks += list.getEntries().length; }).observe({ type: 'longtask' });
  document.querySelector('[data-testid=section-findings]').addEventListener('keydown', (e) => {
    const t0 = e.timeStamp;
    requestAnimationFrame(() => setTimeout(() => w.__latency.push(performance.now() - t0), 0));
  });
})()`;

async function takeLatencies(page: Page): Promise<{ samples: number[]; longTasks: number }> {
  return page.evaluate(`(() => { const r = { samples: window.__latency, longTasks: window.__longTasks }; window.__latency = []; window.__longTasks = 0; return r; })()`) as Promise<{
    samples: number[];
    longTasks: number;
  }>;
}

/** Types into Findings every KEYSTROKE_MS until `done()` (or `count` keys); the box is emptied now and then. */
async function typeUntil(page: Page, done: (typed: number) => boolean): Promise<number> {
  const box = page.getByTestId('section-findings');
  let typed = 0;
  while (!done(typed)) {
    const t = Date.now();
    await box.press(typed % 60 === 59 ? 'Enter' : 'abcdefghijklmnopqrstuvwxyz'[typed % 26]);
    typed++;
    if (typed % 300 === 0) await box.fill('');
    await new Promise((r) => setTimeout(r, Math.max(0, KEYSTROKE_MS - (Date.now() - t))));
  }
  return typed;
}

async function main(): Promise<void> {
  console.log(`load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (${cpus().length} CPUs)`);
  const modelsDir = mkdtempSync(join(tmpdir(), 'radraft-bench-models-'));
  const modelId = values['model-dir'] ? basename(resolve(values['model-dir'])) : null;
  if (values['model-dir'] && modelId) symlinkSync(resolve(values['model-dir']), join(modelsDir, modelId));

  const orthanc = await startOrthanc({ users: { radraft: PASSWORD } });
  try {
    await withApp({ modelsDir }, async (harness, page) => {
      // The PACS: N copies of the shared studies, with new UIDs, dated today.
      const t = performance.now();
      const uids = await orthanc.loadCopies(FILES, STUDIES, (i) => ({
        StudyDate: today(),
        StudyTime: `${String(6 + Math.floor(i / 60)).padStart(2, '0')}${String(i % 60).padStart(2, '0')}00`,
        AccessionNumber: `BENCH${String(i).padStart(5, '0')}`,
      }));
      console.log(`orthanc: ${uids.length} studies loaded from ${FILES.length} files in ${((performance.now() - t) / 1000).toFixed(1)} s`);

      // Events main sends: retrieve progress (timed here), queue changes; not kept (the harness would hold them all).
      const retrieves = new Map<string, { start: number; end: number | null; bytes: number }>();
      const finishedAt = new Map<string, number>();
      let lastStatus: PredraftStatus | null = null;
      harness.events.push = (...items) => {
        const now = performance.now();
        for (const { event, payload } of items) {
          if (event === 'pacs:retrieveProgress') {
            const p = payload as RetrieveProgress;
            const r = retrieves.get(p.studyInstanceUid) ?? { start: now, end: null, bytes: 0 };
            r.bytes = p.bytes;
            if (p.state !== 'retrieving') r.end = now;
            retrieves.set(p.studyInstanceUid, r);
          } else if (event === 'predraft:changed') {
            lastStatus = payload as PredraftStatus;
            for (const j of lastStatus.jobs) if ((j.state === 'ready' || j.state === 'failed') && !finishedAt.has(j.studyInstanceUid)) finishedAt.set(j.studyInstanceUid, now);
          }
        }
        return 0;
      };

      // The model: the demo, or the given folder.
      if (modelId) await harness.services.handlers['models:setActive']({ modelId });
      const [active] = (await harness.services.handlers['models:list']({})).filter((m) => m.active);
      if (!active) throw new Error('No active model.');
      console.log(`model: ${active.name} (${active.dtype}, ${active.imageSize} px)${active.problem ? ` — problem: ${active.problem}` : ''}`);

      // The node, as PACS settings would save it.
      await harness.services.handlers['pacs:saveNode']({
        node: {
          name: 'Bench PACS',
          aeTitle: orthanc.aeTitle,
          host: '127.0.0.1',
          port: orthanc.dicomPort,
          dicomWebUrl: orthanc.dicomWebUrl,
          auth: { kind: 'basic', username: 'radraft' },
          tls: { dimse: false, caPem: null },
          query: 'dimse',
          retrieve: values.retrieve === 'wado-rs' ? 'wado-rs' : 'c-get',
        },
        secret: PASSWORD,
        allowPlainSecret: false,
      });

      // The window reads the settings again (the worklist reads them when it starts).
      await page.reload();
      // The clinician's open study (a local file): the report they type into.
      await openFile(harness, page, FILES[0]);
      await page.getByTestId('section-findings').waitFor({ timeout: 120_000 });
      await page.evaluate(INSTALL);
      const eld = monitorEventLoopDelay({ resolution: 10 });

      // Idle: nothing in the background.
      await page.getByTestId('section-findings').click();
      await takeLatencies(page);
      eld.enable();
      await typeUntil(page, (n) => n >= Number(values['idle-keystrokes']));
      eld.disable();
      await new Promise((r) => setTimeout(r, 300));
      const idle = await takeLatencies(page);
      const idleEld = { p99: eld.percentile(99) / 1e6, max: eld.max / 1e6 };
      eld.reset();

      // Pre-drafting on, then the worklist queried in the UI: the query queues every listed study.
      const threads = values.threads ? Number(values.threads) : null;
      await harness.services.handlers['pacs:savePredraft']({ enabled: true, threads });
      await page.getByTestId('tab-worklist').click();
      const start = performance.now();
      await page.getByTestId('worklist-refresh').click();
      await page.getByTestId('worklist-entry').nth(STUDIES - 1).waitFor({ timeout: 300_000 });
      const queryS = (performance.now() - start) / 1000;
      const listed = await page.getByTestId('worklist-entry').count();
      console.log(`worklist: ${listed} studies listed in ${queryS.toFixed(2)} s (C-FIND study level + one image-level C-FIND per study for views)`);
      await page.getByTestId('section-findings').click();
      await takeLatencies(page);
      eld.enable();
      let lastReport = start;
      const finished = (): boolean => {
        const now = performance.now();
        if (now - lastReport > 30_000) {
          lastReport = now;
          console.log(`  … ${finishedAt.size}/${STUDIES} finished after ${((now - start) / 1000).toFixed(0)} s, load ${loadavg()[0].toFixed(2)}, RSS ${rss().nowMiB.toFixed(0)} MiB`);
        }
        return finishedAt.size >= STUDIES || (MAX_MS !== null && now - start > MAX_MS);
      };
      await typeUntil(page, finished);
      const elapsedMin = (performance.now() - start) / 60_000;
      eld.disable();
      await new Promise((r) => setTimeout(r, 300));
      const busy = await takeLatencies(page);
      const busyEld = { p99: eld.percentile(99) / 1e6, max: eld.max / 1e6 };

      const status = await harness.services.handlers['predraft:status']({});
      const failed = status.jobs.filter((j) => j.state === 'failed');
      const notes = status.jobs.filter((j) => j.state === 'ready' && j.reason);
      let bytes = 0;
      let seconds = 0;
      for (const r of retrieves.values()) {
        if (r.end === null) continue;
        bytes += r.bytes;
        seconds += (r.end - r.start) / 1000;
      }
      const drafted = uids.filter((u) => finishedAt.has(u)).length;
      const record = await harness.services.handlers['report:get']({ studyInstanceUid: uids[0] });

      console.log('');
      console.log(`studies: ${STUDIES} (${FILES.length} source files), retrieve: ${values.retrieve}, background threads: ${threads ?? 'auto'}, model: ${active.name}`);
      console.log(`pre-drafted: ${drafted - failed.length} ready, ${failed.length} failed${failed[0] ? ` (first: ${failed[0].reason})` : ''}, ${notes.length} with a note${notes[0] ? ` (first: ${notes[0].reason})` : ''}`);
      console.log(`first study's draft: ${record?.provenance ? `by ${record.provenance.modelName}, findings ${record.sections.findings.length} chars` : 'none'}`);
      console.log(
        `throughput: ${(drafted / elapsedMin).toFixed(2)} studies/minute (${drafted} of ${STUDIES} finished in ${(elapsedMin * 60).toFixed(1)} s, retrieve + open + draft, one at a time)` +
          (drafted < STUDIES ? ` — stopped by --max-minutes; ${finishedAt.size > 0 ? `first finished after ${((Math.min(...finishedAt.values()) - start) / 1000).toFixed(0)} s` : 'none finished'}` : ''),
      );
      console.log(`retrieval: ${(bytes / 1024 / 1024).toFixed(1)} MiB in ${seconds.toFixed(1)} s of retrieves → ${(bytes / 1024 / 1024 / Math.max(seconds, 1e-3)).toFixed(1)} MiB/s`);
      console.log(`peak RSS (services + workers process): ${rss().peakMiB.toFixed(0)} MiB`);
      console.log(`responsiveness, input-to-paint in Chromium:`);
      console.log(`  idle:          ${fmt(summarise(idle.samples))}; long tasks ${idle.longTasks}; main event-loop delay p99 ${idleEld.p99.toFixed(1)} ms, max ${idleEld.max.toFixed(1)} ms`);
      console.log(`  pre-drafting:  ${fmt(summarise(busy.samples))}; long tasks ${busy.longTasks}; main event-loop delay p99 ${busyEld.p99.toFixed(1)} ms, max ${busyEld.max.toFixed(1)} ms`);
      console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    });
  } finally {
    await orthanc.stop();
    rmSync(modelsDir, { recursive: true, force: true });
  }
}

runBench(main);
