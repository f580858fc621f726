// The reports signed in this Radraft as a validation dataset: the signed findings + impression are the reference, the
// image is the one the AI draft was made from (its SOP Instance UID in the draft provenance), else the study's frontal
// image (app/domain/views.ts), looked up by UID among the DICOM files of the folders the user names (the report database keeps no paths).
import type { ReportRecord } from '../../app/domain/report';
import { DatasetError } from '../../app/eval/dataset';
import { scoredText } from '../../app/eval/scored-text';
import { preferredImage } from '../../app/domain/views';
import { readHeader } from '../dicom/index';
import { collectFiles } from '../studies/collect-sources';
import type { EvalCaseSpec, LoadedDataset } from './eval-case';
import { datasetFingerprint } from './fingerprint';

/** What validation needs of a signed report (fields every record version keeps). */
export interface SignedCase {
  studyInstanceUid: string;
  /** The image the AI draft was made from, when the report had one. */
  sopInstanceUid: string | null;
  indication: string;
  findings: string;
  impression: string;
  signedAt: string;
}

interface IndexedImage {
  /** The file path (what app/domain/views.ts calls the image id). */
  imageId: string;
  path: string;
  sopInstanceUid: string;
  studyInstanceUid: string;
  viewPosition: string;
}

async function indexImages(dirs: readonly string[]): Promise<IndexedImage[]> {
  const { files } = await collectFiles(dirs);
  const images: IndexedImage[] = [];
  for (const path of files) {
    try {
      const h = await readHeader(path);
      images.push({ imageId: path, path, sopInstanceUid: h.sopInstanceUid, studyInstanceUid: h.studyInstanceUid, viewPosition: h.viewPosition });
    } catch {
      // Not DICOM or unreadable: it cannot be any report's image; the folder may hold other files.
    }
  }
  return images;
}

export async function loadSignedDataset(signed: readonly SignedCase[], imageDirs: readonly string[], limit: number | null = null): Promise<LoadedDataset> {
  if (signed.length === 0) throw new DatasetError('No report has been signed in this Radraft yet: there is nothing to validate against.');
  if (imageDirs.length === 0) throw new DatasetError('Name the folder that holds the signed studies\' images (the report database keeps no file paths).');
  const images = await indexImages(imageDirs);
  const bySop = new Map(images.map((i) => [i.sopInstanceUid, i]));
  const cases: EvalCaseSpec[] = [];
  const problems: LoadedDataset['problems'] = [];
  const chosen = limit === null ? signed : signed.slice(0, limit);
  chosen.forEach((report, n) => {
    const id = `signed-${String(n + 1).padStart(3, '0')}`;
    const reference = scoredText(report);
    if (reference === '') {
      problems.push({ case: id, message: 'the signed report has no findings or impression' });
      return;
    }
    const study = images.filter((i) => i.studyInstanceUid === report.studyInstanceUid);
    const image = (report.sopInstanceUid !== null ? bySop.get(report.sopInstanceUid) : undefined) ?? preferredImage(study);
    if (!image) {
      problems.push({ case: id, message: `its image (study ${report.studyInstanceUid}) is not in ${imageDirs.join(', ')}` });
      return;
    }
    cases.push({ id, imagePath: image.path, imageLabel: image.sopInstanceUid, indication: report.indication.trim(), reference });
  });
  if (cases.length === 0) throw new DatasetError(`None of the ${chosen.length} signed reports has its image in ${imageDirs.join(', ')}.`);
  return { kind: 'signed', name: 'signed reports', cases, problems, fingerprint: await datasetFingerprint(cases) };
}

/** The fields validation reads from stored report records (ReportStore.signedReports()). */
export function signedCasesOf(records: readonly ReportRecord[]): SignedCase[] {
  return records
    .filter((r) => r.status === 'final')
    .map((r) => ({
      studyInstanceUid: r.studyInstanceUid,
      sopInstanceUid: r.provenance?.sopInstanceUid ?? null,
      indication: r.sections.indication,
      findings: r.sections.findings,
      impression: r.sections.impression,
      signedAt: r.signedAt ?? '',
    }));
}
