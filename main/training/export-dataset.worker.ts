// Worker: Models → Export training data, off the Electron main thread (it reads DICOM headers and decodes every image).
import { parentPort, workerData } from 'node:worker_threads';
import { serveOneTask } from '../workers/serve';
import { exportTrainingSet, type ExportOptions, type ExportSummary } from './export-dataset';

export type ExportWorkerRequest = Omit<ExportOptions, 'onProgress' | 'now'>;

void serveOneTask<ExportSummary, { done: number; total: number }>(parentPort, (progress) =>
  exportTrainingSet({ ...(workerData as ExportWorkerRequest), onProgress: (done, total) => progress({ done, total }) }),
);
