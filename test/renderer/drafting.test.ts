import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { DraftEvent } from '../../app/domain/model';
import type { StudySummary } from '../../app/domain/study';
import type { ReportRecord, ReportSections } from '../../app/domain/report';
import type { SaveRequest } from '../../renderer/src/lib/state/autosave.svelte';

let listener: ((e: DraftEvent) => void) | null = null;
const startDraft = vi.fn(async () => ({ draftId: 'd1' }));
const cancelDraft = vi.fn(async () => ({ cancelled: true }));
vi.mock('../../renderer/src/lib/api', () => ({
  api: { startDraft, cancelDraft },
  on: (_event: string, l: (e: DraftEvent) => void) => {
    listener = l;
    return () => undefined;
  },
}));

const { drafting } = await import('../../renderer/src/lib/state/drafting.svelte');
const { ReportSession } = await import('../../renderer/src/lib/state/autosave.svelte');
type ReportSession = InstanceType<typeof ReportSession>;

const study: StudySummary = {
  studyInstanceUid: '1.2',
  patientName: '',
  patientId: '',
  studyDate: '',
  studyDescription: '',
  accessionNumber: '',
  modalities: ['CR'],
  images: [
    { imageId: 'lat', filePath: '/a', sopInstanceUid: 's1', seriesInstanceUid: 'x', studyInstanceUid: '1.2', modality: 'CR', viewPosition: 'LL', rows: 10, columns: 10, frames: 1 },
    { imageId: 'pa', filePath: '/b', sopInstanceUid: 's2', seriesInstanceUid: 'x', studyInstanceUid: '1.2', modality: 'CR', viewPosition: 'PA', rows: 1000, columns: 800, frames: 1 },
  ],
};

function stored(sections: ReportSections, revision: number, filled: Partial<ReportSections> = {}): ReportRecord {
  const at = '2026-01-01T00:00:00Z';
  return { version: 2, studyInstanceUid: '1.2', sections, status: 'draft', signedBy: null, signedAt: null, createdAt: at, updatedAt: at, revision, provenance: null, ai: {}, undo: { sections: filled, ai: {} }, addenda: [] };
}

/** A session whose main stores what it is sent and, on insertDraft, what the editor showed in Findings and Impression. */
function session() {
  let revision = 0;
  const s: ReportSession = new ReportSession('1.2', null, {
    save: vi.fn(async (r: SaveRequest) => stored(r.sections, ++revision)),
    insertDraft: vi.fn(async () => stored({ ...s.sections }, ++revision, { findings: '', impression: '' })),
    debounceMs: 60_000,
  });
  return s;
}

const emit = (e: DraftEvent) => listener?.(e);
const token = (text: string, probability = 0.9): DraftEvent => ({ type: 'token', draftId: 'd1', text, probability, tokensPerSecond: 12 });

describe('drafting in the renderer', () => {
  beforeEach(() => {
    startDraft.mockClear();
    cancelDraft.mockClear();
  });

  it('streams tokens into Findings and Impression and keeps what the model wrote', async () => {
    const s = session();
    s.edit('indication', 'Chest pain');
    await drafting.draft(study, 'lat', s);
    expect(startDraft).toHaveBeenCalledWith({ studyInstanceUid: '1.2', imageId: 'lat', task: 'report', indication: 'Chest pain' });
    emit({ type: 'stage', draftId: 'd1', stage: 'writing' });
    emit(token('FINDINGS: Small'));
    emit(token(' effusion.\nIMPRESS', 0.3));
    expect(s.sections.findings).toBe('Small effusion.');
    expect(s.sections.impression).toBe('');
    emit(token('ION: Effusion.'));
    expect(s.sections.impression).toBe('Effusion.');
    expect(drafting.tokens).toBe(3);
    expect(drafting.tokensPerSecond).toBe(12);
    // Until main has put the draft in, saves store the sections as they were before it.
    expect(s.drafting).toBe(true);
    await s.flush();
    expect(s.record?.sections).toMatchObject({ indication: 'Chest pain', findings: '', impression: '' });
    expect(s.sections.findings).toBe('Small effusion.');
    emit({ type: 'done', draftId: 'd1', text: 'FINDINGS: Small effusion.\nIMPRESSION: Effusion.', boxes: [] });
    await vi.waitFor(() => expect(s.drafting).toBe(false));
    expect(s.record?.sections).toMatchObject({ findings: 'Small effusion.', impression: 'Effusion.' });
    expect(drafting.running).toBe(false);
    expect(drafting.ai['1.2'].sections).toEqual({ findings: 'Small effusion.', impression: 'Effusion.' });
    expect(drafting.ai['1.2'].spans[1]).toMatchObject({ probability: 0.3 });
    expect(s.sections.indication).toBe('Chest pain');
    s.close();
  });

  it('puts everything in Findings when the model writes no headers, and ignores other drafts’ events', async () => {
    const s = session();
    await drafting.draft(study, 'pa', s);
    emit({ ...token('Ignored'), draftId: 'other' });
    emit(token('Clear lungs.'));
    emit({ type: 'done', draftId: 'd1', text: 'Clear lungs.', boxes: [] });
    expect(s.sections.findings).toBe('Clear lungs.');
    s.close();
  });

  it('restores the report as it was when the draft is cancelled or fails', async () => {
    const s = session();
    s.edit('findings', 'Mine.');
    await drafting.draft(study, 'pa', s);
    emit(token('FINDINGS: Theirs'));
    expect(s.sections.findings).toBe('Theirs');
    await drafting.cancel();
    expect(cancelDraft).toHaveBeenCalledWith('d1');
    emit({ type: 'stage', draftId: 'd1', stage: 'cancelled' });
    expect(s.sections.findings).toBe('Mine.');
    expect(drafting.running).toBe(false);

    await drafting.draft(study, 'pa', s);
    emit(token('FINDINGS: Half'));
    emit({ type: 'error', draftId: 'd1', message: 'worker died' });
    expect(s.sections.findings).toBe('Mine.');
    expect(drafting.error).toBe('worker died');
    s.close();
  });

  it('handles events that arrive before draft:start answers', async () => {
    let answer: (v: { draftId: string }) => void = () => undefined;
    startDraft.mockImplementationOnce(() => new Promise((done) => (answer = done)));
    const s = session();
    const started = drafting.draft(study, 'pa', s);
    emit(token('FINDINGS: Early'));
    answer({ draftId: 'd1' });
    await started;
    expect(s.sections.findings).toBe('Early');
    emit({ type: 'done', draftId: 'd1', text: 'FINDINGS: Early', boxes: [] });
    s.close();
  });

  it('keeps located boxes for the frontal image main drafts from', async () => {
    await drafting.locate(study, 'lat', 'pneumothorax');
    expect(startDraft).toHaveBeenCalledWith({ studyInstanceUid: '1.2', imageId: 'lat', task: 'detect', detectLabel: 'pneumothorax' });
    emit({ type: 'done', draftId: 'd1', text: '', boxes: [{ label: 'pneumothorax', y0: 1, x0: 2, y1: 3, x1: 4 }] });
    expect(drafting.boxes.pa).toHaveLength(1);
  });
});
