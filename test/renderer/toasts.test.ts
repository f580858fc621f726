import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { alerts } from '../../renderer/src/lib/state/alerts.svelte';
import { TOAST_MS, toasts } from '../../renderer/src/lib/state/toasts.svelte';

describe('quiet notifications', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    for (const t of toasts.items) toasts.dismiss(t.id);
    for (const a of alerts.items) alerts.dismiss(a.id);
    vi.useRealTimers();
  });

  it('sums the opens made while the notice is on screen into one notice', () => {
    toasts.opened(2, ['s1']);
    toasts.opened(3, ['s2', 's3']);
    toasts.opened(1, ['s1']);
    expect(toasts.items.map((t) => t.title)).toEqual(['Opened 6 images in 3 studies']);
    vi.advanceTimersByTime(TOAST_MS + 1);
    expect(toasts.items).toEqual([]);
    toasts.opened(1, ['s9']);
    expect(toasts.items.map((t) => t.title)).toEqual(['Opened 1 image in 1 study']);
  });

  it('goes away on its own, but not while the pointer holds it', () => {
    toasts.push('ok', 'Report exported');
    const id = toasts.items[0].id;
    toasts.hold(id);
    vi.advanceTimersByTime(TOAST_MS * 3);
    expect(toasts.items).toHaveLength(1);
    toasts.release(id);
    vi.advanceTimersByTime(TOAST_MS + 1);
    expect(toasts.items).toHaveLength(0);
  });

  it('shows at most three at once, the newest', () => {
    for (let i = 1; i <= 5; i++) toasts.push('info', `Notice ${i}`);
    expect(toasts.items.map((t) => t.title)).toEqual(['Notice 3', 'Notice 4', 'Notice 5']);
  });

  it('keeps errors out of toasts: they stay in the study list until dismissed, repeats counted', () => {
    toasts.push('error', 'The study was not closed', 'A draft is being written.', { studyInstanceUid: 'u1' });
    toasts.push('error', 'The study was not closed', 'A draft is being written.', { studyInstanceUid: 'u1' });
    expect(toasts.items).toEqual([]);
    vi.advanceTimersByTime(TOAST_MS * 10);
    expect(alerts.items).toHaveLength(1);
    expect(alerts.items[0]).toMatchObject({ title: 'The study was not closed', count: 2, studyInstanceUid: 'u1' });
    expect(alerts.of('u1')).toHaveLength(1);
    alerts.forgetStudy('u1');
    expect(alerts.items).toEqual([]);
  });
});
