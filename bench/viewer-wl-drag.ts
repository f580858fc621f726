// Window/level drag smoothness on a 2k×2k 16-bit film in the real renderer (headless Chromium, software rendering)
// against the real main services. Reports redraws per second and cornerstone's per-redraw render time.
// Usage: npm run build && npx tsx bench/viewer-wl-drag.ts [FILE.dcm]
// Default file: ../shared/data/cxr-derived/pydicom966_dx_pa_mono1_12bit_explicitLE.dcm (2128×2000, 12 bits in 16).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../test/e2e/harness/server';
import { measureWlDrag } from '../test/e2e/harness/wl-drag';
import { openFile, runBench, withApp } from './in-app';

async function main(): Promise<void> {
  const file = process.argv[2] ?? join(ROOT, '../shared/data/cxr-derived/pydicom966_dx_pa_mono1_12bit_explicitLE.dcm');
  if (!existsSync(file)) throw new Error(`No such file: ${file}`);
  await withApp({}, async (harness, page) => {
    await openFile(harness, page, file);
    const size = await page.locator('[data-testid=overlay-study] .dim').innerText();
    // One warm-up drag (LUT allocation, JIT), then the measured one.
    await measureWlDrag(page, 40);
    const stats = await measureWlDrag(page, 300);
    console.log(`image ${size}`);
    console.log(
      `W/L drag: ${stats.moves} mouse moves in ${stats.seconds.toFixed(2)} s → ${stats.frames} redraws (${stats.fps.toFixed(1)} fps); ` +
        `render ${stats.renderMsMean.toFixed(1)} ms mean, ${stats.renderMsP95.toFixed(1)} ms p95; long tasks ${stats.longTasks}`,
    );
  });
}

runBench(main);
