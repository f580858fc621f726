// DICOMweb as a user agent (PS3.18): QIDO-RS searches (10.6) answered as DICOM JSON (F.2), and WADO-RS instance
// retrieval (10.4) as multipart/related Part 10 parts streamed to files. HTTP by undici, with basic or bearer
// authentication and the hospital CA trusted besides the system's; every connection (redirects included, which are
// not followed) passes the network policy in the connector.
import { rootCertificates } from 'node:tls';
import { Agent, buildConnector, request, type Dispatcher } from 'undici';
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

/**
 * One connection pool per node and operation, closed after it. Its connector asks the network policy before every
 * socket, so nothing but this node's DICOMweb origin can be reached through it.
 */
export function dicomWebAgent(target: DicomWebTarget): Agent {
  const timeout = target.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const connector = buildConnector({ ca: target.node.tls.caPem ? [...rootCertificates, target.node.tls.caPem] : undefined, rejectUnauthorized: true, timeout });
  return new Agent({
    headersTimeout: timeout,
    bodyTimeout: timeout,
    connect: (options, callback) => {
      const port = options.port ? Number(options.port) : options.protocol === 'https:' ? 443 : 80;
      try {
        checkConnection(target.node, options.hostname, port);
      } catch (error) {
        callback(error as Error, null);
        return;
      }
      connector(options, callback);
    },
  });
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

/** Turns what undici throws into what failed, for this node. */
function failure(target: DicomWebTarget, url: URL, error: unknown): PacsError {
  if (error instanceof PacsError) return error;
  if ((error as { name?: string }).name === 'AbortError' || (error as { code?: string }).code === 'UND_ERR_ABORTED') return new PacsCancelledError('Cancelled.');
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  return connectionFailure(error, url.hostname, port, target.timeoutMs ?? DEFAULT_TIMEOUT_MS);
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

async function send(target: DicomWebTarget, agent: Dispatcher, url: URL, accept: string, signal?: AbortSignal): Promise<Dispatcher.ResponseData> {
  try {
    // undici's request never follows redirects (a redirect answers as itself: statusError says so).
    return await request(url, { method: 'GET', dispatcher: agent, headers: { accept, ...authorization(target) }, signal });
  } catch (error) {
    throw failure(target, url, error);
  }
}

/** QIDO-RS: GET {base}/{path}?query, answered as a DICOM JSON array (204: no matches). */
export async function qido(target: DicomWebTarget, path: string, query: Record<string, string | string[]>, opts: { signal?: AbortSignal; agent?: Agent } = {}): Promise<DicomJson[]> {
  const url = new URL(path, baseUrl(target));
  for (const [key, value] of Object.entries(query)) for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(key, v);
  const agent = opts.agent ?? dicomWebAgent(target);
  try {
    const response = await send(target, agent, url, 'application/dicom+json', opts.signal);
    if (response.statusCode === 204) {
      await response.body.dump();
      return [];
    }
    if (response.statusCode !== 200) {
      await response.body.dump();
      throw statusError(target, url, response.statusCode, 'search (QIDO-RS)');
    }
    let parsed: unknown;
    try {
      parsed = await response.body.json();
    } catch (error) {
      throw new PacsError(`The DICOMweb search answer is not DICOM JSON (${error instanceof Error ? error.message : String(error)}). Check the DICOMweb URL.`, 'not-dicomweb');
    }
    if (!Array.isArray(parsed)) throw new PacsError('The DICOMweb search answer is not a list of DICOM JSON objects. Check the DICOMweb URL.', 'not-dicomweb');
    return parsed as DicomJson[];
  } catch (error) {
    throw failure(target, url, error);
  } finally {
    if (!opts.agent) await agent.close();
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
  opts: { signal?: AbortSignal; agent?: Agent } = {},
): Promise<number> {
  const url = new URL(`studies/${encodeURIComponent(uids.study)}/series/${encodeURIComponent(uids.series)}/instances/${encodeURIComponent(uids.instance)}`, baseUrl(target));
  const agent = opts.agent ?? dicomWebAgent(target);
  try {
    const response = await send(target, agent, url, 'multipart/related; type="application/dicom"; transfer-syntax=*', opts.signal);
    if (response.statusCode !== 200) {
      await response.body.dump();
      throw statusError(target, url, response.statusCode, 'retrieve (WADO-RS)');
    }
    const contentType = String(response.headers['content-type'] ?? '');
    const boundary = multipartBoundary(contentType);
    if (!boundary) {
      await response.body.dump();
      throw new PacsError(`The DICOMweb server answered the retrieve with "${contentType || 'no content type'}", not multipart/related.`, 'protocol');
    }
    return await readMultipart(response.body, boundary, open);
  } catch (error) {
    throw failure(target, url, error);
  } finally {
    if (!opts.agent) await agent.close();
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
