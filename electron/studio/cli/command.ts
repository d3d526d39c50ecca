/**
 * A subcommand of `creator-studio`. Adding one is a new file exporting a `Command` and one line in `commands.ts`.
 */
import type { ParseArgsConfig } from 'node:util';

export interface CommandIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

export interface Command {
  name: string;
  /** One line for `--help`. */
  summary: string;
  /** Usage lines shown by `creator-studio <name> --help`. */
  usage: string[];
  options: NonNullable<ParseArgsConfig['options']>;
  /** Resolves to the exit code; a long-running command resolves when it has stopped. */
  run(values: Record<string, string | boolean | undefined>, positionals: string[], io: CommandIo): Promise<number>;
}

export class UsageError extends Error {}
