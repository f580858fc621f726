// `radraft` command-line entry: dispatches to one module per subcommand.
import { commands } from './commands';

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    const list = Object.entries(commands)
      .map(([n, c]) => `  radraft ${n.padEnd(14)} ${c.summary}`)
      .join('\n');
    process.stderr.write(`usage:\n${list}\n`);
    return name === undefined || name === '--help' || name === '-h' ? 0 : 2;
  }
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`radraft: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
