/**
 * `creator-studio companion` as a child process, as the studio embeds it (config file + one bootstrap line on stdin,
 * then stdin closed) and as a team runs it (key from the environment, `--invite-owner` for the first owner): exactly
 * one JSON ready line on stdout, human lines on stderr, clear errors, a clean stop on SIGTERM/SIGINT.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { readyLineSchema } from '../../../shared/companion/api';
import { ROOT } from '../../helpers/fixtures';
import { tempDir } from '../../helpers/temp-dir';

interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function runCompanion(args: string[], options: { env?: Record<string, string>; stdin?: string | null } = {}): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', 'electron/cli/index.ts', 'companion', ...args], {
    cwd: ROOT,
    env: { ...process.env, CREATOR_STUDIO_COMPANION_KEY: '', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  // As the studio does: write the line, then close stdin.
  if (options.stdin !== undefined && options.stdin !== null) child.stdin!.write(options.stdin);
  child.stdin!.end();
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

/** Resolves with the ready line's URL once it is on stdout; rejects if the process exits first. */
function waitReady(run: Running): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const line = run.stdout().split('\n').find((l) => l.startsWith('{'));
      if (line) {
        run.child.stdout!.off('data', check);
        resolve(readyLineSchema.parse(JSON.parse(line)).url);
      }
    };
    run.child.stdout!.on('data', check);
    void run.exit.then(({ code }) => reject(new Error(`exited with ${code} before ready:\n${run.stdout()}\n${run.stderr()}`)));
    check();
  });
}

function writeConfig(dir: string, config: Record<string, unknown>): string {
  const file = path.join(dir, 'companion.json');
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

async function pair(url: string, code: string, memberName?: string) {
  const res = await fetch(`${url}/api/devices/pair`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, deviceName: 'test desktop', ...(memberName ? { memberName } : {}) }),
  });
  return { status: res.status, body: (await res.json()) as { deviceToken: string; member: { name: string; role: string } } };
}

describe('creator-studio companion', () => {
  it('embedded: config file + stdin bootstrap line → one ready line, the pairing code makes the owner, SIGTERM stops it', async () => {
    const dir = tempDir();
    const config = writeConfig(dir, { host: '127.0.0.1', port: 0, dataDir: path.join(dir, 'data'), wechat: { officialAccount: { appId: 'wx0123456789abcdef' } } });
    const masterKey = randomBytes(32).toString('base64');
    const pairingCode = randomBytes(24).toString('base64url');
    const run = runCompanion(['--config', config, '--stdin-bootstrap'], { stdin: `${JSON.stringify({ masterKey, pairingCode })}\n` });
    const url = await waitReady(run);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(run.stdout().trim().split('\n')).toHaveLength(1);

    const health = await fetch(`${url}/health`);
    expect(await health.json()).toMatchObject({ ok: true, sandbox: false });
    const paired = await pair(url, pairingCode, '我');
    expect(paired).toMatchObject({ status: 200, body: { member: { name: '我', role: 'owner' } } });
    expect((await pair(url, pairingCode)).status).toBe(401);
    expect(fs.existsSync(path.join(dir, 'data', 'companion.db'))).toBe(true);

    run.child.kill('SIGTERM');
    expect(await run.exit).toEqual({ code: 0, signal: null });
    expect(run.stdout().trim().split('\n')).toHaveLength(1);
    expect(run.stderr()).toContain('listening on');
    // The key and code were only ever on stdin: not echoed anywhere.
    expect(run.stdout() + run.stderr()).not.toContain(masterKey);
    expect(run.stdout() + run.stderr()).not.toContain(pairingCode);
  });

  it('standalone: --invite-owner prints a one-time code; the server (key from the environment) pairs the owner with it', async () => {
    const dir = tempDir();
    const config = writeConfig(dir, { port: 0, dataDir: './data' });
    const env = { CREATOR_STUDIO_COMPANION_KEY: randomBytes(32).toString('base64') };
    const invite = runCompanion(['--config', config, '--invite-owner', '王老板'], { env });
    expect((await invite.exit).code).toBe(0);
    const code = invite.stdout().trim();
    expect(code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
    expect(invite.stderr()).toContain('王老板');

    const run = runCompanion(['--config', config], { env });
    const url = await waitReady(run);
    expect(await pair(url, code)).toMatchObject({ status: 200, body: { member: { name: '王老板', role: 'owner' } } });
    run.child.kill('SIGINT');
    expect((await run.exit).code).toBe(0);
  });

  it('exits 1 with a message naming the key for a bad config, a missing key, a wrong key or no bootstrap line', async () => {
    const dir = tempDir();
    const bad = runCompanion(['--config', writeConfig(dir, { port: 'eighty', wechat: { officialAccount: { appId: 'nope' } } })]);
    expect((await bad.exit).code).toBe(1);
    expect(bad.stderr()).toContain('port (companion.json)');
    expect(bad.stderr()).toContain('wechat.officialAccount.appId (companion.json)');

    const config = writeConfig(dir, { port: 0, dataDir: './data' });
    const noKey = runCompanion(['--config', config]);
    expect((await noKey.exit).code).toBe(1);
    expect(noKey.stderr()).toContain('CREATOR_STUDIO_COMPANION_KEY');

    const first = runCompanion(['--config', config, '--invite-owner', 'A'], { env: { CREATOR_STUDIO_COMPANION_KEY: randomBytes(32).toString('base64') } });
    expect((await first.exit).code).toBe(0);
    const wrongKey = runCompanion(['--config', config], { env: { CREATOR_STUDIO_COMPANION_KEY: randomBytes(32).toString('base64') } });
    expect((await wrongKey.exit).code).toBe(1);
    expect(wrongKey.stderr()).toContain('master key does not open this companion database');

    const noLine = runCompanion(['--config', config, '--stdin-bootstrap'], { stdin: null });
    expect((await noLine.exit).code).toBe(1);
    expect(noLine.stderr()).toContain('stdin closed before the bootstrap line');

    const badLine = runCompanion(['--config', config, '--stdin-bootstrap'], { stdin: '{"masterKey":"c2hvcnQ="}\n' });
    expect((await badLine.exit).code).toBe(1);
    expect(badLine.stderr()).toContain('masterKey');
  });
});
