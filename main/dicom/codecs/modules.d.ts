// Type declarations for the Emscripten builds shipped by the @cornerstonejs codec packages (they ship none).
declare module '@cornerstonejs/codec-charls/decodewasmjs' {
  import type { EmscriptenCodecFactory } from './wasm-types';
  const factory: EmscriptenCodecFactory;
  export default factory;
}
declare module '@cornerstonejs/codec-openjph' {
  import type { EmscriptenCodecFactory } from './wasm-types';
  const factory: EmscriptenCodecFactory;
  export default factory;
}
