// Registry of CLI subcommands; each lives in its own module under ./commands/ and is loaded only when it runs, so
// `radraft inspect` starts without loading the model engine (onnxruntime, tokenizers, protobuf) it does not use.
import type { CliCommand } from './command';

export interface CommandEntry {
  summary: string;
  load(): Promise<CliCommand>;
}

export const commands: Record<string, CommandEntry> = {
  inspect: {
    summary: 'show a DICOM file: identifiers, view, size, syntax, window, spacing, pixel stats [--json]',
    load: async () => (await import('./commands/inspect')).inspectCommand,
  },
  render: {
    summary: 'write the 8-bit model view of a DICOM file as a grey PNG (--out OUT.png [--size N])',
    load: async () => (await import('./commands/render')).renderCommand,
  },
  'import-model': {
    summary: 'import a Hugging Face PaliGemma 2 checkpoint folder as a radraft model',
    load: async () => (await import('./commands/import-model')).importModelCommand,
  },
  draft: {
    summary: 'draft a report for DICOM/PNG/JPEG files with a PaliGemma 2 model (streams text; --json for details)',
    load: async () => (await import('./commands/draft')).draftCommand,
  },
  'synth-model': {
    summary: 'build a full-size PaliGemma 2 with random weights from its published config (for benchmarks)',
    load: async () => (await import('./commands/synth-model')).synthModelCommand,
  },
  eval: {
    summary: 'validate a model on a dataset folder or the signed reports: BLEU, ROUGE-L, CIDEr-D, CheXpert F1, HTML report',
    load: async () => (await import('./commands/eval')).evalCommand,
  },
  'export-dataset': {
    summary: 'write the signed reports as a de-identified fine-tuning set (Hugging Face imagefolder)',
    load: async () => (await import('./commands/export-dataset')).exportDatasetCommand,
  },
  export: {
    summary: 'export a stored report as text, PDF, DICOM SR, FHIR, HL7 or a de-identified folder (REPORT_ID --format F --out PATH)',
    load: async () => (await import('./commands/export')).exportCommand,
  },
  send: {
    summary: 'send a signed report as DICOM SR to a PACS by C-STORE (REPORT_ID --to AE@HOST:PORT)',
    load: async () => (await import('./commands/send')).sendCommand,
  },
};
