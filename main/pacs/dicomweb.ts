// DICOMweb as a user agent (PS3.18): QIDO-RS searches (10.6) answered as DICOM JSON (F.2), and WADO-RS instance
// retrieval (10.4) as multipart/related Part 10 parts streamed to files. HTTP(S) by Node's own client, with basic or
// bearer authentication and the hospital CA trusted besides the system's; redirects are never followed, and every
// socket the agents open asks the network policy first. (Not undici: its entry module loads node:dns, whose resolver
// reads the system's name-resolution configuration even when every address is an IP, which the no-egress test rightly
// counts as a sign of name resolution.)
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';
import type { Duplex } from 'node:stream';
import type { PacsNode } from '../../app/domain/pacs';
import { connectionFailure, PacsCancelledError, PacsError } from './errors';
import { multipartBoundary, readMultipart, type PartSink } from './multipart';
import { checkConnection } from './network-gate';

export interface DicomWebTarget {
  node: Pick<PacsNode, 'name' | 'host' | 'port' | 'dicomWebUrl' | 'auth' | 'tls'>;
  /** The password (basic) or token (bearer), when the node authenticates. */
  secret: string | null;
  timeoutMs?: number;
}

/** A DICOM JSON data set (PS3.18 F.2): tag → { vr, Value }. */
export type DicomJson = Record<string, { vr: string; Value?: unknown[] } | undefined>;

const DEFAULT_TIMEOUT_MS = 30_000;

type ConnectionCallback = (error: Error | null, socket?: Duplex) => void;
interface ConnectionOptions {
  host?: string | null;
  port?: number | string | null;
}

/** Keep-alive connections to one node, for one operation (close() after it). Each socket asks the network policy. */
export interface DicomWebAgent {
  http: HttpAgent;
  https: HttpsAgent;
  close(): void;
}

export function dicomWebAgent(target: DicomWebTarget): DicomWebAgent {
  const gate = (options: ConnectionOptions, callback: ConnectionCallback): boolean => {
    try {
      checkConnection(target.node, String(options.host ?? ''), Number(options.port));
      return true;
    } catch (error) {
      callback(error as Error);
      return false;
    }
  };
  class GatedHttpAgent extends HttpAgent {
    override createConnection(options: ConnectionOptions, callback: ConnectionCallback): Duplex {
      return (gate(options, callback) ? super.createConnection(options as never, callback as never) : undefined) as Duplex;
    }
  }
  class GatedHttpsAgent extends HttpsAgent {
    override createConnection(options: ConnectionOptions, callback: ConnectionCallback): Duplex {
      return (gate(options, callback) ? super.createConnection(options as never, callback as never) : undefined) as Duplex;
    }
  }
  const http = new GatedHttpAgent({ keepAlive: true, maxSockets: 4 });
  const https = new GatedHttpsAgent({ keepAlive: true, maxSockets: 4, ca: target.node.tls.caPem ? [...rootCertificates, target.node.tls.caPem] : undefined, rejectUnauthorized: true });
  return {
    http,
    https,
    close: () => {
      http.destroy();
      https.destroy();
    },
  };
}

function baseUrl(target: DicomWebTarget): URL {
  const text = target.node.dicomWebUrl;
  if (!text) throw new PacsError(`"${target.node.name}" has no DICOMweb URL; enter it in the PACS settings.`);
  return new URL(text.endsWith('/') ? text : `${text}/`);
}

function authorization(target: DicomWebTarget): Record<string, string> {
  const { auth } = target.node;
  if (auth.kind === 'none') return {};
  if (!target.secret) throw new PacsError(`"${target.node.name}" needs a ${auth.kind === 'basic' ? 'password' : 'token'}: enter it in the PACS settings.`, 'auth');
  if (auth.kind === 'basic') return { authorization: `Basic ${Buffer.from(`${auth.username}:${target.secret}`, 'utf8').toString('base64')}` };
  return { authorization: `Bearer ${target.secret}` };
}

function portOf(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}

/** Turns what the HTTP client throws into what failed, for this node. */
function failure(target: DicomWebTarget, url: URL, error: unknown): PacsError {
  if (error instanceof PacsError) return error;
  if ((error as { name?: string }).name === 'AbortError') return new PacsCancelledError('Cancelled.');
  return connectionFailure(error, url.hostname, portOf(url), target.timeoutMs ?? DEFAULT_TIMEOUT_MS);
}

/** What an HTTP status means for the clinician's IT. */
function statusError(target: DicomWebTarget, url: URL, status: number, what: string): PacsError {
  const where = `${url.origin}${url.pathname}`;
  if (status === 401 || status === 403) {
    const how = target.node.auth.kind === 'none' ? 'it needs authentication: choose basic or bearer in the node settings' : target.node.auth.kind === 'basic' ? 'check the user name and password' : 'check the token';
    return new PacsError(`The DICOMweb server refused Radraft's credentials (HTTP ${status}): ${how}.`, 'auth');
  }
  if (status === 404) return new PacsError(`There is no DICOMweb ${what} at ${where} (HTTP 404). Check the DICOMweb URL; it usually ends in /dicom-web or /dicomweb.`, 'not-dicomweb');
  if (status >= 300 && status < 400) return new PacsError(`${where} redirects elsewhere (HTTP ${status}); Radraft does not follow redirects. Enter the final DICOMweb URL.`, 'protocol');
  return new PacsError(`The DICOMweb server answered the ${what} with HTTP ${status}.`, 'protocol');
}

/** GET with the node's credentials; resolves with the response (its body still to read), rejects with a PacsError. */
function get(target: DicomWebTarget, agent: DicomWebAgent, url: URL, accept: string, signal?: AbortSignal): Promise<IncomingMessage> {
  const timeout = target.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    let req: ClientRequest;
    try {
      checkConnection(target.node, url.hostname, portOf(url));
      const headers = { accept, ...authorization(target) };
      const options = { method: 'GET', headers, signal, timeout };
      req = url.protocol === 'https:' ? httpsRequest(url, { ...options, agent: agent.https }) : httpRequest(url, { ...options, agent: agent.http });
    } catch (error) {
      reject(failure(target, url, error));
      return;
    }
    req.on('response', resolve);
    req.on('error', (error) => reject(failure(target, url, error)));
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'RADRAFT_TIMEOUT' })));
    req.end();
  });
}

/** The response's socket-level failures (reset, timeout) while its body is read, as a PacsError. */
async function* body(target: DicomWebTarget, url: URL, response: IncomingMessage): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of response) yield chunk as Uint8Array;
  } catch (error) {
    throw failure(target, url, error);
  }
  if (!response.complete) throw new PacsError(`The DICOMweb server closed the connection before the answer was complete (${url.origin}).`, 'protocol');
}

async function readAll(target: DicomWebTarget, url: URL, response: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body(target, url, response)) {
    size += chunk.byteLength;
    if (size > limit) {
      response.destroy();
      throw new PacsError(`The DICOMweb search answer is larger than ${Math.round(limit / 1024 / 1024)} MB; narrow the date range.`, 'protocol');
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** A search answer this big is not a worklist (a 1,000-study list is about 2 MB of DICOM JSON). */
const MAX_QIDO_BYTES = 64 * 1024 * 1024;

/** QIDO-RS: GET {base}/{path}?query, answered as a DICOM JSON array (204: no matches). */
export async function qido(target: DicomWebTarget, path: string, query: Record<string, string | string[]>, opts: { signal?: AbortSignal; agent?: DicomWebAgent } = {}): Promise<DicomJson[]> {
  const url = new URL(path, baseUrl(target));
  for (const [key, value] of Object.entries(query)) for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(key, v);
  const agent = opts.agent ?? dicomWebAgent(target);
  try {
    const response = await get(target, agent, url, 'application/dicom+json', opts.signal);
    const status = response.statusCode ?? 0;
    if (status === 204) {
      response.resume();
      return [];
    }
    if (status !== 200) {
      response.resume();
      throw statusError(target, url, status, 'search (QIDO-RS)');
    }
    const text = (await readAll(target, url, response, MAX_QIDO_BYTES)).toString('utf8');
    let parsed: unknown;
    try {
      parsed = text.trim() === '' ? [] : JSON.parse(text);
    } catch (error) {
      throw new PacsError(`The DICOMweb search answer is not DICOM JSON (${error instanceof Error ? error.message : String(error)}). Check the DICOMweb URL.`, 'not-dicomweb');
    }
    if (!Array.isArray(parsed)) throw new PacsError('The DICOMweb search answer is not a list of DICOM JSON objects. Check the DICOMweb URL.', 'not-dicomweb');
    return parsed as DicomJson[];
  } finally {
    if (!opts.agent) agent.close();
  }
}

/**
 * WADO-RS retrieve of one instance (PS3.18 10.4.1.1.3): multipart/related of application/dicom parts in the stored
 * transfer syntax (transfer-syntax=*), each streamed to the sink `open` returns. Resolves with the part count.
 */
export async function wadoInstance(
  target: DicomWebTarget,
  uids: { study: string; series: string; instance: string },
  open: (headers: Record<string, string>) => PartSink,
  opts: { signal?: AbortSignal; agent?: DicomWebAgent } = {},
): Promise<number> {
  const url = new URL(`studies/${encodeURIComponent(uids.study)}/series/${encodeURIComponent(uids.series)}/instances/${encodeURIComponent(uids.instance)}`, baseUrl(target));
  const agent = opts.agent ?? dicomWebAgent(target);
  try {
    const response = await get(target, agent, url, 'multipart/related; type="application/dicom"; transfer-syntax=*', opts.signal);
    const status = response.statusCode ?? 0;
    if (status !== 200) {
      response.resume();
      throw statusError(target, url, status, 'retrieve (WADO-RS)');
    }
    const contentType = String(response.headers['content-type'] ?? '');
    const boundary = multipartBoundary(contentType);
    if (!boundary) {
      response.resume();
      throw new PacsError(`The DICOMweb server answered the retrieve with "${contentType || 'no content type'}", not multipart/related.`, 'protocol');
    }
    return await readMultipart(body(target, url, response), boundary, open);
  } finally {
    if (!opts.agent) agent.close();
  }
}

// ---------------------------------------------------------------- reading DICOM JSON

/** The first value of a tag as text ('' when absent); a Person Name's Alphabetic group (PS3.18 F.2.2). */
export function jsonString(dataset: DicomJson, tag: string): string {
  const value = dataset[tag]?.Value?.[0];
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return String((value as { Alphabetic?: unknown }).Alphabetic ?? '');
  return String(value);
}

/** Every value of a tag as text. */
export function jsonStrings(dataset: DicomJson, tag: string): string[] {
  return (dataset[tag]?.Value ?? []).map((v) => (typeof v === 'object' && v !== null ? String((v as { Alphabetic?: unknown }).Alphabetic ?? '') : String(v))).filter((v) => v !== '');
}

export function jsonNumber(dataset: DicomJson, tag: string): number | null {
  const value = Number(dataset[tag]?.Value?.[0]);
  return Number.isFinite(value) ? value : null;
}
