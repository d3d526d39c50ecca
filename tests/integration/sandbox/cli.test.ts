/**
 * `creator-studio sandbox` as a child process: one JSON ready line on stdout, human lines on stderr, apps from a
 * config file, clean exit on SIGINT/SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { readyLineSchema } from '../../../shared/companion/api';
import { SANDBOX_CONTROL_HEADER } from '../../../shared/wechat-sandbox/control';
import { ROOT } from '../../helpers/fixtures';
import { tempDir } from '../../helpers/temp-dir';

interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

function runSandbox(args: string[], env: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', 'electron/cli/index.ts', 'sandbox', ...args], {
    cwd: ROOT,
    env: { ...process.env, CREATOR_STUDIO_SANDBOX_CONTROL_TOKEN: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

/** Resolves when `pattern` appears on stderr (the human lines come after the ready line); rejects on early exit. */
function waitForStderr(run: Running, pattern: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = pattern.exec(run.stderr());
      if (match) {
        run.child.stderr!.off('data', check);
        resolve(match);
      }
    };
    run.child.stderr!.on('data', check);
    void run.exit.then((code) => reject(new Error(`exited with ${code}:\n${run.stdout()}\n${run.stderr()}`)));
    check();
  });
}

describe('creator-studio sandbox', () => {
  it('prints one ready line, the generated control token and the phone URL; stops on SIGTERM', async () => {
    const run = runSandbox(['--port', '0']);
    const [, token] = await waitForStderr(run, /Control token \(generated\): (\S+)\n/);
    const lines = run.stdout().split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    const ready = readyLineSchema.parse(JSON.parse(lines[0]!));
    expect(ready).toEqual({ ready: true, service: 'sandbox', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    expect(run.stderr()).toContain(`${ready.url}/phone`);

    const users = await fetch(`${ready.url}/__sandbox/users`, { headers: { [SANDBOX_CONTROL_HEADER]: token! } });
    expect(users.status).toBe(200);

    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
  });

  it('takes the control token from the environment (never printed) and apps from --config; stops on SIGINT', async () => {
    const dir = tempDir();
    const config = path.join(dir, 'sandbox.json');
    const app = { appId: 'wx0123456789abcdef', appSecret: 'cli-secret-0123456789', kind: 'officialAccount', name: '命令行测试号' };
    fs.writeFileSync(config, JSON.stringify({ apps: [app] }));
    const run = runSandbox(['--config', config, '--host', '127.0.0.1'], { CREATOR_STUDIO_SANDBOX_CONTROL_TOKEN: 'env-token-0123456789' });
    await waitForStderr(run, /Stop with Ctrl\+C/);
    const { url } = readyLineSchema.parse(JSON.parse(run.stdout().trim()));
    expect(run.stderr()).not.toContain('env-token-0123456789');
    expect(run.stderr()).not.toContain('Control token');
    expect(run.stderr()).not.toContain(app.appSecret);

    const token = await (await fetch(`${url}/cgi-bin/token?grant_type=client_credential&appid=${app.appId}&secret=${app.appSecret}`)).json();
    expect(token).toHaveProperty('access_token');
    expect((await fetch(`${url}/__sandbox/users`, { headers: { [SANDBOX_CONTROL_HEADER]: 'env-token-0123456789' } })).status).toBe(200);

    run.child.kill('SIGINT');
    expect(await run.exit).toBe(0);
  });

  it('exits 1 naming the file and the bad fields of an invalid config, before printing a ready line', async () => {
    const config = path.join(tempDir(), 'sandbox.json');
    fs.writeFileSync(config, JSON.stringify({ apps: [{ appId: 'wx-bad', appSecret: 'x', kind: 'officialAccount', name: 'n' }] }));
    const run = runSandbox(['--config', config]);
    expect(await run.exit).toBe(1);
    expect(run.stdout()).toBe('');
    expect(run.stderr()).toContain(config);
    expect(run.stderr()).toContain('apps[0].appId');
    expect(run.stderr()).toContain('apps[0].appSecret');
  });

  it('exits 2 with the usage for a bad --port', async () => {
    const run = runSandbox(['--port', 'eighty']);
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toContain('--port must be a whole number');
    expect(run.stderr()).toContain('creator-studio sandbox [--port N]');
  });
});
