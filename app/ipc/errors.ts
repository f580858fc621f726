// Typed errors across the IPC boundary. Electron's ipcRenderer.invoke keeps only an error's message, so main
// encodes {code, message} into the message and the renderer decodes it; the e2e transport does the same.

export const IPC_ERROR_CODES = [
  'invalid-request',
  /** The request is well-formed but the report cannot take it (an empty report to sign, a section too long). */
  'validation',
  'not-found',
  'conflict',
  'signed',
  /** Signing would pass AI text no clinician accepted or edited. */
  'unreviewed',
  'storage',
  /** A stored report could not be read; it was set aside and a new one started. Reading again succeeds. */
  'damaged',
  'dicom',
  'export',
  'model',
  'draft',
  /** The study's files name different patients and the clinician has not resolved it yet. */
  'identity',
  /** A PACS node could not be reached, refused, or answered with an error (the message says which and what to do). */
  'pacs',
  'internal',
] as const;
export type IpcErrorCode = (typeof IPC_ERROR_CODES)[number];

export interface IpcErrorInfo {
  code: IpcErrorCode;
  message: string;
}

const MARKER = 'RADRAFT_ERROR:';

export function encodeIpcError(info: IpcErrorInfo): string {
  return MARKER + JSON.stringify({ code: info.code, message: info.message });
}

/** Reads an error from either transport; anything unrecognised becomes an 'internal' error with its text. */
export function decodeIpcError(error: unknown): IpcErrorInfo {
  const text = error instanceof Error ? error.message : String(error);
  const at = text.indexOf(MARKER);
  if (at >= 0) {
    try {
      const parsed: unknown = JSON.parse(text.slice(at + MARKER.length));
      if (isInfo(parsed)) return parsed;
    } catch {
      // Not our encoding after all: fall through to the generic form below.
    }
  }
  return { code: 'internal', message: text };
}

function isInfo(value: unknown): value is IpcErrorInfo {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.message === 'string' && (IPC_ERROR_CODES as readonly unknown[]).includes(v.code);
}
