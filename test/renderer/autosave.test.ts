import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReportSession, type SaveRequest } from '../../renderer/src/lib/state/autosave.svelte';
import type { ReportRecord } from '../../app/domain/report';

function record(req: SaveRequest, revision: number, extra: Partial<ReportRecord> = {}): ReportRecord {
  return {
    version: 2,
    studyInstanceUid: req.studyInstanceUid,
    sections: req.sections,
    status: 'draft',
    signedBy: null,
    signedAt: null,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    revision,
    provenance: null,
    ai: {},
    undo: null,
    addenda: [],
    ...extra,
  };
}

const at = '2026-01-01T00:00:00Z';
const blank = { indication: '', technique: '', comparison: '', findings: '', impression: '' };

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

  it('never overtakes: a sign sent while a save is in flight waits for it and signs the revision it left', async () => {
    const calls: string[] = [];
    let release: () => void = () => {};
    let revision = 0;
    const s = new ReportSession('1.2.3', null, {
      save: (r) =>
        new Promise<ReportRecord>((done) => {
          calls.push(`save@${r.baseRevision}`);
          release = () => done(record(r, ++revision));
        }),
      sign: async (r) => {
        calls.push(`sign@${r.baseRevision}:${r.sections.findings}`);
        return record({ studyInstanceUid: '1.2.3', sections: r.sections, baseRevision: r.baseRevision }, ++revision, { status: 'final', signedBy: r.signedBy });
      },
      debounceMs: 10,
    });
    s.edit('findings', 'Clear');
    await vi.advanceTimersByTimeAsync(10);
    s.edit('findings', 'Clear lungs.');
    const signed = s.sign('Dr A', []);
    release();
    await vi.advanceTimersByTimeAsync(0);
    release();
    await signed;
    expect(calls).toEqual(['save@0', 'save@1', 'sign@2:Clear lungs.']);
    expect(s.isFinal).toBe(true);
    s.close();
  });

  it('while a draft streams, saves keep the drafted sections as they were; a cancelled draft leaves no trace', async () => {
    const saves: SaveRequest[] = [];
    const s = new ReportSession('1.2.3', null, { save: async (r) => (saves.push(r), record(r, saves.length)), debounceMs: 10 });
    s.edit('findings', 'Mine.');
    await s.flush();
    s.beginDraft();
    s.editMany({ findings: 'Half a sen' });
    s.edit('indication', 'Cough.');
    await vi.advanceTimersByTimeAsync(10);
    expect(saves.at(-1)?.sections).toMatchObject({ findings: 'Mine.', indication: 'Cough.' });
    expect(s.sections.findings).toBe('Half a sen');
    s.abandonDraft();
    expect(s.sections.findings).toBe('Mine.');
    await s.flush();
    expect(saves.every((r) => r.sections.findings === 'Mine.')).toBe(true);
    s.close();
  });

  it('marks AI text unreviewed until it is accepted or edited, and Undo applies only to an untouched draft', async () => {
    const ai = { findings: { text: 'Lungs clear.', draftedAt: at, accepted: false } };
    const inserted = record({ studyInstanceUid: '1.2.3', sections: { ...blank, findings: 'Lungs clear.' }, baseRevision: 0 }, 2, { ai, undo: { sections: { findings: '', impression: '' }, ai: {} } });
    const saves: SaveRequest[] = [];
    const s = new ReportSession('1.2.3', inserted, {
      save: async (r) => (saves.push(r), record(r, 3 + saves.length, { ai: { findings: { ...ai.findings, accepted: !!r.accept?.includes('findings') } } })),
      debounceMs: 10,
    });
    expect(s.unreviewed).toEqual(['findings']);
    expect(s.origin('findings')).toBe('ai-unreviewed');
    expect(s.draftUntouched).toBe(true);
    s.edit('findings', 'Lungs clear. Small effusion.');
    expect(s.origin('findings')).toBe('ai-edited');
    expect(s.unreviewed).toEqual([]);
    expect(s.draftUntouched).toBe(false);
    s.edit('findings', 'Lungs clear.');
    await s.accept(['findings']);
    expect(saves.at(-1)?.accept).toEqual(['findings']);
    expect(s.origin('findings')).toBe('ai-accepted');
    s.close();
  });

  it('does not send a section over the size limit: it says why, and saves once the text fits', async () => {
    const saves: SaveRequest[] = [];
    const s = new ReportSession('1.2.3', null, { save: async (r) => (saves.push(r), record(r, saves.length)), debounceMs: 10 });
    s.edit('findings', 'x'.repeat(20_001));
    await vi.advanceTimersByTimeAsync(10);
    expect(saves).toHaveLength(0);
    expect(s.saveState).toBe('failed');
    expect(s.saveError).toMatch(/Findings is too long: 20,001 characters, the limit is 20,000/);
    s.edit('findings', 'x'.repeat(20_000));
    await vi.advanceTimersByTimeAsync(10);
    expect(saves).toHaveLength(1);
    expect(s.saveState).toBe('saved');
    s.close();
  });
});
