/**
 * `creator-studio` with only the companion command, run through the real CLI runner: lets tests spawn the command
 * from the TypeScript sources (`node --import tsx tests/helpers/companion-cli-entry.ts companion …`).
 */
import { entryOf } from '../../shared/cli/command';
import { runCli } from '../../electron/cli/main';
import { companionCommand } from '../../electron/companion/cli';

const io = { out: (line: string) => process.stdout.write(`${line}\n`), err: (line: string) => process.stderr.write(`${line}\n`) };

runCli(process.argv.slice(2), io, [entryOf(companionCommand)]).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    io.err(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 1;
  },
);
