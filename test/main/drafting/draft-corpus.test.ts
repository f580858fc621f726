// The corpus drafts are guessed ahead from, read from a real report database: the templates and the most recently
// signed reports, in the layout the model writes, and a key that changes exactly when one of them does.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptySections } from '../../../app/domain/report';
import { NORMAL_CHEST_FINDINGS, NORMAL_CHEST_IMPRESSION } from '../../../app/report/reporting-aids';
import { draftCorpus } from '../../../main/drafting/draft-corpus';
import { ReportStore } from '../../../main/storage/report-store';
import { ReportingAidsStore } from '../../../main/storage/reporting-aids-store';

let dir: string;
let store: ReportStore;
let aids: ReportingAidsStore;
let clock: number;
const now = (): Date => new Date(Date.UTC(2026, 11, 1, 9, 0, 0) + clock++ * 1000);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'radraft-corpus-'));
  clock = 0;
  store = ReportStore.open(join(dir, 'radraft.db'), now);
  aids = new ReportingAidsStore(store.database, now);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function signReport(uid: string, findings: string, impression: string): void {
  const saved = store.save(uid, { ...emptySections(), findings, impression, indication: 'Cough.' }, 0);
  store.sign(uid, { signedBy: 'Dr A', sections: saved.sections, baseRevision: saved.revision, accept: [] });
}

describe('draftCorpus', () => {
  it('holds the templates and the signed reports, in the layout the model writes', () => {
    signReport('1.1', 'Small left pleural effusion.', 'Left effusion.');
    store.save('1.2', { ...emptySections(), findings: 'Not signed yet.' }, 0);
    signReport('1.3', 'No pneumothorax.', '');
    expect(draftCorpus(store, aids).texts()).toEqual([
      `FINDINGS: ${NORMAL_CHEST_FINDINGS}\nIMPRESSION: ${NORMAL_CHEST_IMPRESSION}`,
      'FINDINGS: Small left pleural effusion.\nIMPRESSION: Left effusion.',
      'FINDINGS: No pneumothorax.',
    ]);
  });

  it('changes its key when a report is signed or a template changes, and only then', () => {
    const first = draftCorpus(store, aids).key;
    store.save('2.1', { ...emptySections(), findings: 'Draft text.' }, 0);
    expect(draftCorpus(store, aids).key).toBe(first);
    signReport('2.2', 'Clear lungs.', 'Normal.');
    const afterSign = draftCorpus(store, aids).key;
    expect(afterSign).not.toBe(first);
    aids.saveTemplate({ name: 'Effusion', sections: { findings: 'Pleural effusion.' } });
    expect(draftCorpus(store, aids).key).not.toBe(afterSign);
  });

  it('reads only the most recently signed reports, oldest first', () => {
    for (let i = 1; i <= 4; i++) signReport(`3.${i}`, `Report ${i}.`, '');
    expect(store.signedReports(undefined, 2).map((r) => r.sections.findings)).toEqual(['Report 3.', 'Report 4.']);
    expect(store.signedReports().map((r) => r.sections.findings)).toEqual(['Report 1.', 'Report 2.', 'Report 3.', 'Report 4.']);
  });
});
