import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { DB_FILE_NAME } from '../../electron/studio/store/database';
import { CONTENT_SECURITY_POLICY } from '../../shared/csp';
import { ROOT } from '../helpers/fixtures';
import { tempDir } from '../helpers/temp-dir';

interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `creator-studio <args>` from the TypeScript sources, the way `npm run studio:web` runs it before a build. */
function runStudio(args: string[], env: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', 'electron/cli/index.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, CREATOR_STUDIO_DATA_DIR: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

/** Resolves with the first match of `pattern` in stdout; rejects if the process exits first. */
function waitForLine(run: Running, pattern: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = pattern.exec(run.stdout());
      if (match) {
        run.child.stdout!.off('data', check);
        resolve(match);
      }
    };
    run.child.stdout!.on('data', check);
    void run.exit.then(({ code }) => reject(new Error(`exited with ${code} before printing ${pattern}:\n${run.stdout()}\n${run.stderr()}`)));
    check();
  });
}

describe('creator-studio serve', () => {
  it('prints a tokened loopback URL, serves the API and the renderer, and exits 0 on SIGTERM', async () => {
    const dataDir = tempDir();
    const rendererDir = tempDir();
    fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>studio</title>');
    const run = runStudio(['serve', '--data-dir', dataDir, '--port', '0'], { CREATOR_STUDIO_RENDERER_DIR: rendererDir });

    const [, url, token] = await waitForLine(run, /open (http:\/\/127\.0\.0\.1:\d+)\/#token=([A-Za-z0-9_-]+)/);
    await waitForLine(run, /^Workspace: (.+)$/m);
    expect(run.stdout()).toContain(`Workspace: ${dataDir}`);

    const call = async (method: string, input: unknown, auth = `Bearer ${token}`) => {
      const res = await fetch(`${url}/api/call`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: auth },
        body: JSON.stringify({ method, input }),
      });
      return { status: res.status, body: (await res.json()) as { ok: boolean; value?: Record<string, unknown> } };
    };
    expect(await call('app.info', {})).toMatchObject({ status: 200, body: { ok: true, value: { shell: 'browser', dataDir } } });
    expect(await call('courses.create', { title: '命令行建的课' })).toMatchObject({ status: 200, body: { ok: true } });
    expect((await call('app.info', {}, 'Bearer wrong')).status).toBe(401);
    expect(fs.existsSync(path.join(dataDir, DB_FILE_NAME))).toBe(true);

    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);

    run.child.kill('SIGTERM');
    expect(await run.exit).toEqual({ code: 0, signal: null });
    await expect(fetch(`${url}/api/health`)).rejects.toThrow();
  });

  it('exits 2 with a message for an unknown command', async () => {
    const run = runStudio(['publish']);
    expect(await run.exit).toEqual({ code: 2, signal: null });
    expect(run.stderr()).toContain('Unknown command "publish"');
  });
});
