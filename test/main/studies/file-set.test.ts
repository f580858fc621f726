// Finding a DICOMDIR's File IDs (PS3.10 8.2) on real media: ISO 9660 names with version suffixes, name mapping to
// lower case, copies that changed the case, and the names inside a zip archive.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { DiskTree, ZipTree, resolveFileId } from '../../../main/studies/file-set';
import { isCandidateEntry, isDicomdirName, mediaName } from '../../../main/studies/file-names';
import type { ZipListing } from '../../../main/archives/zip-listing';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'radraft-fileset-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function touch(...parts: string[]): void {
  mkdirSync(join(dir, ...parts.slice(0, -1)), { recursive: true });
  writeFileSync(join(dir, ...parts), '');
}

describe('media names', () => {
  it('compares names as ISO 9660 and mounted discs write them', () => {
    for (const name of ['IM000001', 'IM000001;1', 'IM000001.;1', 'IM000001.', 'im000001', 'Im000001;12']) expect(mediaName(name), name).toBe('IM000001');
    expect(mediaName('IM000001.DCM;1')).toBe('IM000001.DCM');
    for (const name of ['DICOMDIR', 'DICOMDIR;1', 'dicomdir', 'DICOMDIR.']) expect(isDicomdirName(name), name).toBe(true);
    expect(isDicomdirName('DICOMDIR-bigEnd')).toBe(false);
  });

  it('skips zip entries that cannot be DICOM', () => {
    expect(isCandidateEntry('IMAGES/IM000001')).toBe(true);
    expect(isCandidateEntry('DICOMDIR')).toBe(true);
    for (const name of ['IMAGES/', '__MACOSX/IMAGES/._IM000001', 'IMAGES/.DS_Store', '.hidden/IM1', 'README.TXT', 'viewer/setup.exe', 'inner.zip']) {
      expect(isCandidateEntry(name), name).toBe(false);
    }
  });
});

describe('resolveFileId on disk', () => {
  it('finds files whatever the medium did to their names', async () => {
    touch('PT000000', 'ST000000', 'SE000000', 'IM000001;1');
    touch('PT000000', 'ST000000', 'SE000000', 'IM000002.;1');
    touch('pt000000', 'st000001', 'im000003');
    touch('PT000000', 'ST000000', 'SE000000', 'Im000004.');
    const tree = new DiskTree();
    expect(await resolveFileId(tree, dir, ['PT000000', 'ST000000', 'SE000000', 'IM000001'])).toBe(join(dir, 'PT000000', 'ST000000', 'SE000000', 'IM000001;1'));
    expect(await resolveFileId(tree, dir, ['PT000000', 'ST000000', 'SE000000', 'IM000002'])).toBe(join(dir, 'PT000000', 'ST000000', 'SE000000', 'IM000002.;1'));
    expect(await resolveFileId(tree, dir, ['PT000000', 'ST000001', 'IM000003'])).toBe(join(dir, 'pt000000', 'st000001', 'im000003'));
    expect(await resolveFileId(tree, dir, ['pt000000', 'st000000', 'se000000', 'im000004'])).toBe(join(dir, 'PT000000', 'ST000000', 'SE000000', 'Im000004.'));
    expect(await resolveFileId(tree, dir, ['PT000000', 'ST000000', 'SE000000', 'IM000009'])).toBeNull();
    // A folder is not a file, nor a file a folder.
    expect(await resolveFileId(tree, dir, ['PT000000', 'ST000000', 'SE000000'])).toBeNull();
    expect(await resolveFileId(tree, dir, ['PT000000', 'ST000000', 'SE000000', 'IM000001', 'X'])).toBeNull();
  });

  it('prefers the exact name where a case-sensitive file system holds several spellings', async () => {
    touch('IMAGES', 'im1');
    touch('IMAGES', 'IM1');
    expect(await resolveFileId(new DiskTree(), dir, ['IMAGES', 'im1'])).toBe(join(dir, 'IMAGES', 'im1'));
    expect(await resolveFileId(new DiskTree(), dir, ['IMAGES', 'IM1'])).toBe(join(dir, 'IMAGES', 'IM1'));
  });
});

describe('ZipTree', () => {
  const listing = (names: string[]): ZipListing => ({
    archive: { path: join(dir, 'cd.zip'), size: 1, mtimeMs: 1 },
    entries: names.map((name, i) => ({ name, localHeaderOffset: i * 100, compressedSize: 1, uncompressedSize: 1, method: 0, crc32: 0 })),
    refused: [],
    truncated: false,
  });

  it('resolves File IDs among the entries, relative to the DICOMDIR’s folder', async () => {
    const tree = new ZipTree(listing(['CD/DICOMDIR', 'CD/dicom/pt0/IM1;1', 'CD/DICOM/PT0/IM2', 'other/IM1']));
    expect(await resolveFileId(tree, 'CD', ['DICOM', 'PT0', 'IM1'])).toBe('CD/dicom/pt0/IM1;1');
    expect(await resolveFileId(tree, 'CD', ['DICOM', 'PT0', 'IM2'])).toBe('CD/DICOM/PT0/IM2');
    expect(await resolveFileId(tree, '', ['other', 'IM1'])).toBe('other/IM1');
    expect(await resolveFileId(tree, 'CD', ['DICOM', 'PT0', 'IM3'])).toBeNull();
    const source = tree.source('CD/DICOM/PT0/IM2');
    expect(source.filePath).toBe(`${join(dir, 'cd.zip')}${sep}CD${sep}DICOM${sep}PT0${sep}IM2`);
    expect(source.zipEntry).toMatchObject({ name: 'CD/DICOM/PT0/IM2', localHeaderOffset: 200, archive: { path: join(dir, 'cd.zip') } });
  });
});
