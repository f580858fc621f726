// A small ONNX graph builder over the onnx.proto schema (onnx-proto's protobufjs bindings). Node and value names follow
// onnxruntime-genai's builder (`/model/layers.0/attn/q_proj/MatMul`, outputs `<node>/output_0`) so a graph viewer
// shows the model's structure. Initializers are streamed either into the model proto (small graphs) or into an
// external-data file next to it (graphs whose weights would push the proto past protobuf's 2 GB limit).
import { closeSync, openSync, writeSync } from 'node:fs';
import { basename } from 'node:path';
import { onnx } from 'onnx-proto';

export const DataType = onnx.TensorProto.DataType;
export type ElemType = onnx.TensorProto.DataType;

/** Opsets every radraft graph declares. */
export const OPSET_IMPORTS = [
  { domain: '', version: 17 },
  { domain: 'com.microsoft', version: 1 },
];

export type AttrValue = number | string | number[] | { float: number } | { floats: number[] };

/** Where initializer bytes go. */
export class InitializerSink {
  private fd: number | null = null;
  private offset = 0;
  private external = false;
  /** Tensors smaller than this stay inline even in external mode (shapes, scalars). */
  static readonly INLINE_LIMIT = 1024;
  static readonly ALIGN = 4096;

  /** `dataPath` null: everything inline. */
  constructor(readonly dataPath: string | null) {}

  place(tensor: onnx.ITensorProto, bytes: Uint8Array): onnx.ITensorProto {
    if (this.dataPath === null || bytes.byteLength < InitializerSink.INLINE_LIMIT) {
      return { ...tensor, rawData: bytes };
    }
    if (this.fd === null) this.fd = openSync(this.dataPath, 'w');
    this.external = true;
    const pad = (InitializerSink.ALIGN - (this.offset % InitializerSink.ALIGN)) % InitializerSink.ALIGN;
    if (pad) {
      writeSync(this.fd, new Uint8Array(pad), 0, pad, this.offset);
      this.offset += pad;
    }
    let done = 0;
    while (done < bytes.byteLength) done += writeSync(this.fd, bytes, done, bytes.byteLength - done, this.offset + done);
    const entry = {
      ...tensor,
      dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
      externalData: [
        { key: 'location', value: basename(this.dataPath) },
        { key: 'offset', value: String(this.offset) },
        { key: 'length', value: String(bytes.byteLength) },
      ],
    };
    this.offset += bytes.byteLength;
    return entry;
  }

  /** True when at least one tensor went to the external file. */
  get usedExternal(): boolean {
    return this.external;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

function attribute(name: string, value: AttrValue): onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'number') return Number.isInteger(value) ? { name, type: T.INT, i: value } : { name, type: T.FLOAT, f: value };
  if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: T.INTS, ints: value };
  if ('float' in value) return { name, type: T.FLOAT, f: value.float };
  return { name, type: T.FLOATS, floats: value.floats };
}

function valueInfo(name: string, elemType: ElemType, dims: (number | string)[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

export class GraphBuilder {
  private readonly nodes: onnx.INodeProto[] = [];
  private readonly initializers: onnx.ITensorProto[] = [];
  private readonly inputs: onnx.IValueInfoProto[] = [];
  private readonly outputs: onnx.IValueInfoProto[] = [];
  private readonly names = new Set<string>();
  private readonly constCache = new Map<string, string>();
  /** Bytes of initializer data added so far. */
  weightBytes = 0;

  constructor(
    readonly name: string,
    private readonly sink: InitializerSink,
  ) {}

  /** Adds a node; returns its output names (`<name>/output_<i>`). */
  node(op: string, name: string, inputs: string[], attrs: Record<string, AttrValue> = {}, opts: { domain?: string; outputs?: number | string[] } = {}): string[] {
    if (this.names.has(name)) throw new Error(`duplicate node name ${name}`);
    this.names.add(name);
    const outs = Array.isArray(opts.outputs) ? opts.outputs : Array.from({ length: opts.outputs ?? 1 }, (_, i) => `${name}/output_${i}`);
    this.nodes.push({
      name,
      opType: op,
      domain: opts.domain ?? '',
      input: inputs,
      output: outs,
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return outs;
  }

  /** Single-output node. */
  op(op: string, name: string, inputs: string[], attrs: Record<string, AttrValue> = {}, opts: { domain?: string; output?: string } = {}): string {
    return this.node(op, name, inputs, attrs, { domain: opts.domain, outputs: opts.output ? [opts.output] : 1 })[0];
  }

  initializer(name: string, dataType: ElemType, dims: number[], bytes: Uint8Array): string {
    this.initializers.push(this.sink.place({ name, dataType, dims }, bytes));
    this.weightBytes += bytes.byteLength;
    return name;
  }

  floatTensor(name: string, dims: number[], data: Float32Array): string {
    return this.initializer(name, DataType.FLOAT, dims, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }

  /** A shared constant initializer, deduplicated by value. */
  constI64(values: number[], dims: number[] = [values.length]): string {
    const key = `i64:${dims.join('x')}:${values.join(',')}`;
    const hit = this.constCache.get(key);
    if (hit) return hit;
    const name = `/model/constants/INT64/${dims.length ? dims.join('x') + '/' : ''}${values.join('_')}`;
    const arr = new BigInt64Array(values.map((v) => BigInt(v)));
    this.initializer(name, DataType.INT64, dims, new Uint8Array(arr.buffer));
    this.constCache.set(key, name);
    return name;
  }

  constF32(values: number[], dims: number[] = []): string {
    const key = `f32:${dims.join('x')}:${values.join(',')}`;
    const hit = this.constCache.get(key);
    if (hit) return hit;
    const name = `/model/constants/FLOAT/${dims.length ? dims.join('x') + '/' : ''}${values.map((v) => String(v)).join('_')}`;
    this.floatTensor(name, dims, new Float32Array(values));
    this.constCache.set(key, name);
    return name;
  }

  input(name: string, elemType: ElemType, dims: (number | string)[]): string {
    this.inputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  output(name: string, elemType: ElemType, dims: (number | string)[]): string {
    this.outputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  /** Serialises the model proto (initializer bytes already placed by the sink). */
  encode(docString: string): Uint8Array {
    const model: onnx.IModelProto = {
      irVersion: 8,
      producerName: 'radraft',
      producerVersion: '1',
      docString,
      opsetImport: OPSET_IMPORTS,
      graph: {
        name: this.name,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    };
    return onnx.ModelProto.encode(model).finish();
  }
}
