import type { CliCommand } from '../command';

// Placeholder until its issue lands.
export const renderCommand: CliCommand = {
  summary: '(not yet available)',
  async run() {
    process.stderr.write('radraft render: not implemented yet\n');
    return 2;
  },
};
