// DIMSE as a service class user (PS3.7, PS3.8), with dcmjs-dimse: C-ECHO, C-FIND (patient and study root), C-MOVE
// to Radraft's own storage SCP and C-GET with its C-STORE sub-operations written straight to files. One association
// per call; every connection is checked against the network policy first (network-gate.ts).
import { rootCertificates } from 'node:tls';
import type { Socket } from 'node:net';
import type { Writable } from 'node:stream';
import dcmjsDimse from 'dcmjs-dimse';
import { formatDimseAddress, type DimseAddress, type PacsNode } from '../../app/domain/pacs';
import { connectionFailure, PacsCancelledError, PacsError } from './errors';
import { checkConnection } from './network-gate';

const { Client, Dataset } = dcmjsDimse;
const { CEchoRequest, CFindRequest, CMoveRequest, CGetRequest } = dcmjsDimse.requests;
const { CStoreResponse } = dcmjsDimse.responses;
const { Status, RejectReason, RejectSource } = dcmjsDimse.constants;

type DimseRequest = InstanceType<typeof dcmjsDimse.requests.Request>;
type CStoreRequestT = InstanceType<typeof dcmjsDimse.requests.CStoreRequest>;
type CStoreResponseT = InstanceType<typeof dcmjsDimse.responses.CStoreResponse>;
type PresentationContextT = InstanceType<typeof dcmjsDimse.association.PresentationContext>;
type DatasetT = InstanceType<typeof Dataset>;
type AssociationT = InstanceType<typeof dcmjsDimse.association.Association>;

// dcmjs-dimse logs data sets at debug level: Radraft never logs patient data.
dcmjsDimse.log.setLevel('silent');

/** The node and how Radraft introduces itself. */
export interface DimseTarget {
  node: Pick<PacsNode, 'name' | 'aeTitle' | 'host' | 'port' | 'dicomWebUrl' | 'tls'>;
  callingAeTitle: string;
  /** Connect, association and each reply (ms). */
  timeoutMs?: number;
}

/** Where C-STORE data sets arriving on an association go (C-GET sub-operations here; the SCP uses the same). */
export interface InstanceSink {
  /** A writable for one instance's data set; its bytes arrive as the peer sends them. */
  open(info: IncomingInstance): Writable;
  /** The data set is complete: check it and say what to answer (PS3.4 B.2.3 status). */
  complete(stream: Writable, info: IncomingInstance): Promise<number>;
}

export interface IncomingInstance {
  sopClassUid: string;
  sopInstanceUid: string;
  transferSyntaxUid: string;
  /** The peer's AE title. */
  fromAeTitle: string;
}

/**
 * What Radraft reaches inside dcmjs-dimse's Network (documented hooks, but the Client creates its Network itself and
 * offers no way to pass them): the socket, to keep the error code its 'networkError' flattens into a message, and
 * the store-stream hooks, so C-GET data sets are streamed to a file instead of parsed in memory on this thread.
 */
interface NetworkInternals {
  socket?: Socket;
  sendAssociationRequest?: (association: AssociationT) => void;
  createStoreWritableStream?: (context: PresentationContextT, request: CStoreRequestT) => Writable;
  createDatasetFromStoreWritableStream?: (writable: Writable, context: PresentationContextT, callback: (dataset: DatasetT) => void) => void;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

/** PS3.8 9.3.4 A-ASSOCIATE-RJ: who rejected and why, in a sentence IT can act on. */
function rejectionMessage(target: DimseTarget, reject: { source?: number; reason?: number } | undefined): string {
  const where = formatDimseAddress(target.node);
  const source = reject?.source;
  const reason = reject?.reason;
  if (source === RejectSource.ServiceUser && reason === RejectReason.CallingAeNotRecognized) {
    return `${where} rejected the association: it does not know Radraft's AE title "${target.callingAeTitle}". Ask the PACS administrator to add Radraft (AE title, host, port) to the PACS's known nodes.`;
  }
  if (source === RejectSource.ServiceUser && reason === RejectReason.CalledAeNotRecognized) {
    return `${where} rejected the association: "${target.node.aeTitle}" is not its AE title. Check the node's AE title with the PACS administrator.`;
  }
  if (source === RejectSource.ServiceProviderPresentation) {
    return `${where} rejected the association for now (it is busy or at its connection limit). Try again in a moment.`;
  }
  return `${where} rejected the association (source ${source ?? '?'}, reason ${reason ?? '?'}). Check the AE titles with the PACS administrator: the PACS must know Radraft's AE title "${target.callingAeTitle}".`;
}

/** TLS options for dcmjs-dimse: the hospital CA is trusted besides the system's, never instead of checking. */
export function tlsOptions(tls: PacsNode['tls']): { ca: string[]; rejectUnauthorized: true } {
  return { ca: [...rootCertificates, ...(tls.caPem ? [tls.caPem] : [])], rejectUnauthorized: true };
}

export interface AssociationOptions {
  signal?: AbortSignal;
  /** C-STORE sub-operations (C-GET) are accepted into this sink. */
  sink?: InstanceSink;
  /** Presentation contexts offered besides the requests' own, each as a context of its own. */
  extraContexts?: Array<{ sopClassUid: string; transferSyntaxUid: string }>;
  /**
   * Storage contexts Radraft offers to accept C-STORE sub-operations on (C-GET, PS3.4 C.4.3.1: SCP role selected,
   * PS3.7 D.3.3.4), one per SOP class and transfer syntax, so the PACS can send each image as it stores it.
   */
  storageRole?: { sopClassUids: readonly string[]; transferSyntaxUids: readonly string[] };
}

/**
 * Sends `requests` over one association and resolves once it is released. Each request's responses are read by the
 * caller's own listeners; this rejects with a PacsError saying what failed when the association cannot be made or
 * breaks. `cancel` sends C-CANCEL for each request (PS3.7 9.3.2.3) when the signal aborts.
 */
export function associate(target: DimseTarget, requests: DimseRequest[], options: AssociationOptions = {}): Promise<void> {
  const { node } = target;
  const timeout = target.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  checkConnection(node, node.host, node.port);
  if (options.signal?.aborted) return Promise.reject(new PacsCancelledError('Cancelled.'));
  const client = new Client();
  for (const request of requests) client.addRequest(request);
  for (const extra of options.extraContexts ?? []) {
    client.addAdditionalPresentationContext(new dcmjsDimse.association.PresentationContext(0, extra.sopClassUid, extra.transferSyntaxUid), true);
  }
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let socketError: unknown = null;
    const settle = (error: Error | null): void => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve();
    };
    const onAbort = (): void => {
      for (const request of requests) {
        if (request instanceof CFindRequest || request instanceof CMoveRequest || request instanceof CGetRequest) {
          try {
            client.cancel(request);
          } catch {
            // Not associated yet: the abort below ends it.
          }
        }
      }
      // A peer that ignores C-CANCEL is cut off (A-ABORT) shortly after.
      setTimeout(() => {
        try {
          client.abort();
        } catch {
          // Already closed.
        }
      }, 2000).unref();
      settle(new PacsCancelledError('Cancelled.'));
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const pendingStores = new Map<CStoreRequestT, { stream: Writable; info: IncomingInstance }>();
    client.on('associationRejected', (reject: { source?: number; reason?: number } | undefined) => settle(new PacsError(rejectionMessage(target, reject), 'ae-rejected')));
    client.on('networkError', (error: Error) => {
      if (socketError) return settle(connectionFailure(socketError, node.host, node.port, timeout));
      if (/timeout/i.test(error.message)) return settle(connectionFailure(Object.assign(new Error(error.message), { code: 'RADRAFT_TIMEOUT' }), node.host, node.port, timeout));
      settle(new PacsError(`${formatDimseAddress(node)}: the DICOM connection failed (${error.message.replace(/^.*?-> /, '')}). Check that this port speaks DICOM${node.tls.dimse ? ' over TLS' : ''}.`, 'protocol'));
    });
    client.on('closed', () => settle(null));
    if (options.sink) {
      const sink = options.sink;
      client.on('cStoreRequest', (request: CStoreRequestT, callback: (response: CStoreResponseT) => void) => {
        const entry = pendingStores.get(request);
        pendingStores.delete(request);
        const answer = (status: number): void => {
          const response = CStoreResponse.fromRequest(request);
          response.setStatus(status);
          callback(response);
        };
        if (!entry) return answer(0xa700);
        sink.complete(entry.stream, entry.info).then(answer, () => answer(0xa700));
      });
    }
    try {
      client.send(node.host, node.port, target.callingAeTitle, node.aeTitle, {
        connectTimeout: timeout,
        associationTimeout: timeout,
        pduTimeout: timeout,
        ...(node.tls.dimse ? { securityOptions: tlsOptions(node.tls) } : {}),
      });
    } catch (error) {
      settle(new PacsError(`The DICOM request could not be sent: ${error instanceof Error ? error.message : String(error)}`));
      return;
    }
    const network = (client as unknown as { network?: NetworkInternals }).network;
    // Keep the socket's own error (its code says DNS, refused, TLS…); dcmjs-dimse reports only a message, from a
    // listener registered before this one, so this one goes first.
    network?.socket?.prependListener('error', (error) => {
      socketError ??= error;
    });
    if (network?.sendAssociationRequest && options.storageRole) {
      // dcmjs-dimse offers C-GET's storage contexts with only the uncompressed syntaxes, and its extra contexts
      // cannot carry the SCP role: the contexts are added to the association just before it is requested.
      const { sopClassUids, transferSyntaxUids } = options.storageRole;
      const original = network.sendAssociationRequest.bind(network);
      network.sendAssociationRequest = (association) => {
        for (const sopClassUid of sopClassUids) {
          for (const transferSyntaxUid of transferSyntaxUids) {
            const id = association.addPresentationContext(sopClassUid);
            association.getPresentationContext(id).setProviderRole(true);
            association.addTransferSyntaxToPresentationContext(id, transferSyntaxUid);
          }
        }
        original(association);
      };
    }
    if (network && options.sink) {
      const sink = options.sink;
      network.createStoreWritableStream = (context, request) => {
        const info: IncomingInstance = {
          sopClassUid: request.getAffectedSopClassUid(),
          sopInstanceUid: request.getAffectedSopInstanceUid(),
          transferSyntaxUid: context.getAcceptedTransferSyntaxUid() ?? '1.2.840.10008.1.2',
          fromAeTitle: node.aeTitle,
        };
        const stream = sink.open(info);
        pendingStores.set(request, { stream, info });
        return stream;
      };
      network.createDatasetFromStoreWritableStream = datasetLeftInFile;
    }
  });
}

/**
 * For dcmjs-dimse's createDatasetFromStoreWritableStream, on the C-GET client and on the storage SCP alike: the
 * received data set stays in the file its stream wrote, and the C-STORE handler gets an empty Dataset once the
 * stream has closed or failed (the handler reads the file in a worker).
 */
export function datasetLeftInFile(writable: Writable, context: PresentationContextT, callback: (dataset: DatasetT) => void): void {
  let called = false;
  const done = (): void => {
    if (called) return;
    called = true;
    callback(new Dataset({}, context.getAcceptedTransferSyntaxUid()));
  };
  writable.once('close', done);
  writable.once('error', done);
}

/** Verification (PS3.4 A, PS3.7 9.1.5): the node answers and accepts Radraft's AE title. */
export async function echo(target: DimseTarget): Promise<void> {
  const request = new CEchoRequest();
  let status: number | null = null;
  request.on('response', (response: { getStatus(): number }) => {
    status = response.getStatus();
  });
  await associate(target, [request]);
  if (status === null) throw new PacsError(`${formatDimseAddress(target.node)} accepted the association but did not answer the C-ECHO.`, 'protocol');
  if (status !== Status.Success) throw new PacsError(`${formatDimseAddress(target.node)} answered the C-ECHO with status 0x${(status as number).toString(16)}.`, 'protocol');
}

/** One C-FIND match, as dcmjs-dimse names the attributes (dcmjs's naturalised keywords). */
export type FindMatch = Record<string, unknown>;

/** PS3.4 C.4.1.1.4: pending responses carry matches; the final one says success, cancel or why it failed. */
async function find(target: DimseTarget, request: InstanceType<typeof CFindRequest>, signal?: AbortSignal): Promise<FindMatch[]> {
  const matches: FindMatch[] = [];
  let final: { status: number; comment: string } | null = null;
  request.on('response', (response: { getStatus(): number; hasDataset(): boolean; getDataset(): DatasetT | undefined; getErrorComment(): string }) => {
    const status = response.getStatus();
    if ((status === Status.Pending || status === 0xff01) && response.hasDataset()) {
      const dataset = response.getDataset();
      if (dataset) matches.push(dataset.getElements());
    } else if (status !== Status.Pending && status !== 0xff01) {
      final = { status, comment: response.getErrorComment() };
    }
  });
  await associate(target, [request], { signal });
  const done = final as { status: number; comment: string } | null;
  if (!done) throw new PacsError(`${formatDimseAddress(target.node)} ended the query without a final answer.`, 'protocol');
  if (done.status !== Status.Success) {
    throw new PacsError(`${formatDimseAddress(target.node)} refused the query (status 0x${done.status.toString(16).padStart(4, '0')}${done.comment ? `: ${done.comment}` : ''}).`);
  }
  return matches;
}

/** Patient Root Query/Retrieve Information Model – FIND (PS3.4 C.6.1), PATIENT level. */
export const PATIENT_ROOT_FIND = '1.2.840.10008.5.1.4.1.2.1.1';

export function findPatients(target: DimseTarget, keys: { patientName?: string; patientId?: string }, signal?: AbortSignal): Promise<FindMatch[]> {
  const request = new CFindRequest();
  request.setAffectedSopClassUid(PATIENT_ROOT_FIND);
  request.setDataset(new Dataset({ QueryRetrieveLevel: 'PATIENT', PatientName: keys.patientName ?? '', PatientID: keys.patientId ?? '', PatientBirthDate: '', PatientSex: '', NumberOfPatientRelatedStudies: '' }));
  return find(target, request, signal);
}

/** Study Root – FIND (PS3.4 C.6.2), STUDY level; `keys` are matching keys by keyword (e.g. StudyDate range). */
export function findStudies(target: DimseTarget, keys: Record<string, string>, signal?: AbortSignal): Promise<FindMatch[]> {
  return find(target, CFindRequest.createStudyFindRequest({ ReferringPhysicianName: '', ...keys }), signal);
}

/** Study Root – FIND, IMAGE level: the instances of one study (their UIDs, so a retrieve can ask for the missing ones). */
export function findInstances(target: DimseTarget, studyInstanceUid: string, signal?: AbortSignal): Promise<FindMatch[]> {
  return find(target, CFindRequest.createImageFindRequest({ StudyInstanceUID: studyInstanceUid, SOPClassUID: '', ViewPosition: '' }), signal);
}

export interface RetrieveCounts {
  completed: number;
  failed: number;
  warnings: number;
  remaining: number | null;
}

interface SubOperationResponse {
  getStatus(): number;
  getErrorComment(): string;
  getRemaining(): number;
  getCompleted(): number;
  getFailures(): number;
  getWarnings(): number;
}

/** The retrieve's own answers: pending ones count sub-operations, the final one says how it ended (PS3.4 C.4.2.1.6). */
function countSubOperations(request: DimseRequest, onProgress?: (counts: RetrieveCounts) => void): () => { final: { status: number; comment: string } | null; counts: RetrieveCounts } {
  let final: { status: number; comment: string } | null = null;
  const counts: RetrieveCounts = { completed: 0, failed: 0, warnings: 0, remaining: null };
  request.on('response', (response: SubOperationResponse) => {
    const status = response.getStatus();
    counts.completed = response.getCompleted() ?? counts.completed;
    counts.failed = response.getFailures() ?? counts.failed;
    counts.warnings = response.getWarnings() ?? counts.warnings;
    counts.remaining = response.getRemaining() ?? counts.remaining;
    if (status !== Status.Pending) final = { status, comment: response.getErrorComment() };
    onProgress?.({ ...counts });
  });
  return () => ({ final, counts });
}

function retrieveOutcome(target: DimseTarget, what: string, result: { final: { status: number; comment: string } | null; counts: RetrieveCounts }): RetrieveCounts {
  const where = formatDimseAddress(target.node);
  if (!result.final) throw new PacsError(`${where} ended the ${what} without a final answer.`, 'protocol');
  const { status, comment } = result.final;
  // 0000 success; B000 some sub-operations failed (the counts say which); A801 destination unknown (C-MOVE).
  if (status === Status.Success || status === 0xb000) return result.counts;
  if (status === Status.Cancel) throw new PacsCancelledError('Cancelled.');
  if (status === Status.MoveDestinationUnknown) {
    throw new PacsError(`${where} does not know where to send the images (move destination unknown). Ask the PACS administrator to add Radraft's AE title, host and DICOM port to the PACS's known nodes, or retrieve with C-GET.`);
  }
  throw new PacsError(`${where} could not complete the ${what} (status 0x${status.toString(16).padStart(4, '0')}${comment ? `: ${comment}` : ''}).`);
}

/** The instances to fetch: the whole study, or these SOP Instance UIDs of one series (a retrieve resumed). */
export interface RetrieveScope {
  studyInstanceUid: string;
  /** When given, only these instances (IMAGE level, PS3.4 C.4.2.2.1: a list of UIDs in one request). */
  instances?: { seriesInstanceUid: string; sopInstanceUids: string[] };
}

function scopeDataset(scope: RetrieveScope): Record<string, string | string[]> {
  if (!scope.instances) return { QueryRetrieveLevel: 'STUDY', StudyInstanceUID: scope.studyInstanceUid };
  return {
    QueryRetrieveLevel: 'IMAGE',
    StudyInstanceUID: scope.studyInstanceUid,
    SeriesInstanceUID: scope.instances.seriesInstanceUid,
    // A list of values, not one string joined with "\\": dcmjs checks each UID against the 64-character limit of UI
    // (PS3.5 6.2) and truncates a joined string, which then names no instance.
    SOPInstanceUID: [...scope.instances.sopInstanceUids],
  };
}

/** C-MOVE (PS3.4 C.4.2) to `destinationAeTitle`: the PACS opens its own association to Radraft's storage SCP. */
export async function move(target: DimseTarget, destinationAeTitle: string, scope: RetrieveScope, opts: { signal?: AbortSignal; onProgress?: (c: RetrieveCounts) => void } = {}): Promise<RetrieveCounts> {
  const request = new CMoveRequest();
  request.setDataset(new Dataset(scopeDataset(scope)));
  request.getCommandDataset().setElement('MoveDestination', destinationAeTitle);
  const result = countSubOperations(request, opts.onProgress);
  await associate(target, [request], { signal: opts.signal });
  return retrieveOutcome(target, 'C-MOVE', result());
}

/** C-GET (PS3.4 C.4.3): the images come back on the same association as C-STORE sub-operations, into `sink`. */
export async function get(
  target: DimseTarget,
  scope: RetrieveScope,
  sink: InstanceSink,
  storageRole: NonNullable<AssociationOptions['storageRole']>,
  opts: { signal?: AbortSignal; onProgress?: (c: RetrieveCounts) => void } = {},
): Promise<RetrieveCounts> {
  const request = new CGetRequest();
  request.setAddStorageSopClassesToAssociation(false);
  request.setDataset(new Dataset(scopeDataset(scope)));
  const result = countSubOperations(request, opts.onProgress);
  await associate(target, [request], { signal: opts.signal, sink, storageRole });
  return retrieveOutcome(target, 'C-GET', result());
}

/** A node named only by its DICOM address (`radraft send --to AE@HOST:PORT`): no DICOMweb, no TLS. */
export function adHocNode(address: DimseAddress): DimseTarget['node'] {
  return { name: formatDimseAddress(address), ...address, dicomWebUrl: null, tls: { dimse: false, caPem: null } };
}
