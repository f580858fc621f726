import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReportSession, type SaveRequest } from '../../renderer/src/lib/state/autosave.svelte';
import type { ReportRecord } from '../../app/domain/report';

function record(req: SaveRequest, revision: number): ReportRecord {
  return {
    version: 1,
    studyInstanceUid: req.studyInstanceUid,
    sections: req.sections,
    status: 'draft',
    signedBy: null,
    signedAt: null,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    revision,
    provenance: null,
  };
}

describe('report autosave', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('saves once, within a second of the last keystroke, with the latest text and revision', async () => {
    const saves: SaveRequest[] = [];
    const s = new ReportSession('1.2.3', null, { save: async (r) => (saves.push(r), record(r, saves.length)), debounceMs: 600 });
    s.edit('findings', 'L');
    await vi.advanceTimersByTimeAsync(300);
    s.edit('findings', 'Lungs clear');
    expect(s.saveState).toBe('pending');
    await vi.advanceTimersByTimeAsync(599);
    expect(saves).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(saves).toEqual([{ studyInstanceUid: '1.2.3', sections: expect.objectContaining({ findings: 'Lungs clear' }), baseRevision: 0 }]);
    expect(s.saveState).toBe('saved');
    s.edit('impression', 'Normal');
    await s.flush();
    expect(saves[1].baseRevision).toBe(1);
    s.close();
  });

  it('shows a failed save, keeps the text and retries until it is stored', async () => {
    let fail = true;
    const saved: string[] = [];
    const s = new ReportSession('1.2.3', null, {
      save: async (r) => {
        if (fail) throw new Error('disk full');
        saved.push(r.sections.findings);
        return record(r, 1);
      },
      debounceMs: 100,
      retryMs: 1000,
    });
    s.edit('findings', 'Effusion');
    await vi.advanceTimersByTimeAsync(100);
    expect(s.saveState).toBe('failed');
    expect(s.saveError).toBe('disk full');
    expect(s.sections.findings).toBe('Effusion');
    fail = false;
    await vi.advanceTimersByTimeAsync(1000);
    expect(s.saveState).toBe('saved');
    expect(s.saveError).toBeNull();
    expect(saved).toEqual(['Effusion']);
    s.close();
  });

  it('saves text typed while a save is in flight', async () => {
    const saved: string[] = [];
    let release: () => void = () => {};
    const s = new ReportSession('1.2.3', null, {
      save: (r) =>
        new Promise<ReportRecord>((done) => {
          release = () => {
            saved.push(r.sections.findings);
            done(record(r, saved.length));
          };
        }),
      debounceMs: 50,
    });
    s.edit('findings', 'one');
    await vi.advanceTimersByTimeAsync(50);
    expect(s.saveState).toBe('saving');
    s.edit('findings', 'one two');
    const flushed = s.flush();
    release();
    await vi.advanceTimersByTimeAsync(0);
    release();
    await flushed;
    expect(saved).toEqual(['one', 'one two']);
    expect(s.saveState).toBe('saved');
    s.close();
  });

  it('restores sections from a stored record without saving', async () => {
    const save = vi.fn();
    const s = new ReportSession('1.2.3', record({ studyInstanceUid: '1.2.3', sections: { indication: 'Cough', technique: '', comparison: '', findings: 'x', impression: '' }, baseRevision: 0 }, 4), { save });
    expect(s.sections.indication).toBe('Cough');
    await s.flush();
    expect(save).not.toHaveBeenCalled();
    expect(s.saveState).toBe('saved');
  });

  it('stops retrying on a conflict until the clinician keeps their text', async () => {
    let stored = 3;
    const saves: SaveRequest[] = [];
    const conflict = Object.assign(new Error('changed elsewhere'), { code: 'conflict' });
    const s = new ReportSession('1.2.3', null, {
      save: async (r) => {
        saves.push(r);
        if (r.baseRevision !== stored) throw conflict;
        stored++;
        return record(r, stored);
      },
      load: async (): Promise<ReportRecord> => record({ studyInstanceUid: '1.2.3', sections: { indication: '', technique: '', comparison: '', findings: 'Theirs', impression: '' }, baseRevision: 0 }, stored),
      debounceMs: 10,
      retryMs: 10,
    });
    s.edit('findings', 'Mine');
    await vi.advanceTimersByTimeAsync(100);
    expect(s.saveState).toBe('failed');
    expect(s.conflict).toBe('conflict');
    expect(saves).toHaveLength(1);
    s.edit('findings', 'Mine too');
    await vi.advanceTimersByTimeAsync(100);
    expect(saves).toHaveLength(1);
    await s.keepMine();
    expect(s.saveState).toBe('saved');
    expect(saves[1]).toMatchObject({ baseRevision: 3, sections: expect.objectContaining({ findings: 'Mine too' }) });
    s.close();
  });
});
