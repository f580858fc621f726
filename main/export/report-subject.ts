// Reads the source images' headers for the exports (PS3.3 C.7.1.1 Patient, C.7.2.1 General Study, C.7.3.1 General
// Series, C.12.1 SOP Common). Runs in the export worker: these are untrusted files.
import type { StudySummary } from '../../app/domain/study';
import { subjectFromSummary, type ReportSubject, type SubjectImage } from '../../app/report/subject';
import { HeaderReader } from '../dicom/header';
import { SourcesByPath } from '../archives/zip-path';
import { readDicomFile } from '../dicom/read-file';
import { parseDicomBytes } from '../dicom/parse';
import { DicomError } from '../dicom/errors';

export interface SourceImage {
  filePath: string;
  bytes: Uint8Array;
  header: HeaderReader;
}

/**
 * The study's images that could be read, in the study list's order; files that are gone or unreadable are skipped.
 * An image opened from a zip archive is read from it again (main/archives/zip-path.ts).
 */
export async function readSourceImages(summary: StudySummary): Promise<SourceImage[]> {
  const out: SourceImage[] = [];
  const seen = new Set<string>();
  const sources = new SourcesByPath();
  for (const image of summary.images) {
    if (seen.has(image.filePath)) continue;
    seen.add(image.filePath);
    try {
      // A copy: the reader may hold the file outside the JS heap (JPEG 2000) until released.
      const file = await readDicomFile(await sources.source(image.filePath));
      const bytes = file.bytes.slice();
      file.release();
      const parsed = parseDicomBytes(image.filePath, bytes, { untilPixelData: true });
      out.push({ filePath: image.filePath, bytes, header: new HeaderReader(parsed.dataSet) });
    } catch (error) {
      // A moved or damaged file only loses its own header values; the caller says what that means for the format.
      if (!(error instanceof DicomError)) throw error;
    }
  }
  return out;
}

/** The subject from the first readable image's header, with every readable image referenced. */
export function subjectFromImages(summary: StudySummary, images: readonly SourceImage[]): ReportSubject {
  const first = images[0]?.header;
  if (!first) return subjectFromSummary(summary, summary.splitFrom ?? summary.studyInstanceUid);
  const text = (tag: string): string => first.text(tag);
  const refs: SubjectImage[] = images.map(({ filePath, header }) => ({
    filePath,
    sopClassUid: header.text('x00080016'),
    sopInstanceUid: header.text('x00080018'),
    seriesInstanceUid: header.text('x0020000e'),
    modality: header.text('x00080060').toUpperCase(),
  }));
  return {
    patientName: text('x00100010'),
    patientId: text('x00100020'),
    issuerOfPatientId: text('x00100021'),
    patientBirthDate: text('x00100030'),
    patientSex: text('x00100040'),
    studyInstanceUid: text('x0020000d') || summary.studyInstanceUid,
    studyDate: text('x00080020'),
    studyTime: text('x00080030'),
    studyId: text('x00200010'),
    accessionNumber: text('x00080050'),
    studyDescription: text('x00081030'),
    referringPhysicianName: text('x00080090'),
    institutionName: text('x00080080'),
    modalities: [...new Set(refs.map((r) => r.modality).filter((m) => m !== ''))],
    images: refs.filter((r) => r.sopClassUid !== '' && r.sopInstanceUid !== ''),
    fromHeaders: true,
  };
}
