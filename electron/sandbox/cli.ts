/**
 * `creator-studio sandbox`: runs the WeChat sandbox standalone. One JSON ready line on stdout (readyLineSchema, for
 * a parent process), then human lines on stderr.
 */
import { pino } from 'pino';
import { UsageError, type Command } from '../../shared/cli/command';
import type { ReadyLine } from '../../shared/companion/api';
import { ConfigError, loadSandboxConfig } from './config-file';
import { createSandbox } from './index';

/** The environment variable that fixes the control token (the studio sets it when it embeds the sandbox). */
export const CONTROL_TOKEN_ENV = 'CREATOR_STUDIO_SANDBOX_CONTROL_TOKEN';

function parsePort(value: string | boolean | (string | boolean)[] | undefined): number {
  if (value === undefined) return 0;
  // Digits only: Number() would read "" as 0 and also accept "1e3" or "0x50".
  const port = /^\d{1,5}$/.test(String(value)) ? Number(value) : Number.NaN;
  if (!Number.isInteger(port) || port > 65535) throw new UsageError(`--port must be a whole number from 0 to 65535, not "${String(value)}"`);
  return port;
}

export const sandboxCommand: Command = {
  name: 'sandbox',
  summary: 'Run the WeChat sandbox (模拟微信) for offline use, demos and tests',
  usage: [
    'creator-studio sandbox [--port N] [--host H] [--config sandbox.json]',
    '',
    '  --port N         listen on this port (default: a random free port)',
    '  --host H         listen on this interface (default: 127.0.0.1)',
    '  --config FILE    apps to register at start: { "apps": [ <apps.put body>, … ] }',
    '  --exit-with-parent  stop when stdin closes (the embedding studio keeps it open while it lives)',
    '',
    `The control API token comes from $${CONTROL_TOKEN_ENV}, or is generated and printed.`,
    'Prints one JSON ready line on stdout, then the simulated phone\'s address on stderr. Stop with Ctrl+C.',
  ],
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    config: { type: 'string' },
    'exit-with-parent': { type: 'boolean' },
  },
  async run(values, _positionals, io) {
    const port = parsePort(values.port);
    const host = values.host === undefined ? '127.0.0.1' : String(values.host);
    if (host.trim() === '') throw new UsageError('--host must not be empty');
    let apps;
    try {
      apps = values.config === undefined ? [] : loadSandboxConfig(String(values.config)).apps;
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      io.err(error.message);
      return 1;
    }

    const fromEnv = process.env[CONTROL_TOKEN_ENV];
    const controlToken = fromEnv && fromEnv.length > 0 ? fromEnv : undefined;
    const logger = pino({ level: 'warn' }, pino.destination({ fd: 2, sync: true }));
    let sandbox;
    try {
      sandbox = await createSandbox({ host, port, controlToken, apps, logger });
    } catch (error) {
      io.err(`The sandbox could not start: ${(error as Error).message}`);
      return 1;
    }

    const ready: ReadyLine = { ready: true, service: 'sandbox', url: sandbox.url };
    io.out(JSON.stringify(ready));
    io.err(`WeChat sandbox (微信沙箱) listening on ${sandbox.url}`);
    io.err(`Simulated phone: ${sandbox.url}/phone`);
    if (apps.length > 0) io.err(`Registered apps: ${apps.map((a) => `${a.appId} (${a.name})`).join(', ')}`);
    if (!controlToken) io.err(`Control token (generated): ${sandbox.controlToken}`);
    io.err('Stop with Ctrl+C.');

    return new Promise<number>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        void sandbox.close().then(
          () => resolve(0),
          () => resolve(1),
        );
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      // Embedded: the studio holds our stdin open for its whole life; when it dies (even by SIGKILL) the pipe closes
      // and the sandbox stops with it rather than living on as an orphan.
      if (values['exit-with-parent'] === true) {
        process.stdin.once('end', stop);
        process.stdin.resume();
      }
    });
  },
};
