// multipart/related (RFC 2387; PS3.18 8.6.1.2, the WADO-RS response form) split into parts as the body streams in,
// each part's bytes handed to a sink with back-pressure. Written here because no maintained Node library parses
// multipart/related as a stream: busboy and its kin take multipart/form-data only, and dicomweb-client buffers the
// whole response (a study can be hundreds of megabytes).

export interface PartSink {
  /** Resolves when the sink can take more (back-pressure). */
  write(chunk: Uint8Array): Promise<void>;
  end(): Promise<void>;
}

export class MultipartError extends Error {
  override name = 'MultipartError';
}

/** The boundary parameter of a multipart Content-Type (RFC 2046 5.1.1), quoted or not; null when there is none. */
export function multipartBoundary(contentType: string): string | null {
  if (!/^\s*multipart\//i.test(contentType)) return null;
  const m = /;\s*boundary\s*=\s*(?:"([^"]{1,70})"|([^;\s]{1,70}))/i.exec(contentType);
  return m ? (m[1] ?? m[2] ?? null) : null;
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');
/** A part's headers are a few lines; more than this is not a DICOMweb response. */
const MAX_HEADER_BYTES = 16 * 1024;

function parseHeaders(block: Buffer): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of block.toString('latin1').split('\r\n')) {
    const at = line.indexOf(':');
    if (at > 0) headers[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
  }
  return headers;
}

/**
 * Reads `body` and calls `onPart` with each part's headers; the part's bytes go to the sink it returns. Resolves with
 * the number of parts once the closing delimiter is read; a body that ends before it is an error (truncated).
 */
export async function readMultipart(body: AsyncIterable<Uint8Array>, boundary: string, onPart: (headers: Record<string, string>) => PartSink): Promise<number> {
  // The first delimiter may open the body without a leading CRLF: start as if one preceded it.
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const keep = delimiter.length - 1;
  let buf: Buffer = Buffer.from(CRLF);
  let state: 'preamble' | 'after-delimiter' | 'headers' | 'body' | 'done' = 'preamble';
  let sink: PartSink | null = null;
  let parts = 0;
  for await (const chunk of body) {
    if (state === 'done') continue; // epilogue: ignored (RFC 2046)
    buf = buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([buf, chunk]);
    for (;;) {
      if (state === 'preamble') {
        const at = buf.indexOf(delimiter);
        if (at < 0) {
          buf = buf.subarray(Math.max(0, buf.length - keep));
          break;
        }
        buf = buf.subarray(at + delimiter.length);
        state = 'after-delimiter';
      } else if (state === 'after-delimiter') {
        // "--" closes the body; otherwise optional transport padding, then CRLF, then the part's headers.
        if (buf.length < 2) break;
        if (buf[0] === 0x2d && buf[1] === 0x2d) {
          state = 'done';
          break;
        }
        const eol = buf.indexOf(CRLF);
        if (eol < 0) {
          if (buf.length > 256) throw new MultipartError('a multipart delimiter line is malformed');
          break;
        }
        if (buf.subarray(0, eol).toString('latin1').trim() !== '') throw new MultipartError('a multipart delimiter line is malformed');
        buf = buf.subarray(eol + 2);
        state = 'headers';
      } else if (state === 'headers') {
        // A part with no headers starts straight with the empty line.
        if (buf.length >= 2 && buf[0] === 0x0d && buf[1] === 0x0a) {
          buf = buf.subarray(2);
          sink = onPart({});
          parts++;
          state = 'body';
          continue;
        }
        const end = buf.indexOf(HEADER_END);
        if (end < 0) {
          if (buf.length > MAX_HEADER_BYTES) throw new MultipartError('a multipart part has headers longer than 16 KiB');
          break;
        }
        sink = onPart(parseHeaders(buf.subarray(0, end)));
        parts++;
        buf = buf.subarray(end + HEADER_END.length);
        state = 'body';
      } else if (state === 'body') {
        const at = buf.indexOf(delimiter);
        if (at < 0) {
          // Everything but what could be the start of a delimiter split across chunks.
          if (buf.length > keep) {
            await sink!.write(buf.subarray(0, buf.length - keep));
            buf = buf.subarray(buf.length - keep);
          }
          break;
        }
        if (at > 0) await sink!.write(buf.subarray(0, at));
        await sink!.end();
        sink = null;
        buf = buf.subarray(at + delimiter.length);
        state = 'after-delimiter';
      } else {
        break;
      }
    }
  }
  if (state !== 'done') throw new MultipartError('the response ended before its closing multipart delimiter (truncated)');
  return parts;
}
