import { describe, expect, it } from 'vitest';
import { APP_VERSION } from '../../electron/studio/app-meta';
import { COMMANDS } from '../../electron/cli/commands';
import { runCli } from '../../electron/cli/main';
import { entryOf, type Command } from '../../shared/cli/command';
import { captureIo } from '../helpers/cli-io';
import { tempDir } from '../helpers/temp-dir';

const capture = captureIo;

describe('creator-studio', () => {
  it('lists its commands under --help and exits 0', async () => {
    const io = capture();
    expect(await runCli(['--help'], io)).toBe(0);
    expect(io.stdout).toContain('Usage: creator-studio <command>');
    expect(io.stdout).toMatch(/^ {2}serve +Serve the studio in browser mode/m);
    expect(io.stdout).toMatch(/^ {2}companion +Run the companion server/m);
    expect(io.stdout).toMatch(/^ {2}sandbox +Run the WeChat sandbox/m);
    expect(io.stderr).toBe('');
  });

  it('prints the same help with no arguments, but exits 1 because nothing was done', async () => {
    const io = capture();
    expect(await runCli([], io)).toBe(1);
    expect(io.stdout).toContain('serve');
  });

  it('prints the version from package.json', async () => {
    const io = capture();
    expect(await runCli(['--version'], io)).toBe(0);
    expect(io.stdout.trim()).toBe(APP_VERSION);
    expect(APP_VERSION).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('shows a command’s own usage for `serve --help` without starting anything', async () => {
    const io = capture();
    expect(await runCli(['serve', '--help'], io)).toBe(0);
    expect(io.stdout).toContain('creator-studio serve [--port N] [--data-dir DIR]');
    expect(io.stdout).toContain('--data-dir DIR');
  });

  it('refuses an unknown command with exit code 2 and says how to get the list', async () => {
    const io = capture();
    expect(await runCli(['publish'], io)).toBe(2);
    expect(io.stderr).toContain('Unknown command "publish"');
    expect(io.stderr).toContain('--help');
    expect(io.stdout).toBe('');
  });

  it.each(['abc', '-1', '65536', '8080.5', '1e3', ''])('refuses `serve --port=%s` with exit code 2 and the usage', async (port) => {
    const io = capture();
    // A temp data folder, so that a regression that starts serving cannot touch the real workspace.
    expect(await runCli(['serve', `--port=${port}`, '--data-dir', tempDir()], io)).toBe(2);
    expect(io.stderr).toContain(`--port must be a whole number from 0 to 65535, not "${port}"`);
    expect(io.stderr).toContain('creator-studio serve [--port N]');
  });

  it('refuses an unknown option with exit code 2', async () => {
    const io = capture();
    expect(await runCli(['serve', '--bogus'], io)).toBe(2);
    expect(io.stderr).toContain('--bogus');
  });

  it('makes a new subcommand a matter of adding one Command to the list', async () => {
    const ran: unknown[] = [];
    const exportCommand: Command = {
      name: 'export',
      summary: 'Export a course as a zip',
      usage: ['creator-studio export --course ID'],
      options: { course: { type: 'string' } },
      async run(values, positionals, io) {
        ran.push(values.course, positionals);
        io.out('exported');
        return 0;
      },
    };
    const commands = [...COMMANDS, entryOf(exportCommand)];

    const help = capture();
    expect(await runCli(['--help'], help, commands)).toBe(0);
    expect(help.stdout).toMatch(/^ {2}serve +Serve the studio/m);
    expect(help.stdout).toMatch(/^ {2}export +Export a course as a zip$/m);

    const usage = capture();
    expect(await runCli(['export', '--help'], usage, commands)).toBe(0);
    expect(usage.stdout.trim()).toBe('creator-studio export --course ID');

    const run = capture();
    expect(await runCli(['export', '--course', 'c1', 'extra'], run, commands)).toBe(0);
    expect(ran).toEqual(['c1', ['extra']]);
    expect(run.stdout).toBe('exported\n');
  });
});
