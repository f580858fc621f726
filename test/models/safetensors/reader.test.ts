import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SafetensorsCheckpoint, SafetensorsError, SafetensorsFile, readTensorBytes, toFloat32 } from '../../../models/safetensors/reader';
import { floatsToHalf } from '../../../models/onnx/quantize';
import { tempDir } from '../engine/fixtures';
import { toBf16, writeSafetensors } from './write';

const tmp = tempDir('safetensors');
afterAll(() => tmp.cleanup());

const values = new Float32Array([0, 1, -2.5, 3.140625, 65504, 1e-3, -7, 0.5]);

describe('safetensors reader', () => {
  it('widens f32, f16 and bf16 tensors to float32 exactly', () => {
    const path = join(tmp.dir, 'a.safetensors');
    writeSafetensors(path, {
      f32: { dtype: 'F32', shape: [2, 4], bytes: new Uint8Array(values.buffer.slice(0)) },
      f16: { dtype: 'F16', shape: [8], bytes: new Uint8Array(floatsToHalf(values).buffer) },
      bf16: { dtype: 'BF16', shape: [4, 2], bytes: toBf16(values) },
    });
    const file = new SafetensorsFile(path);
    const read = (name: string): number[] => {
      const info = file.tensors.get(name)!;
      return [...toFloat32(info, readTensorBytes(info))];
    };
    expect(file.tensors.get('bf16')!.shape).toEqual([4, 2]);
    expect(read('f32')).toEqual([...values]);
    expect(read('f16')).toEqual([0, 1, -2.5, 3.140625, 65504, Math.fround(0.0010004043579101562), -7, 0.5]);
    // bf16 keeps 8 significant bits: 3.140625 → 3.140625, 65504 → 65536, 1e-3 → 0.00099945068359375.
    expect(read('bf16')).toEqual([0, 1, -2.5, 3.140625, 65536, 0.00099945068359375, -7, 0.5]);
  });

  it('follows a sharded index', () => {
    const dir = join(tmp.dir, 'sharded');
    mkdirSync(dir);
    writeSafetensors(join(dir, 'model-00001-of-00002.safetensors'), { a: { dtype: 'F32', shape: [1], bytes: new Uint8Array(new Float32Array([1]).buffer) } });
    writeSafetensors(join(dir, 'model-00002-of-00002.safetensors'), { b: { dtype: 'F32', shape: [1], bytes: new Uint8Array(new Float32Array([2]).buffer) } });
    writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { a: 'model-00001-of-00002.safetensors', b: 'model-00002-of-00002.safetensors' } }));
    const ckpt = new SafetensorsCheckpoint(dir);
    expect([...ckpt.tensors.keys()].sort()).toEqual(['a', 'b']);
    expect(ckpt.tensors.get('b')!.file).toContain('00002');
  });

  it('rejects truncated and non-safetensors files with a clear error', () => {
    const path = join(tmp.dir, 'bad.safetensors');
    writeSafetensors(path, { x: { dtype: 'F32', shape: [4], bytes: new Uint8Array(16) } });
    const full = readFileSync(path);
    writeFileSync(path, full.subarray(0, full.length - 4));
    expect(() => new SafetensorsFile(path)).toThrow(/truncated or corrupt/);
    writeFileSync(path, 'not a safetensors file at all');
    expect(() => new SafetensorsFile(path)).toThrow(SafetensorsError);
    expect(() => new SafetensorsCheckpoint(tmp.dir + '/nowhere')).toThrow(/neither model.safetensors/);
  });
});
