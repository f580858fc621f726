// Writes the signed reports as a de-identified fine-tuning set in the Hugging Face "imagefolder" layout:
//   DIR/train/metadata.jsonl + case-NNNN.png      model-size images (Radraft's own preprocessing resize)
//   DIR/validation/metadata.jsonl + case-NNNN.png  split by patient, no patient in both (absent when empty)
//   DIR/full-resolution/case-NNNN.png              the full-resolution model view
//   DIR/radraft-dataset.json, DIR/README.md        version, counts, provenance
// Report text is scrubbed of the patient's names, IDs and dates (app/report/deidentify.ts); file names are case
// numbers; no UID, name, ID or date is written anywhere. Pixel data is not inspected for burned-in text.
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StudySummary } from '../../app/domain/study';
import { scrubText, type Identifiers } from '../../app/report/deidentify';
import { preferredImage } from '../../app/domain/views';
import { suffixOf, TRAINING_SET_MANIFEST, TRAINING_SET_VERSION, validationPatients, type Split, type TrainingRecord, type TrainingSetManifest } from '../../app/eval/training-set';
import { resizeGray8 } from '../../models/preprocess/index';
import { encodeGrayPng } from '../cli/commands/render';
import { buildPrompt } from '../drafting/drafting-service';
import { readHeader } from '../dicom/index';
import { collectFiles } from '../studies/collect-sources';
import { readEvalImage, toGrey } from '../eval/eval-image';
import type { ReportStore } from '../storage/report-store';

/** What the export reads of a signed report (fields every record version keeps) and of its study. */
export interface ExportCase {
  studyInstanceUid: string;
  sopInstanceUid: string | null;
  sections: { indication: string; findings: string; impression: string };
  /** The identifiers Radraft remembered for the study, when it did. */
  study: Pick<StudySummary, 'patientName' | 'patientId' | 'accessionNumber'> | null;
}

export interface ExportOptions {
  cases: readonly ExportCase[];
  imageDirs: readonly string[];
  outDir: string;
  imageSize: number;
  promptTemplates: Record<string, string>;
  validationFraction?: number;
  radraftVersion: string;
  since?: string | null;
  now?: () => Date;
  onProgress?(done: number, total: number): void;
}

export interface ExportSummary {
  train: number;
  validation: number;
  patients: number;
  skipped: { case: string; message: string }[];
  outDir: string;
}

/** Signed reports and their remembered study identifiers, through the report store's public API. */
export function exportCasesFrom(store: ReportStore, since: string | undefined): ExportCase[] {
  return store.signedReports(since).map((r) => {
    const study = store.rememberedStudy(r.studyInstanceUid);
    return {
      studyInstanceUid: r.studyInstanceUid,
      sopInstanceUid: r.provenance?.sopInstanceUid ?? null,
      sections: { indication: r.sections.indication, findings: r.sections.findings, impression: r.sections.impression },
      study: study ? { patientName: study.patientName, patientId: study.patientId, accessionNumber: study.accessionNumber } : null,
    };
  });
}

export class TrainingExportError extends Error {
  override name = 'TrainingExportError';
}

interface Located {
  path: string;
  patientName: string;
  patientId: string;
  otherIds: string[];
}

type StudyImage = Located & { imageId: string; viewPosition: string };

async function locateImages(dirs: readonly string[]): Promise<{ bySop: Map<string, Located>; byStudy: Map<string, StudyImage[]> }> {
  const { files } = await collectFiles(dirs);
  const bySop = new Map<string, Located>();
  const byStudy = new Map<string, StudyImage[]>();
  for (const path of files) {
    try {
      const h = await readHeader(path);
      const located = { path, patientName: h.patientName, patientId: h.patientId, otherIds: [h.accessionNumber] };
      bySop.set(h.sopInstanceUid, located);
      byStudy.set(h.studyInstanceUid, [...(byStudy.get(h.studyInstanceUid) ?? []), { ...located, imageId: path, viewPosition: h.viewPosition }]);
    } catch {
      // Not DICOM or unreadable: not any report's image.
    }
  }
  return { bySop, byStudy };
}

export async function exportTrainingSet(opts: ExportOptions): Promise<ExportSummary> {
  if (opts.cases.length === 0) throw new TrainingExportError('No report has been signed in this Radraft yet (in the chosen period): there is nothing to export.');
  if (opts.imageDirs.length === 0) throw new TrainingExportError("Name the folder that holds the signed studies' images (the report database keeps no file paths).");
  const { bySop, byStudy } = await locateImages(opts.imageDirs);
  const skipped: ExportSummary['skipped'] = [];
  const found: { n: number; c: ExportCase; image: Located }[] = [];
  opts.cases.forEach((c, i) => {
    const study = byStudy.get(c.studyInstanceUid) ?? [];
    const image = (c.sopInstanceUid !== null ? bySop.get(c.sopInstanceUid) : undefined) ?? preferredImage(study);
    if (!image) skipped.push({ case: `signed report ${i + 1}`, message: `its image is not in ${opts.imageDirs.join(', ')}` });
    else if (suffixOf(c.sections) === '') skipped.push({ case: `signed report ${i + 1}`, message: 'it has no findings or impression' });
    else found.push({ n: found.length + 1, c, image });
  });
  if (found.length === 0) throw new TrainingExportError(`None of the ${opts.cases.length} signed reports has its image in ${opts.imageDirs.join(', ')}.`);

  // Patients are keyed by a hash of their ID (never written): the split is stable and reveals nothing.
  const patientKey = (f: (typeof found)[number]): string =>
    createHash('sha256').update(f.image.patientId || f.c.study?.patientId || f.c.studyInstanceUid).digest('hex');
  const validation = validationPatients(found.map(patientKey), opts.validationFraction ?? 0.1);

  // A split folder exists only with cases in it: an empty one would make the imagefolder loader fail.
  await mkdir(join(opts.outDir, 'full-resolution'), { recursive: true });
  const lines: Record<Split, string[]> = { train: [], validation: [] };
  let done = 0;
  for (const f of found) {
    const name = `case-${String(f.n).padStart(4, '0')}.png`;
    const split: Split = validation.has(patientKey(f)) ? 'validation' : 'train';
    const identifiers: Identifiers = {
      names: [f.image.patientName, f.c.study?.patientName ?? ''],
      ids: [f.image.patientId, f.c.study?.patientId ?? '', f.c.study?.accessionNumber ?? '', ...f.image.otherIds].filter((s) => s !== ''),
    };
    const raster = await readEvalImage(f.image.path);
    const grey = toGrey(raster);
    await writeFile(join(opts.outDir, 'full-resolution', name), encodeGrayPng(grey, raster.width, raster.height));
    await mkdir(join(opts.outDir, split), { recursive: true });
    await writeFile(join(opts.outDir, split, name), encodeGrayPng(resizeGray8(grey, raster.width, raster.height, opts.imageSize, opts.imageSize), opts.imageSize, opts.imageSize));
    const indication = scrubText(f.c.sections.indication, identifiers);
    const record: TrainingRecord = {
      file_name: name,
      prefix: buildPrompt(opts.promptTemplates, { task: 'report', indication }),
      suffix: scrubText(suffixOf(f.c.sections), identifiers),
      full_resolution: `../full-resolution/${name}`,
    };
    lines[split].push(JSON.stringify(record));
    opts.onProgress?.(++done, found.length);
  }
  for (const split of ['train', 'validation'] as const) {
    if (lines[split].length > 0) await writeFile(join(opts.outDir, split, 'metadata.jsonl'), lines[split].map((l) => `${l}\n`).join(''));
  }

  const patients = new Set(found.map(patientKey)).size;
  const manifest: TrainingSetManifest = {
    version: TRAINING_SET_VERSION,
    createdAt: (opts.now ?? (() => new Date()))().toISOString(),
    radraftVersion: opts.radraftVersion,
    imageSize: opts.imageSize,
    promptTemplates: opts.promptTemplates,
    validationFraction: opts.validationFraction ?? 0.1,
    counts: { train: lines.train.length, validation: lines.validation.length, patients, skipped: skipped.length },
    since: opts.since ?? null,
  };
  await writeFile(join(opts.outDir, TRAINING_SET_MANIFEST), `${JSON.stringify(manifest, null, 1)}\n`);
  await writeFile(join(opts.outDir, 'README.md'), readme(manifest));
  return { train: lines.train.length, validation: lines.validation.length, patients, skipped, outDir: opts.outDir };
}

function readme(m: TrainingSetManifest): string {
  return `# Radraft fine-tuning set

Written by Radraft ${m.radraftVersion} on ${m.createdAt.slice(0, 10)} from the reports signed on this workstation${m.since ? ` since ${m.since}` : ''}.

| split | cases |
|---|---|
| train | ${m.counts.train} |
| validation | ${m.counts.validation} |

${m.counts.patients} patients; no patient is in both splits (${Math.round(m.validationFraction * 100)} % of patients to validation).
${m.counts.skipped} signed reports were left out (image not found, or no findings and impression).

## Layout (Hugging Face "imagefolder")

- \`train/\`, \`validation/\`: \`case-NNNN.png\` at ${m.imageSize}×${m.imageSize} (the model view resized as Radraft's
  preprocessing does) and \`metadata.jsonl\`: \`file_name\`, \`prefix\` (the prompt: ${Object.entries(m.promptTemplates)
    .filter(([k]) => k.startsWith('report'))
    .map(([k, v]) => `${k} \`${v}\``)
    .join(', ')}), \`suffix\` (the signed FINDINGS and IMPRESSION), \`full_resolution\`.
- \`full-resolution/\`: the 8-bit model view of each case at full size.
- \`radraft-dataset.json\`: format version ${m.version}, counts, image size, prompt templates.

## De-identification

Report text: the patient's name components, patient ID, accession number and every date are replaced by XXXX.
File names are case numbers. No UID, name, ID or date is written. **The pixels are not inspected**: check images for
burned-in names or dates before the set leaves the hospital.

Fine-tuning recipe: Radraft's docs/validation.md.
`;
}
