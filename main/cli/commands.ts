// Registry of CLI subcommands; each lives in its own module under ./commands/.
import type { CliCommand } from './command';
import { inspectCommand } from './commands/inspect';
import { renderCommand } from './commands/render';
import { importModelCommand } from './commands/import-model';
import { draftCommand } from './commands/draft';
import { synthModelCommand } from './commands/synth-model';
import { evalCommand } from './commands/eval';
import { exportDatasetCommand } from './commands/export-dataset';
import { exportCommand } from './commands/export';
import { sendCommand } from './commands/send';

export const commands: Record<string, CliCommand> = {
  inspect: inspectCommand,
  render: renderCommand,
  'import-model': importModelCommand,
  draft: draftCommand,
  'synth-model': synthModelCommand,
  eval: evalCommand,
  'export-dataset': exportDatasetCommand,
  export: exportCommand,
  send: sendCommand,
};
