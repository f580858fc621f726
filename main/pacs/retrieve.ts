// Fetching a study from a PACS node into the local cache: list its instances (C-FIND IMAGE level or QIDO-RS), skip
// those already cached, fetch the rest by the node's method (C-GET, C-MOVE to Radraft's own SCP, or WADO-RS), with
// progress and cancel. A retrieve that stops half-way (cancelled, failed, app closed) resumes with what is missing.
import type { PacsNode, RetrieveProgress } from '../../app/domain/pacs';
import { dicomWebAgent, jsonString, qido, wadoInstance, type DicomWebTarget } from './dicomweb';
import { findInstances, get, move, type DimseTarget, type InstanceSink } from './dimse';
import { PacsCancelledError, PacsError } from './errors';
import type { ImageCache } from './image-cache';
import type { IncomingFile } from './incoming-file';
import { isRadiographStorageClass, RADIOGRAPH_STORAGE_CLASSES, RECEIVED_TRANSFER_SYNTAXES } from './sop-classes';

/** C-GET offers to receive radiographs in every syntax Radraft decodes (7 classes × 14 syntaxes: 98 of 128 contexts). */
const STORAGE_ROLE = { sopClassUids: Object.keys(RADIOGRAPH_STORAGE_CLASSES), transferSyntaxUids: RECEIVED_TRANSFER_SYNTAXES };

export interface RetrieveDeps {
  cache: ImageCache;
  node(nodeId: string): PacsNode;
  secret(nodeId: string): string | null;
  callingAeTitle(): string;
  /** Radraft's storage SCP is listening (C-MOVE needs it), and under which AE title. */
  listener(): { listening: boolean; aeTitle: string };
  emit(progress: RetrieveProgress): void;
}

export interface InstanceRef {
  seriesInstanceUid: string;
  sopInstanceUid: string;
}

interface Running {
  controller: AbortController;
  promise: Promise<string[]>;
  /** C-MOVE arrivals land through the SCP: counted here. */
  onArrival?: (bytes: number) => void;
}

export class RetrieveService {
  private readonly running = new Map<string, Running>();

  constructor(private readonly deps: RetrieveDeps) {}

  /**
   * The study's cached files, fetching what is missing first. A second call for a study being fetched joins it.
   * Rejects with PacsCancelledError when cancelled, a PacsError saying what failed otherwise.
   */
  retrieve(nodeId: string, studyInstanceUid: string): Promise<string[]> {
    const current = this.running.get(studyInstanceUid);
    if (current) return current.promise;
    const controller = new AbortController();
    const entry: Running = { controller, promise: Promise.resolve([]) };
    entry.promise = this.run(nodeId, studyInstanceUid, entry).finally(() => this.running.delete(studyInstanceUid));
    this.running.set(studyInstanceUid, entry);
    return entry.promise;
  }

  cancel(studyInstanceUid: string): boolean {
    const entry = this.running.get(studyInstanceUid);
    if (!entry || entry.controller.signal.aborted) return false;
    entry.controller.abort();
    return true;
  }

  isRetrieving(studyInstanceUid: string): boolean {
    return this.running.has(studyInstanceUid);
  }

  retrievingStudies(): string[] {
    return [...this.running.keys()];
  }

  /** An instance of `studyInstanceUid` arrived at the storage SCP (a C-MOVE sub-operation, or a push). */
  noteArrival(studyInstanceUid: string, bytes: number): void {
    this.running.get(studyInstanceUid)?.onArrival?.(bytes);
  }

  async cancelAll(): Promise<void> {
    const entries = [...this.running.values()];
    for (const e of entries) e.controller.abort();
    await Promise.allSettled(entries.map((e) => e.promise));
  }

  private async run(nodeId: string, studyInstanceUid: string, entry: Running): Promise<string[]> {
    const signal = entry.controller.signal;
    const node = this.deps.node(nodeId);
    const progress: RetrieveProgress = { studyInstanceUid, nodeId, state: 'retrieving', done: 0, total: null, bytes: 0, message: `Asking ${node.name} for the study's images` };
    const emit = (patch: Partial<RetrieveProgress>): void => {
      Object.assign(progress, patch);
      this.deps.emit({ ...progress });
    };
    emit({});
    try {
      const listed = await this.listInstances(node, studyInstanceUid, signal);
      const cached = this.deps.cache.cachedInstances(studyInstanceUid);
      const missing = listed.filter((i) => !cached.has(i.sopInstanceUid));
      const total = listed.length;
      emit({ total, done: total - missing.length, message: missing.length === 0 ? 'Already in the local cache' : `Retrieving ${missing.length} of ${total} image${total === 1 ? '' : 's'} from ${node.name}` });
      if (total === 0) throw new PacsError(`${node.name} lists no radiograph images for this study.`);
      if (missing.length > 0) {
        const counted = (bytes: number): void => emit({ done: progress.done + 1, bytes: progress.bytes + bytes });
        if (node.retrieve === 'wado-rs') await this.byWado(node, studyInstanceUid, missing, counted, signal);
        else if (node.retrieve === 'c-get') await this.byGet(node, studyInstanceUid, missing, counted, signal);
        else {
          entry.onArrival = counted;
          await this.byMove(node, studyInstanceUid, missing, signal);
        }
      }
      const now = this.deps.cache.cachedInstances(studyInstanceUid);
      const stillMissing = listed.filter((i) => !now.has(i.sopInstanceUid)).length;
      if (stillMissing > 0) {
        throw new PacsError(`${stillMissing} of ${total} image${total === 1 ? '' : 's'} could not be retrieved from ${node.name}; the others are in the local cache. Open the study again to retry the rest.`);
      }
      emit({ state: 'done', done: total, message: 'Retrieved' });
      return this.deps.cache.files(studyInstanceUid);
    } catch (error) {
      const cancelled = error instanceof PacsCancelledError || signal.aborted;
      emit({ state: cancelled ? 'cancelled' : 'failed', message: cancelled ? 'Cancelled; what arrived stays in the cache and the next open continues from there' : error instanceof Error ? error.message : String(error) });
      if (cancelled) throw error instanceof PacsCancelledError ? error : new PacsCancelledError('The retrieve was cancelled.');
      throw error;
    }
  }

  private dimse(node: PacsNode): DimseTarget {
    return { node, callingAeTitle: this.deps.callingAeTitle() };
  }

  private web(node: PacsNode): DicomWebTarget {
    return { node, secret: node.auth.kind === 'none' ? null : this.deps.secret(node.id) };
  }

  /** The study's radiograph instances, by the node's query method (QIDO-RS when it retrieves by WADO-RS). */
  async listInstances(node: PacsNode, studyInstanceUid: string, signal?: AbortSignal): Promise<InstanceRef[]> {
    const keep = (sopClassUid: string): boolean => sopClassUid === '' || isRadiographStorageClass(sopClassUid);
    if (node.retrieve === 'wado-rs' || (node.query === 'dicomweb' && node.dicomWebUrl)) {
      const found = await qido(this.web(node), `studies/${encodeURIComponent(studyInstanceUid)}/instances`, { includefield: ['00080016', '0020000E'] }, { signal });
      return found
        .filter((d) => keep(jsonString(d, '00080016')))
        .map((d) => ({ seriesInstanceUid: jsonString(d, '0020000E'), sopInstanceUid: jsonString(d, '00080018') }))
        .filter((i) => i.sopInstanceUid !== '' && i.seriesInstanceUid !== '');
    }
    const found = await findInstances(this.dimse(node), studyInstanceUid, signal);
    return found
      .filter((m) => keep(String(m.SOPClassUID ?? '')))
      .map((m) => ({ seriesInstanceUid: String(m.SeriesInstanceUID ?? ''), sopInstanceUid: String(m.SOPInstanceUID ?? '') }))
      .filter((i) => i.sopInstanceUid !== '' && i.seriesInstanceUid !== '');
  }

  private async byWado(node: PacsNode, studyInstanceUid: string, missing: InstanceRef[], counted: (bytes: number) => void, signal: AbortSignal): Promise<void> {
    const target = this.web(node);
    const agent = dicomWebAgent(target);
    try {
      for (const instance of missing) {
        if (signal.aborted) throw new PacsCancelledError('Cancelled.');
        const files: IncomingFile[] = [];
        try {
          await wadoInstance(
            target,
            { study: studyInstanceUid, series: instance.seriesInstanceUid, instance: instance.sopInstanceUid },
            () => {
              const file = this.deps.cache.newIncoming(null);
              files.push(file);
              return file.asPartSink();
            },
            { signal, agent },
          );
        } catch (error) {
          for (const f of files) f.discard();
          throw error;
        }
        for (const file of files) {
          const result = await this.deps.cache.ingest(file, { sopInstanceUid: instance.sopInstanceUid, studyInstanceUid });
          if (result.ok) counted(result.bytes);
          else console.warn(`radraft: an image retrieved from ${node.name} was not kept: ${result.reason}`);
        }
      }
    } finally {
      agent.close();
    }
  }

  private async byGet(node: PacsNode, studyInstanceUid: string, missing: InstanceRef[], counted: (bytes: number) => void, signal: AbortSignal): Promise<void> {
    // Each C-STORE sub-operation streams into its own incoming file, checked and moved into the cache when complete.
    const open = new Map<unknown, IncomingFile>();
    const sink: InstanceSink = {
      open: (info) => {
        const file = this.deps.cache.newIncoming({ sopClassUid: info.sopClassUid, sopInstanceUid: info.sopInstanceUid, transferSyntaxUid: info.transferSyntaxUid, sourceAeTitle: info.fromAeTitle });
        open.set(file.stream, file);
        return file.stream;
      },
      complete: async (stream, info) => {
        const file = open.get(stream);
        open.delete(stream);
        if (!file) return 0xa700;
        const result = await this.deps.cache.ingest(file, { sopInstanceUid: info.sopInstanceUid, studyInstanceUid });
        if (!result.ok) {
          console.warn(`radraft: an image retrieved from ${node.name} was not kept: ${result.reason}`);
          return result.status;
        }
        counted(result.bytes);
        return 0;
      },
    };
    try {
      for (const [seriesInstanceUid, sopInstanceUids] of bySeries(missing)) {
        await get(this.dimse(node), { studyInstanceUid, instances: { seriesInstanceUid, sopInstanceUids } }, sink, STORAGE_ROLE, { signal });
      }
    } finally {
      for (const file of open.values()) file.discard();
    }
  }

  private async byMove(node: PacsNode, studyInstanceUid: string, missing: InstanceRef[], signal: AbortSignal): Promise<void> {
    const listener = this.deps.listener();
    if (!listener.listening) {
      throw new PacsError(`${node.name} retrieves by C-MOVE, which sends the images to Radraft's own DICOM listener, and the listener is off. Turn it on in the PACS settings, or choose C-GET or WADO-RS for this node.`);
    }
    for (const [seriesInstanceUid, sopInstanceUids] of bySeries(missing)) {
      await move(this.dimse(node), listener.aeTitle, { studyInstanceUid, instances: { seriesInstanceUid, sopInstanceUids } }, { signal });
    }
  }
}

/** Instances grouped by series: one C-GET / C-MOVE request per series (IMAGE level names one series). */
function bySeries(instances: InstanceRef[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const i of instances) {
    const list = groups.get(i.seriesInstanceUid);
    if (list) list.push(i.sopInstanceUid);
    else groups.set(i.seriesInstanceUid, [i.sopInstanceUid]);
  }
  return groups;
}
