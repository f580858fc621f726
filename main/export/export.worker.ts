// Worker: one export job (main/export/export-job.ts) off the Electron main thread: it reads and parses the study's
// images, renders the PDF and rewrites images for a de-identified copy.
import { parentPort, workerData } from 'node:worker_threads';
import { serveOneTask } from '../workers/serve';
import { runExportJob, type ExportJobInput, type ExportJobResult } from './export-job';

void serveOneTask<ExportJobResult, never>(parentPort, () => runExportJob(workerData as ExportJobInput));
