import type { CliCommand } from '../command';

// Placeholder until its issue lands.
export const draftCommand: CliCommand = {
  summary: '(not yet available)',
  async run() {
    process.stderr.write('radraft draft: not implemented yet\n');
    return 2;
  },
};
