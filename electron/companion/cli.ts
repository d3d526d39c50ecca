/**
 * `creator-studio companion`: runs the companion server.
 *
 * Embedded (the studio starts it): `companion --config <dataDir>/companion.json --stdin-bootstrap`, then writes one
 * JSON line to its stdin, `{"masterKey":"<base64 of 32 bytes>","pairingCode":"<one-time code>"}` — so no secret is
 * in argv or the environment. Standalone (a team's server): the master key comes from `secretsKeyFile` or
 * CREATOR_STUDIO_COMPANION_KEY, and `--invite-owner NAME` prints a one-time code for the first owner's desktop.
 *
 * When listening it prints exactly one line on stdout, `{"ready":true,"service":"companion","url":"…"}`; everything
 * for people (and the JSON logs) goes to stderr. SIGINT/SIGTERM stop it cleanly (exit 0).
 */
import { z } from 'zod';
import { UsageError, type Command, type CommandIo } from '../../shared/cli/command';
import type { ReadyLine } from '../../shared/companion/api';
import { startCompanion } from './app';
import { ConfigError, ENV_PREFIX, MASTER_KEY_ENV, decodeMasterKey, loadConfig, loadMasterKey } from './config';
import { SecretsService, MasterKeyMismatchError } from './services/secrets';
import { TeamService } from './services/team';
import { DatabaseTooNewError, openCompanionDatabase } from './store/database';

const bootstrapSchema = z.strictObject({
  masterKey: z.string().min(1),
  pairingCode: z.string().min(8).max(128).optional(),
});
export type BootstrapLine = z.infer<typeof bootstrapSchema>;

/** Reads the first line of stdin (the parent writes it at once; a parent that never does is an error after 15 s). */
export function readFirstLine(stream: NodeJS.ReadableStream, timeoutMs = 15_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const finish = (error: Error | null, line?: string) => {
      clearTimeout(timer);
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.pause();
      if (error) reject(error);
      else resolve(line!);
    };
    const onData = (chunk: Buffer | string) => {
      buffered += chunk.toString();
      const nl = buffered.indexOf('\n');
      if (nl >= 0) finish(null, buffered.slice(0, nl).replace(/\r$/, ''));
    };
    const onEnd = () => (buffered.trim() ? finish(null, buffered.trim()) : finish(new Error('stdin closed before the bootstrap line arrived')));
    const onError = (error: Error) => finish(error);
    const timer = setTimeout(() => finish(new Error('no bootstrap line on stdin within 15 seconds')), timeoutMs);
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
    stream.resume();
  });
}

export function parseBootstrapLine(line: string): { masterKey: Buffer; pairingCode: string | null } {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    throw new Error('The bootstrap line on stdin is not JSON');
  }
  const parsed = bootstrapSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(`The bootstrap line on stdin is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(line)'}: ${i.message}`).join('; ')}`);
  }
  return {
    masterKey: decodeMasterKey(parsed.data.masterKey, { key: 'masterKey', source: 'stdin bootstrap line' }),
    pairingCode: parsed.data.pairingCode ?? null,
  };
}

function explain(error: unknown): string | null {
  if (error instanceof ConfigError || error instanceof MasterKeyMismatchError || error instanceof DatabaseTooNewError) return error.message;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return `The port is already in use: ${(error as Error).message}. Set another "port" (or 0 for any free port).`;
  if (code === 'EACCES') return `Not allowed to listen there: ${(error as Error).message}`;
  return null;
}

export const companionCommand: Command = {
  name: 'companion',
  summary: 'Run the companion server (WeChat, team binding, events): embedded by the studio, or standalone for a team',
  usage: [
    'creator-studio companion [--config companion.json] [--stdin-bootstrap]',
    'creator-studio companion [--config companion.json] --invite-owner NAME',
    '',
    '  --config FILE        settings file (see companion.example.json); every key can also come from',
    `                       an environment variable ${ENV_PREFIX}<NAME>, which wins over the file`,
    '  --stdin-bootstrap    read {"masterKey":"<base64>","pairingCode":"<code>"} as one line on stdin',
    '  --exit-with-parent   stop when stdin closes (the embedding studio keeps it open while it lives)',
    '                       (how the studio starts it: no secret in argv or the environment)',
    '  --invite-owner NAME  print a one-time pairing code for the owner NAME (created if needed) and exit;',
    '                       enter it in the studio: 团队 → 连接团队伴随服务',
    '',
    `The master key for secrets at rest: "secretsKeyFile" in the config, or ${MASTER_KEY_ENV} (base64 of 32 bytes).`,
    'Prints one JSON line {"ready":true,"service":"companion","url":"…"} on stdout once listening; logs go to',
    'stderr. Stop with Ctrl+C (SIGINT) or SIGTERM.',
  ],
  options: {
    config: { type: 'string' },
    'stdin-bootstrap': { type: 'boolean' },
    'exit-with-parent': { type: 'boolean' },
    'invite-owner': { type: 'string' },
  },
  async run(values, positionals, io) {
    if (positionals.length > 0) throw new UsageError(`Unexpected argument: ${positionals[0]}`);
    const inviteOwner = values['invite-owner'];
    if (inviteOwner !== undefined && (typeof inviteOwner !== 'string' || !inviteOwner.trim() || inviteOwner.length > 64)) {
      throw new UsageError('--invite-owner needs a name of 1–64 characters');
    }
    try {
      const config = loadConfig({ file: typeof values.config === 'string' ? values.config : null, env: process.env });
      let masterKey: Buffer;
      let pairingCode: string | null = null;
      if (values['stdin-bootstrap']) {
        ({ masterKey, pairingCode } = parseBootstrapLine(await readFirstLine(process.stdin)));
      } else {
        masterKey = loadMasterKey(config, process.env);
      }
      if (typeof inviteOwner === 'string') return inviteOwnerCode(config.dataDir, masterKey, inviteOwner.trim(), io);
      return await serve(config, masterKey, pairingCode, io, values['exit-with-parent'] === true);
    } catch (error) {
      const message = explain(error) ?? (error instanceof Error && /bootstrap line|stdin/.test(error.message) ? error.message : null);
      if (message === null) throw error;
      io.err(message);
      return 1;
    }
  },
};

function inviteOwnerCode(dataDir: string, masterKey: Buffer, name: string, io: CommandIo): number {
  const { db } = openCompanionDatabase(dataDir);
  try {
    // Refuses a wrong key before anything is written: the code must belong to this team's database.
    new SecretsService(db, masterKey, {}, () => new Date());
    const invite = new TeamService(db, () => new Date()).inviteOwnerFromCli(name);
    io.out(invite.code);
    io.err(
      `${invite.created ? 'Created the owner' : 'Owner'} "${name}". One-time pairing code above, valid until ${invite.expiresAt}: ` +
        'enter it in the studio (团队 → 连接团队伴随服务) together with this server’s address.',
    );
    return 0;
  } finally {
    db.close();
  }
}

async function serve(
  config: Parameters<typeof startCompanion>[0],
  masterKey: Buffer,
  pairingCode: string | null,
  io: CommandIo,
  exitWithParent = false,
): Promise<number> {
  const running = await startCompanion(config, { masterKey, bootstrapPairingCode: pairingCode });
  masterKey.fill(0);
  const ready: ReadyLine = { ready: true, service: 'companion', url: running.url };
  io.out(JSON.stringify(ready));
  io.err(`Creator Studio companion listening on ${running.url}${config.sandbox ? ` (WeChat sandbox at ${config.sandboxUrl})` : ''}`);
  io.err(`Data: ${config.dataDir}`);
  if (config.publicBaseUrl) io.err(`Public address (OAuth callbacks, WeChat pushes): ${config.publicBaseUrl}`);

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      io.err(`Stopping (${signal})…`);
      running.close().then(
        () => resolve(0),
        (error: unknown) => {
          io.err(`Error while stopping: ${(error as Error).message}`);
          resolve(1);
        },
      );
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
    // Embedded: the studio holds our stdin open for its whole life. If it dies — even by SIGKILL, which it cannot
    // handle — the pipe closes and we stop too, instead of living on as an orphan holding the port and the database.
    if (exitWithParent) {
      process.stdin.once('end', () => stop('the studio that started this companion is gone'));
      process.stdin.resume();
    }
  });
}
