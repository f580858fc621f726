// The hospital integration's storage: migration 5 on an existing database, the cache's purge order (signed studies
// first, least recently used first, never one in use), settings of an unknown version, and the draft lookup by image
// and model that keeps pre-drafting from repeating itself.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPacsSettings } from '../../../app/domain/pacs';
import { ImageCache } from '../../../main/pacs/image-cache';
import { PacsStore } from '../../../main/pacs/pacs-store';
import { readPacsSettings } from '../../../main/pacs/settings';
import { ReportStore } from '../../../main/storage/report-store';
import { SCHEMA_VERSION } from '../../../main/storage/database';

let dir: string;
let clock = 0;
const now = (): Date => new Date(Date.UTC(2026, 11, 1, 8, 0, clock++));

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'radraft-pacs-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('PacsStore', () => {
  it('knows which image was drafted with which model', () => {
    const reports = ReportStore.open(join(dir, 'radraft.db'), now);
    const pacs = PacsStore.open(join(dir, 'radraft.db'), now);
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(5);
    reports.recordProvenance('1.2.3', {
      draftId: 'd1',
      modelName: 'demo',
      manifestSha256: 'sha-a',
      dtype: 'fp32',
      prompt: 'report en',
      sopInstanceUid: '1.2.3.4',
      window: null,
      generation: { maxTokens: 64, greedy: true },
      startedAt: now().toISOString(),
      finishedAt: now().toISOString(),
      aiDraft: { findings: 'x' },
    });
    expect(pacs.hasDraft('1.2.3.4', 'sha-a')).toBe(true);
    expect(pacs.hasDraft('1.2.3.4', 'sha-b')).toBe(false);
    expect(pacs.hasDraft('1.2.3.5', 'sha-a')).toBe(false);
    pacs.close();
    reports.close();
  });

  it('purges signed studies first, least recently used first, never one in use', async () => {
    const store = PacsStore.open(join(dir, 'radraft.db'), now);
    const signed = new Set(['s-old-signed', 's-new-signed']);
    const cache = new ImageCache({ dir: join(dir, 'cache'), store, readHeader: async () => Promise.reject(new Error('unused')), isSigned: (uid) => signed.has(uid) });
    const add = (study: string, bytes: number): void => {
      const file = join(dir, 'cache', 'studies', study, 'a.dcm');
      mkdirSync(join(dir, 'cache', 'studies', study), { recursive: true });
      writeFileSync(file, Buffer.alloc(bytes));
      store.recordInstance({ sopInstanceUid: `${study}.1`, studyInstanceUid: study, seriesInstanceUid: `${study}.s`, filePath: file, bytes });
    };
    for (const study of ['s-old-signed', 'u-old', 's-new-signed', 'u-open', 'u-new']) add(study, 100);
    expect(cache.usedBytes()).toBe(500);
    expect(await cache.purge(500, new Set())).toEqual([]);
    // 250 bytes allowed: both signed studies go first (oldest first), then the oldest unsigned one not in use.
    expect(await cache.purge(250, new Set(['u-open']))).toEqual(['s-old-signed', 's-new-signed', 'u-old']);
    expect(cache.usedBytes()).toBe(200);
    expect(existsSync(join(dir, 'cache', 'studies', 'u-old', 'a.dcm'))).toBe(false);
    expect([...store.cachedStudies()].sort()).toEqual(['u-new', 'u-open']);
    // Using a study moves it to the back.
    store.touchStudy('u-open');
    expect(await cache.purge(100, new Set())).toEqual(['u-new']);
    store.close();
  });
});

describe('PACS settings', () => {
  it('falls back to the defaults (listener off, no nodes) for a version this Radraft does not know', () => {
    expect(readPacsSettings(undefined)).toEqual(defaultPacsSettings());
    expect(readPacsSettings({ version: 99, nodes: [{ id: 'x' }] })).toEqual(defaultPacsSettings());
    expect(readPacsSettings({ version: 1, nodes: 'not a list' })).toEqual(defaultPacsSettings());
    expect(defaultPacsSettings().listener.enabled).toBe(false);
  });
});
