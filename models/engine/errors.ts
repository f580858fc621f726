// Typed engine errors: each says what is wrong and what the user can do about it. Constructors take the final
// message so that the worker client can rebuild them by name; the static helpers build the standard messages.

export class ModelFileMissingError extends Error {
  override name = 'ModelFileMissingError';
  static of(file: string, modelDir: string): ModelFileMissingError {
    return new ModelFileMissingError(`model file ${file} is missing from ${modelDir}: re-import the model (radraft import-model) or restore the folder`);
  }
}

export class ModelFileCorruptError extends Error {
  override name = 'ModelFileCorruptError';
  static of(file: string, modelDir: string, detail: string): ModelFileCorruptError {
    return new ModelFileCorruptError(`model file ${file} in ${modelDir} is corrupt (${detail}): re-import the model (radraft import-model) or restore the folder`);
  }
}

/** A file the manifest lists is a link leading outside the model folder, or not a plain file. */
export class ModelFolderError extends Error {
  override name = 'ModelFolderError';
  static of(file: string, modelDir: string, detail: string): ModelFolderError {
    return new ModelFolderError(`model file ${file} in ${modelDir} cannot be trusted (${detail}): re-import the model (radraft import-model) into the models folder`);
  }
}

export class PromptTooLongError extends Error {
  override name = 'PromptTooLongError';
  static of(promptTokens: number, contextTokens: number): PromptTooLongError {
    return new PromptTooLongError(`the prompt is ${promptTokens} tokens but the model's context holds ${contextTokens}: shorten the prompt (e.g. the indication)`);
  }
}

export class InvalidInputError extends Error {
  override name = 'InvalidInputError';
}

export class ModelLoadError extends Error {
  override name = 'ModelLoadError';
}

/** onnxruntime was about to load in a worker thread whose process has not switched its telemetry off. */
export class OrtTelemetryError extends Error {
  override name = 'OrtTelemetryError';
}

export { UnsupportedArchitectureError } from '../config/paligemma';
