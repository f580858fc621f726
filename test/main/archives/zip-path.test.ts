// An image opened from a zip archive is named by the archive's path and the entry's (the study list's filePath,
// remembered with the study): the exports read it again from that path, also after a restart and after the
// archive was rewritten.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { SourcesByPath } from '../../../main/archives/zip-path';
import { listZipArchive } from '../../../main/archives/zip-listing';
import { readDicomDirectory, readHeader } from '../../../main/dicom';
import { readSourceImages, subjectFromImages } from '../../../main/export/report-subject';
import { StudyIndex } from '../../../main/studies/study-index';
import type { ImagePixels } from '../../../app/domain/study';
import { SIIM, SIIM_SOP_UID } from '../export/fixtures';
import { fixture } from '../dicom/fixtures';
import { buildZip } from './zip-writer';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'radraft-zip-path-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('SourcesByPath', () => {
  it('finds a file, an entry along the path, and leaves what is neither to fail as a missing file', async () => {
    const zip = join(dir, 'export.zip');
    writeFileSync(zip, buildZip([{ name: 'a/b/IM1', data: readFileSync(SIIM) }]));
    const sources = new SourcesByPath();
    expect(await sources.source(SIIM)).toEqual({ filePath: SIIM });
    const inside = `${zip}${sep}a${sep}b${sep}IM1`;
    const source = await sources.source(inside);
    expect(source.zipEntry).toMatchObject({ name: 'a/b/IM1', archive: { path: zip } });
    expect((await readHeader(source)).sopInstanceUid).toBe(SIIM_SOP_UID);
    for (const missing of [`${zip}${sep}a${sep}IM2`, join(dir, 'gone.zip', 'IM1'), join(dir, 'nothing')]) {
      expect(await sources.source(missing)).toEqual({ filePath: missing });
    }
  });

  it('reads the images of a study opened from a zip for an export (the DICOM SR references them), after the archive was rewritten', async () => {
    const zip = join(dir, 'study.zip');
    writeFileSync(zip, buildZip([{ name: 'DICOM/IM000001', data: readFileSync(SIIM) }]));
    const index = new StudyIndex({
      readHeader,
      readDicomDirectory,
      listZip: listZipArchive,
      loadPixels: async (_s, _f, imageId) => ({ imageId }) as ImagePixels,
    });
    const [study] = (await index.openPaths([zip])).studies;
    // Rewritten with another entry first: the offsets the study list knew are stale, the path still leads there.
    writeFileSync(zip, buildZip([{ name: 'README', data: Buffer.alloc(5000, 1) }, { name: 'DICOM/CT', data: readFileSync(fixture('pydicom-test-files', 'CT_small.dcm')) }, { name: 'DICOM/IM000001', data: readFileSync(SIIM) }]));
    const images = await readSourceImages(study);
    expect(images).toHaveLength(1);
    const subject = subjectFromImages(study, images);
    expect(subject.fromHeaders).toBe(true);
    expect(subject.images.map((i) => i.sopInstanceUid)).toEqual([SIIM_SOP_UID]);
  });
});
