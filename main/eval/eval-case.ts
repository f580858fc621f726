// One case of an evaluation, whatever the dataset it came from.

export interface EvalCaseSpec {
  id: string;
  /** Absolute path of the image file. */
  imagePath: string;
  /** How the report names the image: the file relative to the dataset folder, or the SOP Instance UID. */
  imageLabel: string;
  /** An explicit prompt; otherwise the model's report template with the indication. */
  prompt?: string;
  indication: string;
  /** Reference findings + impression, as scored (app/eval/scored-text.ts). */
  reference: string;
}

export interface LoadedDataset {
  kind: 'folder' | 'signed';
  name: string;
  cases: EvalCaseSpec[];
  /** Cases that could not be used, with a reason a person can act on. */
  problems: { case: string; message: string }[];
  /** sha256 over every case's id, image bytes, prompt, indication and reference. */
  fingerprint: string;
}
