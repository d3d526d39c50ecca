import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { SecretBox, keyFileSealer } from '../../electron/studio/companion-link/secret-box';
import { SANDBOX_CONTROL_HEADER } from '../../shared/wechat-sandbox/control';
import { expect, test, type StudioHarness } from './support/fixtures';

/**
 * The embedded sandbox's control API, as a test harness reaches it: its URL from the host's companion status (once
 * the Team page shows the companion ready), its token from the studio's sealed box.
 */
async function sandboxControl(page: Page, studio: StudioHarness) {
  await page.getByRole('link', { name: '团队' }).click();
  await expect(page.getByText('伴随服务已就绪')).toBeVisible();
  const status = await fetch(`${studio.current!.origin}/api/call`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${studio.current!.token}` },
    body: JSON.stringify({ method: 'companion.status', input: {} }),
  }).then((r) => r.json() as Promise<{ value: { phoneUrl: string } }>);
  const base = status.value.phoneUrl.replace(/\/phone$/, '');
  const token = new SecretBox(studio.dataDir, keyFileSealer(studio.dataDir)).read().sandboxControlToken!;
  const oaAppId = (JSON.parse(fs.readFileSync(path.join(studio.dataDir, 'companion-link.json'), 'utf8')) as { oaAppId: string }).oaAppId;
  const post = async (p: string, body: unknown) => {
    const res = await fetch(`${base}${p}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', [SANDBOX_CONTROL_HEADER]: token },
      body: JSON.stringify(body),
    });
    expect(res.ok, `${p}: ${res.status}`).toBe(true);
    return res.json() as Promise<Record<string, unknown>>;
  };
  return { oaAppId, post };
}

test.beforeEach(({ studio }) => {
  studio.companion = true;
});

test('follows and menu clicks pushed by WeChat appear on the Events page, filterable, with masked openids', async ({ page, studio }) => {
  await studio.open(page);
  const sandbox = await sandboxControl(page, studio);
  await page.getByRole('link', { name: '微信事件' }).click();
  await expect(page.getByText('还没有收到事件。')).toBeVisible();

  await sandbox.post('/__sandbox/events/fire', { appId: sandbox.oaAppId, userId: 'lin-xiaoman', event: 'subscribe' });
  await sandbox.post('/__sandbox/events/fire', { appId: sandbox.oaAppId, userId: 'lin-xiaoman', event: 'CLICK', eventKey: 'MENU_COURSES' });

  const table = page.getByRole('table', { name: '微信事件' });
  await expect(async () => {
    await page.getByRole('button', { name: '刷新' }).click();
    await expect(table.getByRole('row')).toHaveCount(3, { timeout: 1000 });
  }).toPass();
  await expect(table).toContainText('subscribe');
  await expect(table).toContainText('MENU_COURSES');
  // openids are shown desensitized: a few characters, an ellipsis, a few more.
  const user = await table.getByRole('row').nth(1).getByRole('cell').nth(3).textContent();
  expect(user).toMatch(/^o.{3}….{3}$/);

  await page.getByLabel('事件类型').selectOption('CLICK');
  await expect(table.getByRole('row')).toHaveCount(2);
  await expect(table).not.toContainText('subscribe');
});

test('WeChat API calls made while binding are listed on the API call log and export as CSV', async ({ page, studio }) => {
  await studio.open(page);
  const sandbox = await sandboxControl(page, studio);
  await page.getByRole('button', { name: '邀请成员绑定微信' }).click();
  await page.getByLabel('成员名称').fill('小陈');
  await page.getByRole('button', { name: '生成绑定二维码' }).click();
  const qrUrl = (await page.locator('.qr-url').textContent())!.replace(/^.*?(http\S+).*$/s, '$1');
  const scan = await sandbox.post('/__sandbox/phone/scan', { userId: 'chen-siyuan', url: qrUrl });
  await sandbox.post('/__sandbox/phone/decide', { sessionId: scan.sessionId, allow: true });
  await expect(page.locator('[data-binding-status]')).toHaveAttribute('data-binding-status', 'bound');

  await page.getByRole('link', { name: '接口调用明细' }).click();
  const table = page.getByRole('table', { name: '接口调用明细' });
  await expect(table).toContainText('/sns/oauth2/access_token');
  await expect(table).toContainText('/sns/userinfo');

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: '导出 CSV' }).click();
  const file = await (await download).path();
  const csv = fs.readFileSync(file!);
  expect(csv.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  const text = csv.toString('utf8').slice(1);
  expect(text.split('\r\n')[0]).toBe('id,time,api_path,errcode,latency_ms,member_id,params');
  expect(text).toContain('/sns/oauth2/access_token');
  // The one-time code and the app secret never reach the log.
  const code = new URL((scan.landedUrl as string | null) ?? 'http://x/').searchParams.get('code');
  if (code) expect(text).not.toContain(code);
  const secrets = Object.values(new SecretBox(studio.dataDir, keyFileSealer(studio.dataDir)).read());
  for (const secret of secrets) if (secret && secret.length >= 16) expect(text).not.toContain(secret);
});
