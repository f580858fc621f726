// A dataset folder: images (DICOM, PNG, JPEG) and a reports.jsonl naming each image with its reference report.
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { caseId, DatasetError, parseReportsJsonl, referenceText, REPORTS_FILE } from '../../app/eval/dataset';
import type { EvalCaseSpec, LoadedDataset } from './eval-case';
import { datasetFingerprint } from './fingerprint';

export async function loadFolderDataset(dir: string, limit: number | null = null): Promise<LoadedDataset> {
  const folder = resolve(dir);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new DatasetError(`The dataset folder ${folder} does not exist.`);
  const listFile = join(folder, REPORTS_FILE);
  let text: string;
  try {
    text = await readFile(listFile, 'utf8');
  } catch {
    throw new DatasetError(
      `There is no ${REPORTS_FILE} in ${folder}. A validation dataset is a folder of images with a ${REPORTS_FILE}: one line per image, e.g. {"file": "img1.dcm", "indication": "cough", "findings": "…", "impression": "…"}.`,
    );
  }
  const { rows, problems: lineProblems } = parseReportsJsonl(text);
  const problems = lineProblems.map((p) => ({ case: `${REPORTS_FILE} line ${p.line}`, message: p.message }));
  const cases: EvalCaseSpec[] = [];
  for (const row of limit === null ? rows : rows.slice(0, limit)) {
    const imagePath = join(folder, row.file);
    if (!existsSync(imagePath)) {
      problems.push({ case: caseId(row), message: `the image ${row.file} is missing` });
      continue;
    }
    cases.push({ id: caseId(row), imagePath, imageLabel: row.file, prompt: row.prompt, indication: row.indication.trim(), reference: referenceText(row) });
  }
  if (cases.length === 0) throw new DatasetError(`${listFile} names no usable case${problems.length > 0 ? ` (${problems[0].case}: ${problems[0].message})` : ''}.`);
  return { kind: 'folder', name: basename(folder), cases, problems, fingerprint: await datasetFingerprint(cases) };
}
