// Typed engine errors: each says what is wrong and what the user can do about it.

export class ModelFileMissingError extends Error {
  override name = 'ModelFileMissingError';
  constructor(readonly file: string, modelDir: string) {
    super(`model file ${file} is missing from ${modelDir}: re-import the model (radraft import-model) or restore the folder`);
  }
}

export class ModelFileCorruptError extends Error {
  override name = 'ModelFileCorruptError';
  constructor(readonly file: string, modelDir: string, detail: string) {
    super(`model file ${file} in ${modelDir} is corrupt (${detail}): re-import the model (radraft import-model) or restore the folder`);
  }
}

export class PromptTooLongError extends Error {
  override name = 'PromptTooLongError';
  constructor(readonly promptTokens: number, readonly maxTokens: number) {
    super(`the prompt is ${promptTokens} tokens but the model's context holds ${maxTokens}: shorten the prompt (e.g. the indication)`);
  }
}

export class InvalidInputError extends Error {
  override name = 'InvalidInputError';
}

export class ModelLoadError extends Error {
  override name = 'ModelLoadError';
}

export { UnsupportedArchitectureError } from '../config/paligemma';
