import type { CliCommand } from '../command';

// Placeholder until its issue lands.
export const importModelCommand: CliCommand = {
  summary: '(not yet available)',
  async run() {
    process.stderr.write('radraft import-model: not implemented yet\n');
    return 2;
  },
};
