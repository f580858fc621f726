import type { CliCommand } from '../command';

// Placeholder until its issue lands.
export const inspectCommand: CliCommand = {
  summary: '(not yet available)',
  async run() {
    process.stderr.write('radraft inspect: not implemented yet\n');
    return 2;
  },
};
