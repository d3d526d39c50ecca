import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { companionRequest } from '../../electron/studio/companion-link/companion-client';
import { Relay } from '../helpers/relay';
import { expect, test } from './support/fixtures';

const cli = path.resolve(import.meta.dirname, '..', '..', 'out', 'node', 'cli.js');

/** A team's standalone companion as its own process (`creator-studio companion`), started the way the studio does. */
async function startTeamCompanion(dataDir: string, pairingCode: string): Promise<{ url: string; child: ChildProcess }> {
  const config = path.join(dataDir, 'companion.json');
  fs.writeFileSync(config, JSON.stringify({ host: '127.0.0.1', port: 0, dataDir, logLevel: 'warn' }));
  const child = spawn(process.execPath, [cli, 'companion', '--config', config, '--stdin-bootstrap', '--exit-with-parent'], { stdio: ['pipe', 'pipe', 'pipe'] });
  child.stderr!.resume();
  child.stdin!.write(`${JSON.stringify({ masterKey: randomBytes(32).toString('base64'), pairingCode })}\n`);
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /\{"ready":true,"service":"companion","url":"([^"]+)"\}/.exec(output);
      if (ready) resolve(ready[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the companion exited with ${code}`)));
  });
  return { url, child };
}

async function api<T>(origin: string, token: string, method: string, input: unknown): Promise<T> {
  const res = await fetch(`${origin}/api/call`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ method, input }),
  });
  const body = (await res.json()) as { ok: boolean; value: T; error?: unknown };
  if (!body.ok) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
  return body.value;
}

test.describe('team sync in the shell', () => {
  let companion: { url: string; child: ChildProcess };
  let relay: Relay;
  let companionDir: string;
  const bootstrap = randomBytes(24).toString('base64url');

  test.beforeEach(async ({ studio }) => {
    studio.companion = true;
    companionDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sync-e2e-companion-'));
    companion = await startTeamCompanion(companionDir, bootstrap);
    relay = new Relay(Number(new URL(companion.url).port));
  });

  test.afterEach(async () => {
    await relay.close();
    // As the studio stops its embedded companion: closing its stdin.
    const exited = new Promise((resolve) => companion.child.once('exit', resolve));
    companion.child.stdin!.end();
    await exited;
    fs.rmSync(companionDir, { recursive: true, force: true });
  });

  test('the indicator follows the outbox offline and back, and the resolver settles a conflict side by side', async ({ page, studio }) => {
    // A teammate's desktop is this test, talking to the team companion directly; the studio reaches it through a relay.
    const teammate = await companionRequest(companion.url, null, 'devices.pair', { body: { code: bootstrap, deviceName: 'teammate', memberName: '老王' } });
    const invite = await companionRequest(companion.url, teammate.deviceToken, 'invites.create', { body: { role: 'editor', memberName: '小林' } });
    const relayUrl = await relay.listen();

    await studio.open(page);
    const { origin, token } = studio.current!;
    await api(origin, token, 'companion.connect', { url: relayUrl, pairingCode: invite.code, deviceName: 'e2e desktop' });
    const course = await api<{ id: string; version: number }>(origin, token, 'courses.create', { title: '写作课' });
    await api(origin, token, 'courses.save', {
      ...course,
      baseVersion: course.version,
      type: 'article',
      priceFen: 0,
      summary: '',
      coverHash: null,
      chapters: [{ id: 'ch-1', title: '第一章', lessons: [{ id: 'l-1', title: '开头' }] }],
    });
    await api(origin, token, 'lessons.saveBody', { courseId: course.id, lessonId: 'l-1', baseVersion: 0, html: '<p>初稿</p>' });

    const indicator = page.getByTestId('sync-indicator');
    // The body is on the team companion once its row is in the feed.
    const teamBody = async () =>
      (await companionRequest(companion.url, teammate.deviceToken, 'sync.pull', { query: { since: 0 } })).changes.find((r) => r.kind === 'lessonBody' && r.id === 'l-1');
    await expect.poll(async () => (await teamBody())?.data?.html ?? null).toBe('<p>初稿</p>');
    await expect(indicator).toHaveAttribute('data-state', 'synced');
    await expect(indicator).toContainText('已同步');

    // The companion becomes unreachable; the teammate changes the lesson meanwhile, and so does this desktop.
    relay.goDark();
    const base = (await teamBody())!;
    const pushed = await companionRequest(companion.url, teammate.deviceToken, 'sync.push', {
      body: {
        items: [{ kind: 'lessonBody', id: 'l-1', courseId: course.id, baseVersion: base.version, changeId: randomBytes(16).toString('hex'), deleted: false, data: { html: '<p>老王改的开头</p>' }, updatedAt: new Date().toISOString() }],
      },
    });
    expect(pushed.results[0]!.status).toBe('accepted');
    const body = await api<{ version: number }>(origin, token, 'lessons.getBody', { courseId: course.id, lessonId: 'l-1' });
    await api(origin, token, 'lessons.saveBody', { courseId: course.id, lessonId: 'l-1', baseVersion: body.version, html: '<p>我改的开头</p>' });
    await expect(indicator).toHaveAttribute('data-state', 'offline');
    await expect(indicator).toContainText('离线 · 1 项待同步');

    // Back: the push meets the teammate's newer version, and nothing is overwritten.
    relay.restore(Number(new URL(companion.url).port));
    await expect(indicator).toContainText('1 处冲突待处理', { timeout: 45_000 });
    await indicator.getByRole('button').click();
    const conflict = page.getByTestId('sync-conflict');
    await expect(conflict.getByTestId('conflict-mine')).toContainText('我改的开头');
    await expect(conflict.getByTestId('conflict-theirs')).toContainText('老王改的开头');
    await expect(conflict.getByTestId('conflict-theirs')).toContainText('老王');
    await expect(conflict.locator('ins')).toContainText('我');

    await conflict.getByRole('button', { name: '采用团队的' }).click();
    await expect(page.getByRole('status').filter({ hasText: '已处理冲突' })).toBeVisible();
    await expect(page.getByText('没有待处理的冲突。')).toBeVisible();
    await expect(indicator).toHaveAttribute('data-state', 'synced');
    expect((await api<{ html: string }>(origin, token, 'lessons.getBody', { courseId: course.id, lessonId: 'l-1' })).html).toBe('<p>老王改的开头</p>');
  });
});
