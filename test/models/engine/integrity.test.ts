// Model integrity bound to content: the manifest names every file the graphs open, all inside the folder, and no
// changed byte reaches onnxruntime, whatever the file's size and modification time say.
import { cpSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { onnx } from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManifestError, ModelFileCorruptError, ModelFolderError, importCheckpoint, loadModel, type Manifest } from '../../../models/engine/index';
import { describeFile, MANIFEST_FILE } from '../../../models/manifest';
import { externalDataLocations, OnnxScanError } from '../../../models/onnx/external-data';
import { casePixels, cxrCases, FIXTURES, tempDir } from './fixtures';
import { damageByte, pinFileTime } from '../../support/damage-file';

const dev00 = cxrCases()[0];

let work: { dir: string; cleanup: () => void };
/** The tiny model with its decoder weights in decoder.onnx.data, as a 3B import has them. */
let external: string;

beforeAll(() => {
  work = tempDir('integrity');
  external = join(work.dir, 'external');
  importCheckpoint(join(FIXTURES, 'tiny-paligemma2-cxr'), external, { dtype: 'fp32', externalDataAboveBytes: 0 });
});
afterAll(() => work?.cleanup());

let copies = 0;
function copy(): string {
  const dir = join(work.dir, `copy-${copies++}`, 'model');
  mkdirSync(dirname(dir), { recursive: true });
  cpSync(external, dir, { recursive: true });
  return dir;
}

function editManifest(dir: string, edit: (m: Manifest) => void): void {
  const path = join(dir, MANIFEST_FILE);
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  edit(manifest);
  writeFileSync(path, JSON.stringify(manifest));
}

describe('external data', () => {
  it('is found in the graph without decoding its weights, and the model drafts from it', async () => {
    expect(externalDataLocations(join(external, 'decoder.onnx'))).toEqual(['decoder.onnx.data']);
    expect(externalDataLocations(join(external, 'vision_encoder.onnx'))).toEqual(['vision_encoder.onnx.data']);
    const model = await loadModel(external);
    try {
      expect((await model.generate({ pixelValues: casePixels(dev00, ''), prompt: dev00.prompt })).ids).toEqual(dev00.generated_ids);
    } finally {
      await model.dispose();
    }
  });

  it('a truncated graph is reported as a corrupt file, not a crash', async () => {
    const dir = copy();
    const graph = join(dir, 'decoder.onnx');
    writeFileSync(graph, readFileSync(graph).subarray(0, 5000));
    expect(() => externalDataLocations(graph)).toThrow(OnnxScanError);
    editManifest(dir, (m) => (m.files = m.files.map((f) => (f.path === 'decoder.onnx' ? describeFile(dir, 'decoder.onnx') : f))));
    await expect(loadModel(dir)).rejects.toThrow(/decoder\.onnx in .* is corrupt \(not a readable ONNX graph/);
  });
});

describe('the manifest must name every file the model opens, inside the folder', () => {
  it('refuses a manifest that lists no files', async () => {
    const dir = copy();
    editManifest(dir, (m) => (m.files = []));
    await expect(loadModel(dir)).rejects.toThrow(ManifestError);
    await expect(loadModel(dir)).rejects.toThrow(/lists no files/);
  });

  it('refuses paths outside the folder: .., absolute, drive letters, backslashes', async () => {
    for (const path of ['../outside.onnx', 'sub/../../outside.onnx', '/etc/hosts', 'C:/model.onnx', 'sub\\decoder.onnx', './decoder.onnx']) {
      const dir = copy();
      editManifest(dir, (m) => m.files.push({ path, bytes: 1, sha256: '0'.repeat(64) }));
      await expect(loadModel(dir), path).rejects.toThrow(/is not a path inside the model folder/);
    }
  });

  it('refuses a model whose graph or tokenizer is not listed with its hash', async () => {
    const dir = copy();
    editManifest(dir, (m) => (m.files = m.files.filter((f) => f.path !== 'vision_encoder.onnx')));
    await expect(loadModel(dir)).rejects.toThrow(/does not list vision_encoder\.onnx, which the model loads/);
    const other = copy();
    editManifest(other, (m) => (m.graphs.decoder = '../elsewhere/decoder.onnx'));
    await expect(loadModel(other)).rejects.toThrow(ManifestError);
  });

  it('refuses a graph whose external data the manifest does not list', async () => {
    const dir = copy();
    editManifest(dir, (m) => (m.files = m.files.filter((f) => f.path !== 'decoder.onnx.data')));
    await expect(loadModel(dir)).rejects.toThrow(/does not list decoder\.onnx\.data, the external data decoder\.onnx loads/);
  });

  it('refuses a graph that loads external data from outside the folder, even when the graph itself is listed', async () => {
    const dir = copy();
    // The attacker moves the weights out of the folder and points the graph (re-hashed in the manifest) at them.
    renameSync(join(dir, 'decoder.onnx.data'), join(dirname(dir), 'decoder.onnx.data'));
    const graphPath = join(dir, 'decoder.onnx');
    const graph = onnx.ModelProto.decode(readFileSync(graphPath));
    for (const t of graph.graph?.initializer ?? []) for (const e of t.externalData ?? []) if (e.key === 'location') e.value = '../decoder.onnx.data';
    writeFileSync(graphPath, onnx.ModelProto.encode(graph).finish());
    editManifest(dir, (m) => (m.files = m.files.filter((f) => f.path !== 'decoder.onnx.data').map((f) => (f.path === 'decoder.onnx' ? describeFile(dir, 'decoder.onnx') : f))));
    await expect(loadModel(dir)).rejects.toThrow(/decoder\.onnx, which loads external data from "\.\.\/decoder\.onnx\.data", outside the model folder/);
  });

  it('refuses a listed file that is a link leading out of the folder; links inside it are fine', async () => {
    const dir = copy();
    const outside = join(dirname(dir), 'tokenizer.json');
    renameSync(join(dir, 'tokenizer.json'), outside);
    symlinkSync(outside, join(dir, 'tokenizer.json'));
    await expect(loadModel(dir)).rejects.toThrow(ModelFolderError);
    await expect(loadModel(dir)).rejects.toThrow(/tokenizer\.json in .* cannot be trusted \(it leads to .*outside the model folder\)/);
    rmSync(join(dir, 'tokenizer.json'));
    mkdirSync(join(dir, 'shared'));
    renameSync(outside, join(dir, 'shared', 'tokenizer.json'));
    symlinkSync(join(dir, 'shared', 'tokenizer.json'), join(dir, 'tokenizer.json'));
    await (await loadModel(dir, { verify: 'size' })).dispose();
  });
});

describe('content', () => {
  it('a byte changed with size and modification time kept is refused, even right after this process hashed the file', async () => {
    const dir = copy();
    const files = ['decoder.onnx.data', 'tokenizer.json'];
    for (const file of files) pinFileTime(join(dir, file));
    await (await loadModel(dir)).dispose();
    for (const file of files) {
      const path = join(dir, file);
      const good = damageByte(path, 0x20);
      // This process hashed the folder a moment ago and still hashes the file again.
      await expect(loadModel(dir), file).rejects.toThrow(ModelFileCorruptError);
      await expect(loadModel(dir), file).rejects.toThrow(new RegExp(`${file.replace(/\./g, '\\.')} in .* is corrupt \\(sha256 does not match the manifest\\)`));
      writeFileSync(path, good);
    }
    await (await loadModel(dir)).dispose();
  });
});
