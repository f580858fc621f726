// Base class for errors a clinician should see: each carries the code the renderer switches on.
import { encodeIpcError, type IpcErrorCode, type IpcErrorInfo } from '../../app/ipc/errors';
import { IpcRequestError } from './dispatch';
import { DicomError } from '../dicom/errors';

export abstract class AppError extends Error {
  abstract readonly code: IpcErrorCode;
}

/** Maps any thrown value to what crosses the IPC boundary; unexpected errors keep their message, never a stack. */
export function toIpcErrorInfo(error: unknown): IpcErrorInfo {
  if (error instanceof AppError) return { code: error.code, message: error.message };
  if (error instanceof IpcRequestError) return { code: 'invalid-request', message: error.message };
  if (error instanceof DicomError) return { code: 'dicom', message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message: `Unexpected error: ${message}` };
}

/** An Error whose message carries the encoded info (what ipcMain.handle and the e2e transport rethrow). */
export function toTransportError(error: unknown): Error {
  return new Error(encodeIpcError(toIpcErrorInfo(error)));
}
