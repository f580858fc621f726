// The decoder surface common to the cornerstone WASM codecs (OpenJPH, CharLS).

export interface WasmFrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned?: boolean;
}

export interface WasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  getFrameInfo(): WasmFrameInfo;
  decode(): void;
  delete(): void;
  readHeader?(): void;
  getInterleaveMode?(): number;
  getNearLossless?(): number;
  getColorSpace?(): number;
}

export type WasmDecoderClass = new () => WasmDecoder;

export interface EmscriptenCodecModule {
  J2KDecoder?: WasmDecoderClass;
  HTJ2KDecoder?: WasmDecoderClass;
  JpegLSDecoder?: WasmDecoderClass;
  getExceptionMessage?: (pointer: number) => string | [string, string];
  /** The module's memory; replaced when the heap grows, so read it after decoding. */
  HEAPU8?: Uint8Array;
}

export interface EmscriptenModuleArgs {
  print?: (text: string) => void;
  printErr?: (text: string) => void;
}

export type EmscriptenCodecFactory = (args?: EmscriptenModuleArgs) => Promise<EmscriptenCodecModule>;
