// Typed client over the preload's `window.radraft`: the renderer's only way to reach main. Types come from the one
// contract (app/ipc/contract.ts); main validates every payload, so the renderer needs the schemas' types only.
import type { EventChannel, InvokeChannel } from '../../../app/ipc/channels';
import type { EventOf, RadraftBridge, RequestOf, ResponseOf } from '../../../app/ipc/contract';
import { decodeIpcError, type IpcErrorCode } from '../../../app/ipc/errors';
import type { ExportFormat, ExportOptions } from '../../../app/domain/export';

declare global {
  interface Window {
    radraft?: RadraftBridge;
  }
}

/** A request to main failed; `message` is meant for the person at the screen. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly channel: InvokeChannel,
    readonly code: IpcErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export class BridgeMissingError extends Error {
  override name = 'BridgeMissingError';
  constructor() {
    super('Radraft’s connection to the application is missing. Start Radraft from its launcher, not in a web browser.');
  }
}

function bridge(): RadraftBridge {
  const b = window.radraft;
  if (!b) throw new BridgeMissingError();
  return b;
}

/** Electron prefixes remote errors ("Error invoking remote method 'x': Error: …"); people need only the reason. */
export function cleanRemoteMessage(message: string): string {
  return message.replace(/^Error invoking remote method '[^']*':\s*/, '').replace(/^(?:[A-Za-z]*Error:\s*)+/, '');
}

/** Main encodes {code, message} into the error it throws (app/ipc/errors.ts); both transports carry it the same. */
export function toApiError(channel: InvokeChannel, err: unknown): ApiError {
  const info = decodeIpcError(err);
  return new ApiError(channel, info.code, cleanRemoteMessage(info.message));
}

export async function invoke<C extends InvokeChannel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
  try {
    return await bridge().invoke(channel, request);
  } catch (err) {
    if (err instanceof BridgeMissingError) throw err;
    throw toApiError(channel, err);
  }
}

export function on<E extends EventChannel>(event: E, listener: (payload: EventOf<E>) => void): () => void {
  return bridge().on(event, listener);
}

export function hasBridge(): boolean {
  return window.radraft !== undefined;
}

/** Absolute path of a dropped file, or '' when the platform does not tell. */
export function pathForFile(file: File): string {
  return bridge().pathForFile(file);
}

/** Convenience wrappers, one per channel the UI uses. */
export const api = {
  openDialog: (kind: 'files' | 'folder') => invoke('studies:openDialog', { kind }),
  openPaths: (paths: string[]) => invoke('studies:openPaths', { paths }),
  openSamples: () => invoke('studies:openSamples', {}),
  takePendingOpens: () => invoke('studies:takePendingOpens', {}),
  listStudies: () => invoke('studies:list', {}),
  resolveIdentity: (studyInstanceUid: string, resolution: RequestOf<'studies:resolveIdentity'>['resolution']) =>
    invoke('studies:resolveIdentity', { studyInstanceUid, resolution }),
  closeStudy: (studyInstanceUid: string) => invoke('studies:close', { studyInstanceUid }),
  reportProgress: (studyInstanceUids: string[]) => invoke('reports:progress', { studyInstanceUids }),
  listAids: () => invoke('aids:list', {}),
  saveTemplate: (template: RequestOf<'aids:saveTemplate'>['template'], id?: number) => invoke('aids:saveTemplate', { template, id }),
  deleteTemplate: (id: number) => invoke('aids:deleteTemplate', { id }),
  saveSnippet: (snippet: RequestOf<'aids:saveSnippet'>['snippet'], id?: number) => invoke('aids:saveSnippet', { snippet, id }),
  deleteSnippet: (id: number) => invoke('aids:deleteSnippet', { id }),
  exportAids: () => invoke('aids:export', {}),
  importAids: () => invoke('aids:import', {}),
  loadImage: (imageId: string) => invoke('image:load', { imageId }),
  getReport: (studyInstanceUid: string) => invoke('report:get', { studyInstanceUid }),
  saveReport: (request: RequestOf<'report:save'>) => invoke('report:save', request),
  insertDraft: (request: RequestOf<'report:insertDraft'>) => invoke('report:insertDraft', request),
  discardDraft: (request: RequestOf<'report:discardDraft'>) => invoke('report:discardDraft', request),
  signReport: (request: RequestOf<'report:sign'>) => invoke('report:sign', request),
  saveAddendum: (request: RequestOf<'report:saveAddendum'>) => invoke('report:saveAddendum', request),
  signAddendum: (request: RequestOf<'report:signAddendum'>) => invoke('report:signAddendum', request),
  exportReport: (studyInstanceUid: string, format: ExportFormat = 'text', options: ExportOptions = {}) => invoke('report:export', { studyInstanceUid, format, options }),
  copyReport: (studyInstanceUid: string) => invoke('report:copy', { studyInstanceUid }),
  listModels: () => invoke('models:list', {}),
  importModel: (dtype: RequestOf<'models:importDialog'>['dtype']) => invoke('models:importDialog', { dtype }),
  setActiveModel: (modelId: string) => invoke('models:setActive', { modelId }),
  verifyModel: (modelId: string) => invoke('models:verify', { modelId }),
  validateModel: (modelId: string, source: RequestOf<'models:validate'>['source']) => invoke('models:validate', { modelId, source }),
  cancelValidation: (jobId: string) => invoke('models:cancelValidation', { jobId }),
  openValidationReport: (modelId: string) => invoke('models:openValidationReport', { modelId }),
  exportTrainingSet: () => invoke('models:exportTrainingSet', {}),
  startDraft: (request: RequestOf<'draft:start'>) => invoke('draft:start', request),
  cancelDraft: (draftId: string) => invoke('draft:cancel', { draftId }),
  sendToPacs: (studyInstanceUid: string, nodeId: string) => invoke('report:sendToPacs', { studyInstanceUid, nodeId }),
  pacsSettings: () => invoke('pacs:settings', {}),
  saveNode: (request: RequestOf<'pacs:saveNode'>) => invoke('pacs:saveNode', request),
  deleteNode: (nodeId: string) => invoke('pacs:deleteNode', { nodeId }),
  testNode: (request: RequestOf<'pacs:testNode'>) => invoke('pacs:testNode', request),
  saveListener: (request: RequestOf<'pacs:saveListener'>) => invoke('pacs:saveListener', request),
  savePredraft: (request: RequestOf<'pacs:savePredraft'>) => invoke('pacs:savePredraft', request),
  chooseWatchedFolder: (clear: boolean) => invoke('pacs:chooseWatchedFolder', { clear }),
  saveCache: (request: RequestOf<'pacs:saveCache'>) => invoke('pacs:saveCache', request),
  queryWorklist: (request: RequestOf<'worklist:query'>) => invoke('worklist:query', request),
  openWorklistStudy: (nodeId: string, studyInstanceUid: string) => invoke('worklist:open', { nodeId, studyInstanceUid }),
  cancelRetrieve: (studyInstanceUid: string) => invoke('worklist:cancel', { studyInstanceUid }),
  predraftStatus: () => invoke('predraft:status', {}),
  setPredraftPaused: (paused: boolean) => invoke('predraft:setPaused', { paused }),
  prioritise: (studyInstanceUid: string) => invoke('predraft:prioritise', { studyInstanceUid }),
  retryFailed: () => invoke('predraft:retryFailed', {}),
  clearFinished: () => invoke('predraft:clearFinished', {}),
};

export type { ResponseOf, RequestOf, EventOf };
