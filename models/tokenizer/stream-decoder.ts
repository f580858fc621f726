// Incremental detokenisation for streaming generation, the algorithm of the Rust library's DecodeStream: re-decode a
// short window of recent ids and emit only the new suffix, holding text back while it ends in U+FFFD (an incomplete
// UTF-8 sequence spread over byte-fallback tokens such as <0xE2><0x80><0x94>). Re-decoding a window rather than single
// tokens keeps decoders that look at neighbours (Metaspace leading space, ByteFallback, Strip) exact.

export class StreamDecodeError extends Error {
  override name = 'StreamDecodeError';
}

const REPLACEMENT = '\uFFFD';

export class StreamDecoder {
  private ids: number[] = [];
  private prefix = '';
  private prefixIndex = 0;
  private emitted = '';

  constructor(private readonly decode: (ids: readonly number[]) => string) {}

  /** Feeds one generated id; returns the text it completes (possibly empty). */
  push(id: number): string {
    this.ids.push(id);
    const text = this.decode(this.ids);
    if (text.endsWith(REPLACEMENT)) return '';
    return this.advance(text);
  }

  /**
   * Text still held back at the end of generation: bytes that never formed a complete character decode to U+FFFD,
   * as a full decode shows them.
   */
  flush(): string {
    return this.advance(this.decode(this.ids));
  }

  private advance(text: string): string {
    if (text.length <= this.prefix.length) return '';
    if (!text.startsWith(this.prefix)) {
      throw new StreamDecodeError('streamed text diverged from its prefix: the tokenizer decoder is not prefix-stable');
    }
    const piece = text.slice(this.prefix.length);
    const newPrefixIndex = this.ids.length - this.prefixIndex;
    this.ids = this.ids.slice(this.prefixIndex);
    this.prefix = this.decode(this.ids);
    this.prefixIndex = newPrefixIndex;
    this.emitted += piece;
    return piece;
  }

  /** Everything emitted so far. */
  get text(): string {
    return this.emitted;
  }
}
