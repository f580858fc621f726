import type { CliCommand } from '../command';

// Placeholder until its issue lands.
export const synthModelCommand: CliCommand = {
  summary: '(not yet available)',
  async run() {
    process.stderr.write('radraft synth-model: not implemented yet\n');
    return 2;
  },
};
