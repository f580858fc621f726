// The external data files an ONNX graph makes onnxruntime open: the `location` of every tensor stored outside the
// model proto (TensorProto.data_location = EXTERNAL), wherever a tensor can sit (initializers, sparse initializers,
// Constant-style attributes, subgraphs of If/Loop/Scan, functions, training info).
//
// A wire-format walk over the file (https://protobuf.dev/programming-guides/encoding/, field numbers from onnx.proto):
// tensor payloads are skipped, never read, so a 500 MB graph costs a few hundred small reads and no decoding. The
// graph may be untrusted (its hash is checked later): every length is checked against its enclosing message.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export class OnnxScanError extends Error {
  override name = 'OnnxScanError';
}

const EXTERNAL = 1; // TensorProto.DataLocation.EXTERNAL
const MAX_DEPTH = 64; // graphs nested in attributes (If inside Loop inside …)
const MAX_STRING = 4096; // external_data keys and values are short (file names, offsets)

/** Buffered positional reads over a file. */
class Cursor {
  private readonly buf = Buffer.allocUnsafe(64 << 10);
  private bufStart = 0;
  private bufLen = 0;
  pos = 0;

  constructor(
    private readonly fd: number,
    readonly size: number,
  ) {}

  byte(end: number): number {
    if (this.pos >= end) throw new OnnxScanError(`a field runs past the end of its message at byte ${this.pos}`);
    if (this.pos < this.bufStart || this.pos >= this.bufStart + this.bufLen) {
      this.bufStart = this.pos;
      this.bufLen = readSync(this.fd, this.buf, 0, this.buf.length, this.pos);
      if (this.bufLen === 0) throw new OnnxScanError(`the file ends at byte ${this.pos} inside a message`);
    }
    return this.buf[this.pos++ - this.bufStart];
  }

  varint(end: number): number {
    let value = 0;
    for (let shift = 0; shift < 64; shift += 7) {
      const b = this.byte(end);
      // Lengths and enums fit in 53 bits; higher bits only occur in int64 values we skip.
      if (shift < 53) value += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return value;
    }
    throw new OnnxScanError(`a varint longer than 10 bytes at byte ${this.pos}`);
  }

  /** The end of a length-delimited field that starts here. */
  lengthEnd(end: number): number {
    const length = this.varint(end);
    const fieldEnd = this.pos + length;
    if (fieldEnd > end) throw new OnnxScanError(`a field of ${length} bytes at byte ${this.pos} runs past the end of its message`);
    return fieldEnd;
  }

  string(end: number): string {
    const fieldEnd = this.lengthEnd(end);
    if (fieldEnd - this.pos > MAX_STRING) throw new OnnxScanError(`an external_data entry of ${fieldEnd - this.pos} bytes at byte ${this.pos}`);
    const bytes = Buffer.allocUnsafe(fieldEnd - this.pos);
    for (let i = 0; i < bytes.length; i++) bytes[i] = this.byte(fieldEnd);
    return bytes.toString('utf8');
  }

  skip(wireType: number, end: number): void {
    switch (wireType) {
      case 0:
        this.varint(end);
        return;
      case 1:
        this.pos += 8;
        break;
      case 2:
        this.pos = this.lengthEnd(end);
        return;
      case 5:
        this.pos += 4;
        break;
      default:
        throw new OnnxScanError(`wire type ${wireType} at byte ${this.pos} is not used by ONNX`);
    }
    if (this.pos > end) throw new OnnxScanError(`a field runs past the end of its message at byte ${this.pos}`);
  }
}

type Visit = (c: Cursor, end: number, depth: number) => void;

/** Walks a message: `fields` maps a length-delimited field number to the visitor of the sub-message; others are skipped. */
function walk(c: Cursor, end: number, depth: number, fields: Record<number, Visit>): void {
  if (depth > MAX_DEPTH) throw new OnnxScanError(`messages nested deeper than ${MAX_DEPTH} levels`);
  while (c.pos < end) {
    const tag = c.varint(end);
    const field = Math.floor(tag / 8);
    const wireType = tag % 8;
    const visit = fields[field];
    if (visit && wireType === 2) {
      const fieldEnd = c.lengthEnd(end);
      visit(c, fieldEnd, depth + 1);
      c.pos = fieldEnd;
    } else {
      c.skip(wireType, end);
    }
  }
}

/** Distinct external data locations of the graph at `path`, as written in the graph (relative to its folder). */
export function externalDataLocations(path: string): string[] {
  const found = new Set<string>();

  const tensor: Visit = (c, end) => {
    let location: string | null = null;
    let dataLocation = 0;
    while (c.pos < end) {
      const tag = c.varint(end);
      const field = Math.floor(tag / 8);
      const wireType = tag % 8;
      if (field === 13 && wireType === 2) {
        // external_data: StringStringEntryProto { key = 1; value = 2; }
        const entryEnd = c.lengthEnd(end);
        let key = '';
        let value = '';
        while (c.pos < entryEnd) {
          const t = c.varint(entryEnd);
          if (t === (1 << 3) + 2) key = c.string(entryEnd);
          else if (t === (2 << 3) + 2) value = c.string(entryEnd);
          else c.skip(t % 8, entryEnd);
        }
        if (key === 'location') location = value;
      } else if (field === 14 && wireType === 0) {
        dataLocation = c.varint(end);
      } else {
        c.skip(wireType, end);
      }
    }
    if (dataLocation === EXTERNAL) {
      if (location === null) throw new OnnxScanError('a tensor stored externally names no location');
      found.add(location);
    }
  };
  const sparse: Visit = (c, end, depth) => walk(c, end, depth, { 1: tensor, 2: tensor });
  // Forward references: graph → node → attribute → graph.
  const graph: Visit = (c, end, depth) => walk(c, end, depth, { 1: node, 5: tensor, 15: sparse });
  const attribute: Visit = (c, end, depth) => walk(c, end, depth, { 5: tensor, 6: graph, 10: tensor, 11: graph, 22: sparse, 23: sparse });
  const node: Visit = (c, end, depth) => walk(c, end, depth, { 5: attribute });
  const fn: Visit = (c, end, depth) => walk(c, end, depth, { 7: node });
  const trainingInfo: Visit = (c, end, depth) => walk(c, end, depth, { 1: graph, 2: graph });

  const fd = openSync(path, 'r');
  try {
    const c = new Cursor(fd, fstatSync(fd).size);
    // ModelProto { graph = 7; training_info = 20; functions = 25; }
    walk(c, c.size, 0, { 7: graph, 20: trainingInfo, 25: fn });
  } finally {
    closeSync(fd);
  }
  return [...found];
}
