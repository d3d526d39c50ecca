/**
 * A subcommand of `creator-studio`. Each lives with the code it runs (the studio's `serve`, the companion's
 * `companion`, the sandbox's `sandbox`); electron/cli/commands.ts lists them, loading each only when it is run.
 */

/** The options a command accepts, in the shape of node:util's parseArgs. */
export type CommandOptions = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

export interface CommandIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Everything on standard input (commands that read `-`); absent where there is none. */
  stdin?: () => Promise<Uint8Array>;
}

export interface Command {
  name: string;
  /** One line for `--help`. */
  summary: string;
  /** Usage lines shown by `creator-studio <name> --help`. */
  usage: string[];
  options: CommandOptions;
  /** Resolves to the exit code; a long-running command resolves when it has stopped. */
  run(values: Record<string, string | boolean | (string | boolean)[] | undefined>, positionals: string[], io: CommandIo): Promise<number>;
}

/** A command as the list knows it before loading it: enough for `--help`. */
export interface CommandEntry {
  name: string;
  summary: string;
  load: () => Promise<Command>;
}

export function entryOf(command: Command): CommandEntry {
  return { name: command.name, summary: command.summary, load: async () => command };
}

/** Thrown by a command for wrong arguments: the CLI prints the message and the usage, and exits 2. */
export class UsageError extends Error {}
