// Radraft as a DICOM node others send to: a Storage SCP (PS3.4 B.2.2) with Verification (PS3.4 A), on dcmjs-dimse's
// Scp. Off by default; the AE title and port are set in the PACS settings, and only allowed calling AEs (the listed
// ones and the configured PACS nodes') may associate. Each instance streams to a file in the cache's incoming folder
// and is checked in a worker before it is stored; whatever a peer sends, a malformed association or file is refused
// with a log line (never patient data) and the app carries on.
//
// The listening socket and the per-connection limits are Radraft's own (dcmjs-dimse's Server listens on every
// interface with no way to choose, and buffers a PDU of any declared length): the server below binds where the
// settings say, caps concurrent associations, and drops a peer whose PDU is longer than Radraft ever negotiates.
import { createServer, type Server, type Socket } from 'node:net';
import type { Writable } from 'node:stream';
import dcmjsDimse from 'dcmjs-dimse';
import { findTransferSyntax } from '../dicom/transfer-syntax';
import type { ImageCache, IngestResult } from './image-cache';
import { STORE_STATUS } from './image-cache';
import type { IncomingFile } from './incoming-file';
import { datasetLeftInFile } from './dimse';
import { PacsError } from './errors';
import { isRadiographStorageClass } from './sop-classes';

const { Scp } = dcmjsDimse;
const { CEchoResponse, CStoreResponse } = dcmjsDimse.responses;
const { Status, PresentationContextResult, RejectResult, RejectSource, RejectReason, SopClass } = dcmjsDimse.constants;

type AssociationT = InstanceType<typeof dcmjsDimse.association.Association>;
type PresentationContextT = InstanceType<typeof dcmjsDimse.association.PresentationContext>;
type CStoreRequestT = InstanceType<typeof dcmjsDimse.requests.CStoreRequest>;
type CEchoRequestT = InstanceType<typeof dcmjsDimse.requests.CEchoRequest>;
type DatasetT = InstanceType<typeof dcmjsDimse.Dataset>;

dcmjsDimse.log.setLevel('silent');

export interface ListenerConfig {
  aeTitle: string;
  port: number;
  loopbackOnly: boolean;
  /** Calling AE titles allowed to associate (trimmed). */
  allowedCallingAes: ReadonlySet<string>;
}

export interface StorageScpDeps {
  cache: ImageCache;
  /** An instance was received and stored in the cache. */
  onStored(result: Extract<IngestResult, { ok: true }>, callingAe: string): void;
  /** One line per refusal or dropped connection; never patient data. */
  log?: (line: string) => void;
  /** Associations at once; more are closed at connect. */
  maxAssociations?: number;
  timeoutMs?: number;
}

/** A PDU longer than this is never one Radraft negotiated (it advertises 256 KiB): the peer is cut off. */
const MAX_PDU_BYTES = 1024 * 1024;

/** Context each association's Scp needs: the settings when it connected and where files go. */
interface ScpContext {
  config: ListenerConfig;
  deps: StorageScpDeps;
  log: (line: string) => void;
}

class RadraftScp extends Scp {
  private callingAe = '';
  private readonly incoming = new Map<CStoreRequestT, IncomingFile>();

  constructor(
    socket: Socket,
    opts: ConstructorParameters<typeof Scp>[1],
    private readonly context: ScpContext,
  ) {
    super(socket, opts);
  }

  override associationRequested(association: AssociationT): void {
    const { config, log } = this.context;
    this.callingAe = association.getCallingAeTitle().trim();
    const called = association.getCalledAeTitle().trim();
    if (called !== config.aeTitle.trim()) {
      log(`radraft: refused a DICOM association from AE "${this.callingAe}": it called "${called}", not Radraft's AE title`);
      this.sendAssociationReject(RejectResult.Permanent, RejectSource.ServiceUser, RejectReason.CalledAeNotRecognized);
      return;
    }
    if (!config.allowedCallingAes.has(this.callingAe)) {
      log(`radraft: refused a DICOM association from AE "${this.callingAe}": not in the allowed calling AE titles`);
      this.sendAssociationReject(RejectResult.Permanent, RejectSource.ServiceUser, RejectReason.CallingAeNotRecognized);
      return;
    }
    for (const { id } of association.getPresentationContexts()) {
      const context = association.getPresentationContext(id);
      const abstract = context.getAbstractSyntaxUid();
      if (abstract !== SopClass.Verification && !isRadiographStorageClass(abstract)) {
        context.setResult(PresentationContextResult.RejectAbstractSyntaxNotSupported);
        continue;
      }
      // The sender's preferred syntax among those the DICOM engine decodes: the image is kept as it was sent.
      const syntax = context.getTransferSyntaxUids().find((uid) => findTransferSyntax(uid.trim()) !== undefined);
      if (syntax) context.setResult(PresentationContextResult.Accept, syntax);
      else context.setResult(PresentationContextResult.RejectTransferSyntaxesNotSupported);
    }
    this.sendAssociationAccept();
  }

  override associationReleaseRequested(): void {
    this.sendAssociationReleaseResponse();
  }

  override cEchoRequest(request: CEchoRequestT, callback: (response: InstanceType<typeof CEchoResponse>) => void): void {
    const response = CEchoResponse.fromRequest(request);
    response.setStatus(Status.Success);
    callback(response);
  }

  override createStoreWritableStream(context: PresentationContextT, request: CStoreRequestT): Writable {
    const file = this.context.deps.cache.newIncoming({
      sopClassUid: request.getAffectedSopClassUid(),
      sopInstanceUid: request.getAffectedSopInstanceUid(),
      transferSyntaxUid: context.getAcceptedTransferSyntaxUid() ?? '1.2.840.10008.1.2',
      sourceAeTitle: this.callingAe,
    });
    this.incoming.set(request, file);
    return file.stream;
  }

  override createDatasetFromStoreWritableStream(writable: Writable, context: PresentationContextT, callback: (dataset: DatasetT) => void): void {
    datasetLeftInFile(writable, context, callback);
  }

  override cStoreRequest(request: CStoreRequestT, callback: (response: InstanceType<typeof CStoreResponse>) => void): void {
    const answer = (status: number): void => {
      const response = CStoreResponse.fromRequest(request);
      response.setStatus(status);
      callback(response);
    };
    const file = this.incoming.get(request);
    this.incoming.delete(request);
    if (!file) {
      answer(STORE_STATUS.outOfResources);
      return;
    }
    const { deps, log } = this.context;
    deps.cache
      .ingest(file, { sopInstanceUid: request.getAffectedSopInstanceUid() })
      .then((result) => {
        if (result.ok) {
          answer(STORE_STATUS.success);
          deps.onStored(result, this.callingAe);
        } else {
          log(`radraft: refused an instance from AE "${this.callingAe}": ${result.reason}`);
          answer(result.status);
        }
      })
      .catch((error: unknown) => {
        file.discard();
        log(`radraft: an instance from AE "${this.callingAe}" could not be stored (${error instanceof Error ? error.name : 'error'})`);
        answer(STORE_STATUS.outOfResources);
      });
  }

  override abort(): void {
    this.discardAll();
  }

  /** Transfers the peer never finished: their partial files go. */
  discardAll(): void {
    for (const file of this.incoming.values()) file.discard();
    this.incoming.clear();
  }
}

/**
 * Watches the raw bytes for PDU headers (PS3.8 9.3.1: type, reserved, 4-byte big-endian length) and reports a PDU
 * longer than `max` before dcmjs-dimse would try to buffer it.
 */
function pduLengthGuard(max: number, onTooLong: (length: number) => void): (chunk: Buffer) => void {
  let header = Buffer.alloc(0);
  let remaining = 0;
  return (chunk) => {
    let offset = 0;
    while (offset < chunk.length) {
      if (remaining > 0) {
        const take = Math.min(remaining, chunk.length - offset);
        remaining -= take;
        offset += take;
        continue;
      }
      const need = 6 - header.length;
      header = Buffer.concat([header, chunk.subarray(offset, offset + need)]);
      offset += Math.min(need, chunk.length - offset);
      if (header.length < 6) return;
      const length = header.readUInt32BE(2);
      header = Buffer.alloc(0);
      if (length > max) {
        onTooLong(length);
        return;
      }
      remaining = length;
    }
  };
}

export class StorageScp {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private problem: string | null = null;
  private config: ListenerConfig | null = null;

  constructor(private readonly deps: StorageScpDeps) {}

  private log(line: string): void {
    (this.deps.log ?? ((l: string) => console.warn(l)))(line);
  }

  status(): { listening: boolean; problem: string | null; port: number | null } {
    const address = this.server?.address();
    return { listening: this.server !== null && this.server.listening, problem: this.problem, port: typeof address === 'object' && address ? address.port : null };
  }

  /** Starts listening (or restarts with new settings); rejects with a clinician-readable PacsError. */
  async start(config: ListenerConfig): Promise<void> {
    await this.stop();
    this.config = config;
    const timeout = this.deps.timeoutMs ?? 30_000;
    const max = this.deps.maxAssociations ?? 16;
    const server = createServer((socket) => this.accept(socket, max, timeout));
    server.on('error', (error: NodeJS.ErrnoException) => {
      this.problem = listenProblem(error, config.port);
      this.log(`radraft: the DICOM listener stopped (${error.code ?? error.name})`);
    });
    await new Promise<void>((resolve, reject) => {
      const fail = (error: NodeJS.ErrnoException): void => {
        server.close();
        this.problem = listenProblem(error, config.port);
        reject(new PacsError(this.problem));
      };
      server.once('error', fail);
      server.listen({ port: config.port, host: config.loopbackOnly ? '127.0.0.1' : undefined }, () => {
        server.off('error', fail);
        resolve();
      });
    });
    this.server = server;
    this.problem = null;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: Socket, max: number, timeout: number): void {
    const config = this.config;
    if (!config || this.sockets.size >= max) {
      this.log(`radraft: refused a DICOM connection from ${socket.remoteAddress ?? 'unknown'}: ${config ? `${max} associations already open` : 'the listener is stopping'}`);
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    let scp: RadraftScp | null = null;
    const drop = (why: string): void => {
      this.log(`radraft: closed a DICOM connection from ${socket.remoteAddress ?? 'unknown'}: ${why}`);
      scp?.discardAll();
      socket.destroy();
    };
    socket.prependListener(
      'data',
      pduLengthGuard(MAX_PDU_BYTES, (length) => drop(`a PDU of ${length} bytes is longer than Radraft accepts`)),
    );
    socket.on('close', () => {
      this.sockets.delete(socket);
      scp?.discardAll();
    });
    socket.on('error', () => undefined); // reported through dcmjs-dimse's networkError below
    try {
      scp = new RadraftScp(socket, { connectTimeout: timeout, associationTimeout: timeout, pduTimeout: timeout }, { config, deps: this.deps, log: (l) => this.log(l) });
      (scp as unknown as { connected: boolean }).connected = true;
      scp.on('networkError', (error: Error) => drop(`the DICOM exchange broke off (${/timeout/i.test(error.message) ? 'timeout' : 'malformed or interrupted data'})`));
    } catch (error) {
      drop(`it could not be set up (${error instanceof Error ? error.name : 'error'})`);
    }
  }
}

function listenProblem(error: NodeJS.ErrnoException, port: number): string {
  if (error.code === 'EADDRINUSE') return `Port ${port} is already in use by another program: choose another port for Radraft's DICOM listener.`;
  if (error.code === 'EACCES') return `Radraft may not listen on port ${port} (ports below 1024 need administrator rights): choose a port above 1024, e.g. 11112.`;
  return `Radraft's DICOM listener could not start on port ${port} (${error.code ?? error.message}).`;
}
