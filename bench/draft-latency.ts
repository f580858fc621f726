// Time from pressing Draft to the first word on screen and to the finished draft, measured in the real renderer
// (headless Chromium) against the real main services and engine. Cold = first draft (model load included),
// warm = the next drafts on the same model.
// Usage: npm run build && npx tsx bench/draft-latency.ts [--models-dir DIR --model ID] [--file FILE.dcm] [--runs 3]
// Default: the embedded demo model on ../shared/data/cxr/siim_…4904….dcm.
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { ROOT } from '../test/e2e/harness/server';
import { openFile, runBench, withApp } from './in-app';

const { values } = parseArgs({
  options: {
    'models-dir': { type: 'string' },
    model: { type: 'string' },
    file: { type: 'string', default: join(ROOT, '../shared/data/cxr/siim_1.2.276.0.7230010.3.1.4.8323329.4904.1517875185.355709.dcm') },
    runs: { type: 'string', default: '3' },
  },
});

interface Timing {
  firstWordMs: number;
  finishedMs: number;
}

/**
 * Runs in the page: clicks Draft (and the replace confirmation), then watches every animation frame for the first
 * model text in Findings and for the progress strip to go. A string, so no tsx helper leaks into the page.
 */
const MEASURE = `new Promise((done) => {
  const findings = document.querySelector('[data-testid=section-findings]');
  const before = findings.value;
  const t0 = performance.now();
  let first = 0;
  document.querySelector('[data-testid=draft]').click();
  const tick = () => {
    document.querySelector('[data-testid=confirm-ok]')?.click();
    const now = performance.now();
    // The first generated token on screen: new text in Findings, or the progress strip counting a token (a
    // random-weight benchmark model may write only whitespace, which the editor shows as no word).
    const rate = document.querySelector('[data-testid=draft-rate]');
    const tokenShown = rate !== null && /^[1-9][0-9]* tokens/.test(rate.textContent.trim());
    if (!first && ((findings.value !== '' && findings.value !== before) || tokenShown)) first = now;
    const busy = document.querySelector('[data-testid=draft-progress]') !== null;
    // Finished: the strip is gone and the editor is editable again (it is read-only while the model writes).
    if (!busy && !findings.readOnly && first && now - t0 > 50) return done({ firstWordMs: first - t0, finishedMs: now - t0 });
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})`;

async function main(): Promise<void> {
  await withApp(values['models-dir'] ? { modelsDir: values['models-dir'] } : {}, async (harness, page) => {
    if (values.model) await harness.services.handlers['models:setActive']({ modelId: values.model });
    const [active] = (await harness.services.handlers['models:list']({})).filter((m) => m.active);
    if (!active) throw new Error('No active model.');
    await openFile(harness, page, values.file);
    // Drafting asks before replacing text: accept automatically so every run measures the same path.
    const timings: Timing[] = [];
    for (let run = 0; run < Number(values.runs); run++) {
      const timing = (await page.evaluate(MEASURE)) as Timing;
      timings.push(timing);
      console.log(`run ${run + 1}: first token ${timing.firstWordMs.toFixed(0)} ms, finished ${timing.finishedMs.toFixed(0)} ms`);
      // Make the next run see "new" text appear: clear what the model wrote.
      // (Skipped when the editor stays read-only, e.g. after a whitespace-only draft from a random-weight model.)
      for (const id of ['section-findings', 'section-impression']) {
        const box = page.getByTestId(id);
        if (await box.isEditable()) await box.fill('');
      }
    }
    console.log(`model: ${active.name} (${active.dtype}, ${active.imageSize} px)`);
    timings.forEach((t, i) =>
      console.log(`${i === 0 ? 'cold' : 'warm'} run ${i + 1}: first word ${t.firstWordMs.toFixed(0)} ms, finished ${t.finishedMs.toFixed(0)} ms`),
    );
  });
}

runBench(main);
