// One instance arriving over the network, written to a temp file in the cache's incoming folder as it streams:
// a C-STORE data set behind the File Meta Radraft writes for it (it comes without one), or a WADO-RS part that is a
// Part 10 file already. Nothing is parsed here; the cache reads the finished file's header in a worker.
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, rmSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { writePart10Header, type Part10HeaderInfo } from '../export/dicom-part10';
import type { PartSink } from './multipart';

export class IncomingFile {
  readonly path: string;
  readonly stream: WriteStream;
  error: Error | null = null;
  private readonly closed: Promise<void>;

  constructor(dir: string, header: Part10HeaderInfo | null) {
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, `${randomUUID()}.part`);
    this.stream = createWriteStream(this.path, { flags: 'wx', mode: 0o600 });
    this.stream.on('error', (error) => {
      this.error ??= error;
    });
    this.closed = new Promise((resolve) => this.stream.once('close', () => resolve()));
    if (header) this.stream.write(writePart10Header(header));
  }

  /** Resolves once the file is closed (ended or failed). */
  finished(): Promise<void> {
    return this.closed;
  }

  /** Ends the file and waits for it to be closed; rejects with the write error if there was one. */
  async close(): Promise<void> {
    if (!this.stream.writableEnded) this.stream.end();
    await this.closed;
    if (this.error) throw this.error;
  }

  /** Removes what was written (a refused or broken transfer). */
  discard(): void {
    this.stream.destroy();
    rmSync(this.path, { force: true });
  }

  /** This file as a multipart part's destination, with back-pressure. */
  asPartSink(): PartSink {
    return {
      write: (chunk) =>
        new Promise<void>((resolve, reject) => {
          if (this.error) return reject(this.error);
          if (this.stream.write(chunk)) resolve();
          else this.stream.once('drain', resolve);
        }),
      end: () => this.close(),
    };
  }
}
