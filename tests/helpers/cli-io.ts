import type { CommandIo } from '../../shared/cli/command';

/** An io that keeps what a command prints, with standard input when one is given. */
export function captureIo(stdin?: string | Uint8Array): CommandIo & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    out: (line: string) => {
      io.stdout += `${line}\n`;
    },
    err: (line: string) => {
      io.stderr += `${line}\n`;
    },
    ...(stdin === undefined ? {} : { stdin: async () => (typeof stdin === 'string' ? Buffer.from(stdin) : stdin) }),
  };
  return io;
}
