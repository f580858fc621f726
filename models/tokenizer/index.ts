export { TextTokenizer, TokenizerLoadError, type DecodeOptions } from './tokenizer';
export { StreamDecoder, StreamDecodeError } from './stream-decoder';
export { buildPrompt, PromptError, type PromptTokenIds } from './prompt';
