// Type declarations for the Emscripten builds shipped by the @cornerstonejs codec packages (they ship none).
declare module '@cornerstonejs/codec-charls/decodewasmjs' {
  import type { EmscriptenCodecFactory } from './wasm-types';
  const factory: EmscriptenCodecFactory;
  export default factory;
}
declare module '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs' {
  import type { EmscriptenCodecFactory } from './wasm-types';
  const factory: EmscriptenCodecFactory;
  export default factory;
}
declare module '@cornerstonejs/codec-openjph' {
  import type { EmscriptenCodecFactory } from './wasm-types';
  const factory: EmscriptenCodecFactory;
  export default factory;
}
declare module 'jpeg-lossless-decoder-js' {
  /** ITU-T T.81 lossless (process 14) decoder; returns 8- or 16-bit samples, colour-by-pixel. */
  export class Decoder {
    decode(buffer: ArrayBuffer, offset?: number, length?: number, numBytes?: number): Uint8Array | Uint16Array;
  }
}
