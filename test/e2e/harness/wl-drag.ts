// Measures window/level dragging in the real renderer: how often cornerstone redraws and how long each redraw takes.
import type { Page } from 'playwright-core';

export interface DragStats {
  moves: number;
  frames: number;
  seconds: number;
  fps: number;
  renderMsMean: number;
  renderMsP95: number;
  /** Main-thread tasks over 50 ms during the drag (the UI would feel stuck). */
  longTasks: number;
}

export async function measureWlDrag(page: Page, moves = 200): Promise<DragStats> {
  await page.evaluate(() => {
    const w = window as unknown as { __wl?: { times: number[]; long: number } };
    const installed = w.__wl !== undefined;
    w.__wl = { times: [], long: 0 };
    if (installed) return;
    const el = document.querySelector('[data-testid=viewport]');
    el?.addEventListener('cornerstoneimagerendered', (e) => {
      w.__wl?.times.push((e as CustomEvent<{ renderTimeInMs: number }>).detail.renderTimeInMs);
    });
    new PerformanceObserver((list) => {
      if (w.__wl) w.__wl.long += list.getEntries().length;
    }).observe({ type: 'longtask' });
  });
  const box = await page.getByTestId('viewport').boundingBox();
  if (!box) throw new Error('viewport has no box');
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  const t0 = Date.now();
  for (let i = 1; i <= moves; i++) {
    const a = (i / moves) * Math.PI * 4;
    await page.mouse.move(x + Math.sin(a) * 200, y + Math.cos(a) * 120);
  }
  await page.mouse.up();
  const seconds = (Date.now() - t0) / 1000;
  await page.evaluate(() => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))));
  const { times, long } = await page.evaluate(() => (window as unknown as { __wl: { times: number[]; long: number } }).__wl);
  const sorted = [...times].sort((p, q) => p - q);
  return {
    moves,
    frames: times.length,
    seconds,
    fps: times.length / seconds,
    renderMsMean: times.reduce((s, t) => s + t, 0) / Math.max(times.length, 1),
    renderMsP95: sorted[Math.floor(sorted.length * 0.95)] ?? 0,
    longTasks: long,
  };
}
