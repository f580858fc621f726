// The model the drafting commands (`radraft draft`, `radraft eval`, `radraft export-dataset`) work with: --model,
// else $RADRAFT_MODEL, else the bundled demo model; and loading it in this process.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadModel, type Model } from '../../models/engine/index';
import { errorMessage } from './cli-args';

/** Where the CLI finds a model when --model is not given: $RADRAFT_MODEL, else the bundled demo model, if present. */
export function defaultModelDir(env: NodeJS.ProcessEnv = process.env, bundled: () => string | null = bundledDemoModelDir): string | null {
  if (env.RADRAFT_MODEL) return env.RADRAFT_MODEL;
  return bundled();
}

/** resources/models/demo (imported by the build), when it exists. */
export function bundledDemoModelDir(): string | null {
  // The bundled CLI runs from dist/cli/, the sources from main/cli/: both sit two folders below the package root.
  const demo = join(__dirname, '..', '..', 'resources', 'models', 'demo');
  return existsSync(join(demo, 'radraft-model.json')) ? demo : null;
}

/** The model folder to draft with, or null once `radraft COMMAND: no model: …` is written to stderr. */
export function modelDirOrSayWhy(command: string, given: string | undefined, io: { stderr: (text: string) => void; env?: NodeJS.ProcessEnv; bundledModelDir?: () => string | null }): string | null {
  const modelDir = given ?? defaultModelDir(io.env ?? process.env, io.bundledModelDir);
  if (modelDir) return modelDir;
  io.stderr(`radraft ${command}: no model: pass --model MODEL_DIR (a folder made by \`radraft import-model\`) or set RADRAFT_MODEL\n`);
  return null;
}

/** The loaded model, or null once `radraft COMMAND: why it did not load` is written to stderr. */
export async function loadModelOrSayWhy(command: string, modelDir: string, threads: number | undefined, stderr: (text: string) => void): Promise<Model | null> {
  try {
    return await loadModel(resolve(modelDir), threads ? { threads } : {});
  } catch (error) {
    stderr(`radraft ${command}: ${errorMessage(error)}\n`);
    return null;
  }
}
