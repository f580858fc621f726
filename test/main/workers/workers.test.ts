// The worker plumbing every worker goes through: typed errors survive the boundary, and no worker can load
// onnxruntime with its telemetry on.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { buildSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { FrameOutOfRangeError, NotDicomError } from '../../../main/dicom/errors';
import { bundledWorker } from '../../../main/workers/bundled-worker';
import { reviveError } from '../../../main/workers/revive-error';
import { startWorker } from '../../../main/workers/start-worker';
import { toWireError, WorkerError } from '../../../main/workers/wire-error';
import { ModelFileCorruptError } from '../../../models/engine/errors';
import { ORT_TELEMETRY_SWITCH } from '../../../models/engine/ort-telemetry';

const ROOT = join(__dirname, '../../..');
const crossed = (error: unknown): Error => reviveError(structuredClone(toWireError(error)));

describe('errors across a worker boundary', () => {
  it('come back as the typed error, with their fields and message', () => {
    const dicom = crossed(new NotDicomError('/data/x.dcm', 'no DICM prefix'));
    expect(dicom).toBeInstanceOf(NotDicomError);
    expect(dicom).toMatchObject({ filePath: '/data/x.dcm', reason: 'no DICM prefix', message: 'x.dcm: no DICM prefix' });
    const model = crossed(ModelFileCorruptError.of('decoder.onnx', '/m', 'sha256 does not match the manifest'));
    expect(model).toBeInstanceOf(ModelFileCorruptError);
    expect(model.message).toMatch(/decoder\.onnx in \/m is corrupt/);
    const frame = crossed(FrameOutOfRangeError.of('/data/x.dcm', 5, 1));
    expect(frame).toBeInstanceOf(FrameOutOfRangeError);
    expect(frame).toMatchObject({ filePath: '/data/x.dcm', message: 'x.dcm: frame 5 requested, the image has 1 frame(s)' });
  });

  it('keep the worker\'s name and message when no typed class is known', () => {
    const other = crossed(new TypeError('x is not a function'));
    expect(other).toBeInstanceOf(WorkerError);
    expect(other).toMatchObject({ workerErrorName: 'TypeError', message: 'x is not a function' });
    expect(crossed('a bare string')).toMatchObject({ workerErrorName: 'Error', message: 'a bare string' });
    // A DicomError without its fields cannot be rebuilt faithfully: it stays a WorkerError rather than a wrong one.
    expect(reviveError({ name: 'NotDicomError', message: 'm', fields: {} })).toBeInstanceOf(WorkerError);
  });
});

describe('bundledWorker', () => {
  it('finds the build output from the sources', () => {
    expect(bundledWorker('inference.worker').path).toBe(join(ROOT, 'dist/workers/inference.worker.cjs'));
  });
});

describe('onnxruntime telemetry in workers', () => {
  // A worker that loads onnxruntime through the engine's only door and reports what happened.
  const dir = join(ROOT, '.tmp', 'test-workers');
  mkdirSync(dir, { recursive: true });
  const probe = join(dir, `ort-probe-${process.pid}.cjs`);
  buildSync({
    stdin: {
      contents: `import { parentPort } from 'node:worker_threads';
        try { require('./models/engine/ort'); parentPort.postMessage({ loaded: true, env: process.env.${ORT_TELEMETRY_SWITCH} }); }
        catch (e) { parentPort.postMessage({ loaded: false, name: e.name, message: e.message }); }`,
      resolveDir: ROOT,
      sourcefile: 'ort-probe.ts',
    },
    outfile: probe,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  const answer = (worker: Worker): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      worker.once('message', (m: Record<string, unknown>) => void worker.terminate().then(() => resolve(m)));
      worker.once('error', reject);
    });

  it('are refused in a worker whose process has not switched it off', async () => {
    // A private environment without the switch: onnxruntime's native code would not see it either.
    const reply = await answer(new Worker(probe, { env: {} }));
    expect(reply).toMatchObject({ loaded: false, name: 'OrtTelemetryError' });
    expect(reply.message).toMatch(/ORT_DISABLE_TELEMETRY=1/);
  });

  it('are off in the process environment for every worker startWorker starts', async () => {
    const reply = await answer(startWorker({ path: probe }));
    expect(reply).toEqual({ loaded: true, env: '1' });
    expect(process.env[ORT_TELEMETRY_SWITCH]).toBe('1');
  });
});
