// A thin wrapper over @huggingface/tokenizers that behaves like the Rust `tokenizers` library the reference used:
// encode never adds special tokens, decode skips ids the vocabulary lacks, and the known divergences of the JS port
// (see normaliseDecoderConfig) are corrected at load time rather than patched per call.
import { readFileSync } from 'node:fs';
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { StreamDecoder } from './stream-decoder';

export class TokenizerLoadError extends Error {
  override name = 'TokenizerLoadError';
}

export interface DecodeOptions {
  /** Drop tokens marked `special` in tokenizer.json (pad, eos, bos, unk, mask, image…), as HF's skip_special_tokens. */
  skipSpecial?: boolean;
}

interface AddedTokenJson {
  id: number;
  content: string;
  special?: boolean;
}

interface TokenizerJson {
  model: { type: string; vocab?: unknown };
  decoder?: unknown;
  added_tokens?: AddedTokenJson[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The JS Metaspace decoder always strips the leading space of the first token, while the Rust one does so only when
 * `prepend_scheme` is not "never" (Gemma/PaliGemma tokenizers use "never": a leading "▁" is a real space). With
 * "never" the Rust decoder is exactly "replace ▁ by space", which the JS Replace decoder does faithfully.
 */
function normaliseDecoderConfig(decoder: unknown): unknown {
  if (!isRecord(decoder)) return decoder;
  if (decoder.type === 'Metaspace' && decoder.prepend_scheme === 'never') {
    const replacement = typeof decoder.replacement === 'string' ? decoder.replacement : '\u2581';
    return { type: 'Replace', pattern: { String: replacement }, content: ' ' };
  }
  if (decoder.type === 'Sequence' && Array.isArray(decoder.decoders)) {
    return { ...decoder, decoders: decoder.decoders.map(normaliseDecoderConfig) };
  }
  return decoder;
}

function parseTokenizerJson(json: unknown): TokenizerJson {
  if (!isRecord(json) || !isRecord(json.model) || typeof json.model.type !== 'string') {
    throw new TokenizerLoadError('tokenizer.json has no "model" section: is this a Hugging Face tokenizer.json file?');
  }
  if (json.added_tokens !== undefined && !Array.isArray(json.added_tokens)) {
    throw new TokenizerLoadError('tokenizer.json "added_tokens" must be a list');
  }
  return json as unknown as TokenizerJson;
}

export class TextTokenizer {
  private readonly hf: HfTokenizer;
  private readonly specialIds: ReadonlySet<number>;

  private constructor(json: TokenizerJson) {
    const fixed = { ...json, decoder: normaliseDecoderConfig(json.decoder ?? null) };
    try {
      this.hf = new HfTokenizer(fixed, {});
    } catch (error) {
      throw new TokenizerLoadError(`tokenizer.json could not be loaded: ${(error as Error).message}`, { cause: error });
    }
    this.specialIds = new Set((json.added_tokens ?? []).filter((t) => t.special === true).map((t) => t.id));
  }

  static fromJson(json: unknown): TextTokenizer {
    return new TextTokenizer(parseTokenizerJson(json));
  }

  static fromFile(path: string): TextTokenizer {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new TokenizerLoadError(`cannot read tokenizer file ${path}: ${(error as Error).message}`, { cause: error });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new TokenizerLoadError(`${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
    }
    return TextTokenizer.fromJson(json);
  }

  /** Token ids for `text`, with no special tokens added (no bos/eos), as `tokenizer.encode(text, add_special_tokens=False)`. */
  encode(text: string): number[] {
    if (text.length === 0) return [];
    return this.hf.encode(text, { add_special_tokens: false }).ids;
  }

  /** Text for `ids`. Ids outside the vocabulary are skipped, as the Rust library does. No clean-up of spaces. */
  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    const tokens: string[] = [];
    for (const id of ids) {
      if (options.skipSpecial === true && this.specialIds.has(id)) continue;
      const token = this.hf.id_to_token(id);
      if (token !== undefined) tokens.push(token);
    }
    if (tokens.length === 0) return '';
    return this.hf.decoder ? this.hf.decoder.decode(tokens) : tokens.join(' ');
  }

  /** Id of a token string (added or regular), or undefined. */
  tokenId(token: string): number | undefined {
    return this.hf.token_to_id(token);
  }

  /** Token string of an id, or undefined when the vocabulary has none. */
  idToToken(id: number): string | undefined {
    return this.hf.id_to_token(id);
  }

  isSpecial(id: number): boolean {
    return this.specialIds.has(id);
  }

  /** An incremental decoder for generated ids; see StreamDecoder. */
  streamDecoder(options: DecodeOptions = {}): StreamDecoder {
    return new StreamDecoder((ids) => this.decode(ids, options));
  }
}
