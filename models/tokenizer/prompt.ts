import type { TextTokenizer } from './tokenizer';

export class PromptError extends Error {
  override name = 'PromptError';
}

export interface PromptTokenIds {
  /** Id of `<image>`, the placeholder the engine replaces with image features. */
  image: number;
  bos: number;
}

/**
 * Input ids for a PaliGemma prompt exactly as transformers' PaliGemmaProcessor builds them:
 * the string `<image>` × imageSeqLength + `<bos>` + prompt + `\n`, tokenized whole without added special tokens.
 */
export function buildPrompt(tokenizer: TextTokenizer, prompt: string, imageSeqLength: number, ids: PromptTokenIds): number[] {
  if (!Number.isInteger(imageSeqLength) || imageSeqLength <= 0) {
    throw new PromptError(`image sequence length must be a positive integer, got ${imageSeqLength}`);
  }
  const imageToken = tokenizer.idToToken(ids.image);
  const bosToken = tokenizer.idToToken(ids.bos);
  if (imageToken === undefined || bosToken === undefined) {
    throw new PromptError(`the tokenizer has no token for image id ${ids.image} or bos id ${ids.bos}: model and tokenizer do not match`);
  }
  const inputIds = tokenizer.encode(`${imageToken.repeat(imageSeqLength)}${bosToken}${prompt}\n`);
  const imageCount = inputIds.reduce((n, id) => (id === ids.image ? n + 1 : n), 0);
  if (imageCount !== imageSeqLength || inputIds[imageSeqLength] !== ids.bos) {
    throw new PromptError(`the prompt must not contain the ${imageToken} token; remove it and try again`);
  }
  return inputIds;
}
