// Worker: Models → Export training data, off the Electron main thread (it reads DICOM headers and decodes every image).
import { parentPort, workerData } from 'node:worker_threads';
import type { TaskMessage } from '../drafting/worker-task';
import { exportTrainingSet, type ExportOptions, type ExportSummary } from './export-dataset';

export type ExportWorkerRequest = Omit<ExportOptions, 'onProgress' | 'now'>;

type Msg = TaskMessage<ExportSummary, { done: number; total: number }>;

const post = (msg: Msg): void => parentPort?.postMessage(msg);

exportTrainingSet({ ...(workerData as ExportWorkerRequest), onProgress: (done, total) => post({ type: 'progress', progress: { done, total } }) }).then(
  (value) => post({ type: 'result', value }),
  (error: unknown) => post({ type: 'error', name: error instanceof Error ? error.name : 'Error', message: error instanceof Error ? error.message : String(error) }),
);
