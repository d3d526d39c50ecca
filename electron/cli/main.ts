/**
 * `creator-studio`: the command-line entry of the studio host.
 */
import { parseArgs } from 'node:util';
import { UsageError, type CommandEntry, type CommandIo } from '../../shared/cli/command';
import { APP_NAME, APP_VERSION } from '../studio/app-meta';
import { COMMANDS } from './commands';

export function helpText(commands: readonly CommandEntry[] = COMMANDS): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `${APP_NAME} ${APP_VERSION}`,
    '',
    'Usage: creator-studio <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options:',
    '  --help, -h     show this help, or a command\'s: creator-studio <command> --help',
    '  --version, -v  print the version',
  ].join('\n');
}

export async function runCli(argv: string[], io: CommandIo, commands: readonly CommandEntry[] = COMMANDS): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    io.out(helpText(commands));
    return first === undefined ? 1 : 0;
  }
  if (first === '--version' || first === '-v') {
    io.out(APP_VERSION);
    return 0;
  }
  const entry = commands.find((c) => c.name === first);
  if (!entry) {
    io.err(`Unknown command "${first}". Run creator-studio --help for the list.`);
    return 2;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.usage.join('\n'));
    return 0;
  }
  try {
    const { values, positionals } = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
    return await command.run(values, positionals, io);
  } catch (error) {
    const known = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    if (!known) throw error;
    io.err(`${(error as Error).message}\n\n${command.usage.join('\n')}`);
    return 2;
  }
}

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const io: CommandIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  stdin: readStdin,
};

export function main(): void {
  runCli(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      io.err(error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exitCode = 1;
    },
  );
}
