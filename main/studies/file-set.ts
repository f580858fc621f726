// Finding the files a DICOMDIR references (PS3.10 8.2: a File ID is a list of path components below the
// DICOMDIR's folder) on the medium they are on: a folder or mounted disc, or the names inside a zip archive. Real
// media do not keep the File IDs' spelling: a CD mounted without Rock Ridge or Joliet shows ISO 9660 names
// (`IM000001;1`, `IM000001.;1`), Linux may map them to lower case, a copy made on Windows may change the case. So a
// component matches a name exactly first, else case-insensitively without version suffix or trailing dot.
import { readdir, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { ZipArchiveStamp, ZipEntryInfo, ZipListing } from '../archives/zip-listing';
import type { DicomSource } from '../dicom/source';
import { mediaName } from './file-names';

export interface TreeNode {
  name: string;
  folder: boolean;
}

/** One folder's nodes, indexed by exact name and by media name (file-names.ts) for lookups in constant time. */
export class FolderIndex {
  private readonly exact = new Map<string, TreeNode[]>();
  private readonly media = new Map<string, TreeNode[]>();
  /** The folder's nodes in name order. */
  readonly nodes: readonly TreeNode[];

  constructor(nodes: readonly TreeNode[]) {
    this.nodes = [...nodes].sort((a, b) => a.name.localeCompare(b.name));
    for (const node of this.nodes) {
      push(this.exact, node.name, node);
      push(this.media, mediaName(node.name), node);
    }
  }

  /** The names of the files (or folders) `component` may mean here, the exact spelling first. */
  find(component: string, folder: boolean): string[] {
    const names = [...(this.exact.get(component) ?? []), ...(this.media.get(mediaName(component)) ?? [])].filter((n) => n.folder === folder).map((n) => n.name);
    return [...new Set(names)];
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** A tree of folders and files: the file system, or the entries of one zip archive. */
export interface FolderTree {
  /** The index of `folder`, or null when it cannot be read. */
  folder(path: string): Promise<FolderIndex | null>;
  child(folder: string, name: string): string;
  /** The source of the file at `path` (a path `child` made). */
  source(path: string): DicomSource;
  /** Where `path` is, for messages: the path on disk, or the archive's path followed by the entry's. */
  display(path: string): string;
}

/**
 * The path of the file `fileId` names below `folder` in `tree`, or null when it is not there. Components are
 * matched as the header comment says; where several folders match (`IMAGES` and `images` on a case-sensitive file
 * system), each is searched, the exact spelling first.
 */
export async function resolveFileId(tree: FolderTree, folder: string, fileId: readonly string[]): Promise<string | null> {
  if (fileId.length === 0) return null;
  const last = fileId.length === 1;
  for (const name of (await tree.folder(folder))?.find(fileId[0], !last) ?? []) {
    const path = tree.child(folder, name);
    const found = last ? path : await resolveFileId(tree, path, fileId.slice(1));
    if (found !== null) return found;
  }
  return null;
}

/** The file system, each folder read once. */
export class DiskTree implements FolderTree {
  private readonly folders = new Map<string, Promise<FolderIndex | null>>();

  folder(path: string): Promise<FolderIndex | null> {
    let index = this.folders.get(path);
    if (!index) {
      index = readFolder(path).then((nodes) => (nodes ? new FolderIndex(nodes) : null));
      this.folders.set(path, index);
    }
    return index;
  }

  child(folder: string, name: string): string {
    return join(folder, name);
  }

  source(path: string): DicomSource {
    return { filePath: path };
  }

  display(path: string): string {
    return path;
  }
}

/** The folders and files in `folder` (symbolic links as what they point to), or null when it cannot be read. */
export async function readFolder(folder: string): Promise<TreeNode[] | null> {
  try {
    const entries = await readdir(folder, { withFileTypes: true });
    const nodes = await Promise.all(
      entries.map(async (e): Promise<TreeNode | null> => {
        if (e.isDirectory()) return { name: e.name, folder: true };
        if (e.isFile()) return { name: e.name, folder: false };
        if (!e.isSymbolicLink()) return null;
        const target = await stat(join(folder, e.name)).catch(() => null);
        return target && (target.isDirectory() || target.isFile()) ? { name: e.name, folder: target.isDirectory() } : null;
      }),
    );
    return nodes.filter((n): n is TreeNode => n !== null).sort((a, b) => a.name.localeCompare(b.name));
  } catch {
    return null;
  }
}

/** The entries of one zip archive as a tree; paths are entry names ('/'-separated, '' the archive's root). */
export class ZipTree implements FolderTree {
  private readonly folders = new Map<string, FolderIndex>();
  private readonly entries = new Map<string, ZipEntryInfo>();
  readonly archive: ZipArchiveStamp;

  constructor(listing: ZipListing) {
    this.archive = listing.archive;
    const nodes = new Map<string, Map<string, TreeNode>>();
    for (const entry of listing.entries) {
      this.entries.set(entry.name, entry);
      const parts = entry.name.split('/');
      for (let i = 0; i < parts.length; i++) {
        const folder = parts.slice(0, i).join('/');
        const isFolder = i < parts.length - 1;
        let here = nodes.get(folder);
        if (!here) nodes.set(folder, (here = new Map()));
        here.set(`${isFolder ? 'd' : 'f'}:${parts[i]}`, { name: parts[i], folder: isFolder });
      }
    }
    for (const [folder, here] of nodes) this.folders.set(folder, new FolderIndex([...here.values()]));
  }

  /** The archive's entries (those that may be DICOM), in central directory order. */
  names(): string[] {
    return [...this.entries.keys()];
  }

  async folder(path: string): Promise<FolderIndex | null> {
    return this.folders.get(path) ?? null;
  }

  child(folder: string, name: string): string {
    return folder === '' ? name : `${folder}/${name}`;
  }

  source(path: string): DicomSource {
    const entry = this.entries.get(path);
    if (!entry) throw new RangeError(`no entry ${path} in ${this.archive.path}`);
    return { filePath: this.display(path), zipEntry: { ...entry, archive: this.archive } };
  }

  /** The archive's path, then the entry's path with the platform's separator (never normalised: '..' stays). */
  display(path: string): string {
    return this.archive.path + sep + path.split('/').join(sep);
  }
}
