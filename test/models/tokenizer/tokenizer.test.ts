import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPrompt, PromptError, TextTokenizer, TokenizerLoadError } from '../../../models/tokenizer';

const fixtures = join(__dirname, '../../fixtures/tokenizer');
const readJson = <T>(name: string): T => JSON.parse(readFileSync(join(fixtures, name), 'utf8')) as T;

interface TokenizerCase { text: string; ids: number[]; decoded: string; decoded_skip_special: string }
interface Generation {
  id: string; prompt: string; input_ids: number[]; generated_ids: number[]; generated_text: string; generated_text_raw: string;
}

const tokenizer = TextTokenizer.fromFile(join(fixtures, 'tokenizer.json'));
const cases = readJson<TokenizerCase[]>('tokenizer_cases.json');
const generations = readJson<Generation[]>('generations.json');

describe('TextTokenizer against the Rust tokenizers reference', () => {
  it.each(cases.map((c) => [JSON.stringify(c.text), c] as const))('encodes and decodes %s', (_name, c) => {
    expect(tokenizer.encode(c.text)).toEqual(c.ids);
    expect(tokenizer.decode(c.ids)).toBe(c.decoded);
    expect(tokenizer.decode(c.ids, { skipSpecial: true })).toBe(c.decoded_skip_special);
  });

  it('decodes every reference generation as transformers did', () => {
    for (const g of generations) {
      expect(tokenizer.decode(g.generated_ids, { skipSpecial: true }), g.id).toBe(g.generated_text);
      expect(tokenizer.decode(g.generated_ids), g.id).toBe(g.generated_text_raw);
    }
  });

  it('skips ids the vocabulary lacks (embedding rows past the tokenizer) instead of inventing text', () => {
    expect(tokenizer.decode([959, 2170, 216])).toBe('report en');
  });
});

describe('buildPrompt', () => {
  const special = { image: tokenizer.tokenId('<image>') ?? -1, bos: tokenizer.tokenId('<bos>') ?? -1 };

  it('reproduces the reference input_ids of every case', () => {
    expect(special).toEqual({ image: 2152, bos: 2 });
    for (const g of generations) {
      expect(buildPrompt(tokenizer, g.prompt, 256, special), g.id).toEqual(g.input_ids);
    }
  });

  it('handles other image sequence lengths and an empty prompt', () => {
    const ids = buildPrompt(tokenizer, '', 1024, special);
    expect(ids).toHaveLength(1026);
    expect(ids.slice(1024)).toEqual([2, 5]);
  });

  it('refuses a prompt that smuggles in image tokens', () => {
    expect(() => buildPrompt(tokenizer, 'report <image> en', 4, special)).toThrow(PromptError);
  });
});

describe('StreamDecoder', () => {
  it('streams every reference generation to exactly its full decode', () => {
    for (const g of generations) {
      const stream = tokenizer.streamDecoder({ skipSpecial: true });
      const pieces = g.generated_ids.map((id) => stream.push(id));
      pieces.push(stream.flush());
      expect(pieces.join(''), g.id).toBe(g.generated_text);
      expect(stream.text).toBe(g.generated_text);
    }
  });

  it('keeps leading spaces of word-initial tokens when streaming', () => {
    const stream = tokenizer.streamDecoder();
    const ids = tokenizer.encode('No pneumothorax or pleural effusion.');
    expect(ids.map((id) => stream.push(id)).join('')).toBe('No pneumothorax or pleural effusion.');
  });

  describe('with a byte-fallback tokenizer', () => {
    const bytes = TextTokenizer.fromFile(join(fixtures, 'byte-fallback-tokenizer.json'));
    const byteId = (b: number): number => bytes.tokenId(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`) ?? -1;

    it('falls back to UTF-8 byte tokens for characters outside the vocabulary', () => {
      const ids = bytes.encode('effusion — 肺');
      expect(ids).toEqual(expect.arrayContaining([byteId(0xe2), byteId(0x80), byteId(0x94), byteId(0xe8), byteId(0x82), byteId(0xba)]));
      expect(bytes.decode(ids)).toBe('effusion — 肺');
    });

    it('emits a multi-byte character only once all of its bytes have arrived', () => {
      const ids = bytes.encode('effusion — 肺 x');
      const stream = bytes.streamDecoder();
      const pieces = ids.map((id) => stream.push(id));
      expect(pieces.join('') + stream.flush()).toBe('effusion — 肺 x');
      expect(pieces.some((p) => p.includes('\uFFFD'))).toBe(false);
      const dash = ids.indexOf(byteId(0xe2));
      expect(pieces.slice(dash, dash + 2)).toEqual(['', '']);
      expect(pieces[dash + 2]).toBe('—');
      const lung = ids.indexOf(byteId(0xe8));
      expect(pieces[lung + 2]).toBe('肺');
    });

    it('flushes an incomplete byte sequence at the end as the full decode shows it', () => {
      const ids = [...bytes.encode('x'), byteId(0xe2), byteId(0x80)];
      const stream = bytes.streamDecoder();
      const streamed = ids.map((id) => stream.push(id)).join('');
      expect(streamed).toBe('x');
      expect(streamed + stream.flush()).toBe(bytes.decode(ids));
    });
  });
});

describe('loading errors', () => {
  it('explains a file that is not a tokenizer', () => {
    expect(() => TextTokenizer.fromJson({ hello: 1 })).toThrow(TokenizerLoadError);
    expect(() => TextTokenizer.fromFile(join(fixtures, 'missing.json'))).toThrow(/cannot read tokenizer file/);
  });
});
