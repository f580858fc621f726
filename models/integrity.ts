// What loading a model trusts, bound to content: the manifest names every file a graph makes onnxruntime open
// (external data included), each a plain file inside the model folder, and each file's bytes hash to the manifest's
// sha256 before onnxruntime reads them.
//
// Hashing is full, once per process for each file: a later load in the same run skips a file only while its inode,
// size, modification time and change time are all unchanged. The change time cannot be set back by a program (writing
// a byte and restoring the modification time moves it), so the corruption a size + mtime record missed is hashed
// again; a new process (each app start, each CLI run) hashes everything. No record is kept on disk, where whoever can
// change a model file could change the record too.
import { realpathSync, statSync, type BigIntStats } from 'node:fs';
import { join, posix, sep } from 'node:path';
import { ModelFileCorruptError, ModelFileMissingError, ModelFolderError } from './engine/errors';
import { ManifestError, MANIFEST_FILE, sha256File, type Manifest } from './manifest';
import { externalDataLocations, OnnxScanError } from './onnx/external-data';

export type VerifyMode = 'once' | 'full' | 'size';

/** A manifest path is a relative POSIX path of plain segments: no absolute path, drive, backslash, `.` or `..`. */
export function isFolderPath(path: string): boolean {
  if (path === '' || path.includes('\\') || path.includes('\0') || /^[A-Za-z]:/.test(path)) return false;
  return path.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

function manifestError(dir: string, problem: string): ManifestError {
  return new ManifestError(`${join(dir, MANIFEST_FILE)} ${problem}: re-import the model (radraft import-model)`);
}

/**
 * Checks what the manifest says against the folder, without hashing: every path is inside the folder, every file the
 * model opens is listed, and each listed file is a plain file whose real location is inside the folder, with the
 * manifest's size. `externalData: false` skips reading the graphs for the external data they open (the Models
 * list's quick check on the main thread; loading always reads them).
 */
export function checkModelFolder(dir: string, manifest: Manifest, opts: { externalData?: boolean } = {}): void {
  if (manifest.files.length === 0) throw manifestError(dir, 'lists no files, so nothing it loads could be checked');
  const listed = new Set<string>();
  for (const f of manifest.files) {
    if (!isFolderPath(f.path)) throw manifestError(dir, `lists "${f.path}", which is not a path inside the model folder`);
    if (listed.has(f.path)) throw manifestError(dir, `lists "${f.path}" twice`);
    listed.add(f.path);
  }
  const graphs = [manifest.graphs.vision, manifest.graphs.embed, manifest.graphs.decoder];
  for (const used of [...graphs, manifest.tokenizer, ...(manifest.preprocessor === null ? [] : [manifest.preprocessor])]) {
    if (!listed.has(used)) throw manifestError(dir, `does not list ${used}, which the model loads, with its sha256`);
  }

  let root: string;
  try {
    root = realpathSync(dir);
  } catch (error) {
    throw new ManifestError(`the model folder ${dir} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { cause: error });
  }
  for (const f of manifest.files) {
    const path = join(dir, f.path);
    let real: string;
    try {
      real = realpathSync(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // A dangling link counts as missing too.
      if (code === 'ENOENT' || code === 'ENOTDIR') throw ModelFileMissingError.of(f.path, dir);
      throw ModelFolderError.of(f.path, dir, `it cannot be read: ${code ?? (error as Error).message}`);
    }
    if (!real.startsWith(root + sep)) throw ModelFolderError.of(f.path, dir, `it leads to ${real}, outside the model folder`);
    const st = statSync(real);
    if (!st.isFile()) throw ModelFolderError.of(f.path, dir, 'it is not a plain file');
    if (st.size !== f.bytes) throw ModelFileCorruptError.of(f.path, dir, `${st.size} bytes, manifest says ${f.bytes}`);
  }

  if (opts.externalData === false) return;
  for (const graph of graphs) {
    let locations: string[];
    try {
      locations = externalDataLocations(join(dir, graph));
    } catch (error) {
      if (error instanceof OnnxScanError) throw ModelFileCorruptError.of(graph, dir, `not a readable ONNX graph: ${error.message}`);
      throw error;
    }
    // onnxruntime opens external data relative to the graph's own folder.
    for (const location of locations) {
      const path = isFolderPath(location) ? posix.join(posix.dirname(graph), location) : null;
      if (path === null || !isFolderPath(path)) throw manifestError(dir, `lists ${graph}, which loads external data from "${location}", outside the model folder`);
      if (!listed.has(path)) throw manifestError(dir, `does not list ${path}, the external data ${graph} loads`);
    }
  }
}

/** Files this process hashed and found matching, with the identity they had then. */
const hashedThisRun = new Map<string, string>();

function identity(st: BigIntStats, sha256: string): string {
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}:${sha256}`;
}

/**
 * Checks the folder (checkModelFolder), then every file's sha256: 'once' (default) hashes each file the
 * first time this process loads it and again whenever it changed (see the top of this file); 'full' always hashes;
 * 'size' never hashes (benchmarks only: the bytes are not verified).
 */
export function verifyModelFolder(dir: string, manifest: Manifest, mode: VerifyMode = 'once'): void {
  checkModelFolder(dir, manifest);
  for (const f of manifest.files) {
    if (mode === 'size') break;
    const path = realpathSync(join(dir, f.path));
    const st = statSync(path, { bigint: true });
    if (mode === 'once' && hashedThisRun.get(path) === identity(st, f.sha256)) continue;
    hashedThisRun.delete(path);
    if (sha256File(path) !== f.sha256) throw ModelFileCorruptError.of(f.path, dir, 'sha256 does not match the manifest');
    // The identity from before hashing: a change while it was read shows as a different change time next time.
    hashedThisRun.set(path, identity(st, f.sha256));
  }
}

