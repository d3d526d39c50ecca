import fs from 'node:fs';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import type { Page } from '@playwright/test';
import { SecretBox, keyFileSealer } from '../../electron/studio/companion-link/secret-box';
import { SANDBOX_CONTROL_HEADER } from '../../shared/wechat-sandbox/control';
import { expect, test, type StudioHarness } from './support/fixtures';

async function api(studio: StudioHarness, method: string, input: unknown): Promise<unknown> {
  const res = await fetch(`${studio.current!.origin}/api/call`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${studio.current!.token}` },
    body: JSON.stringify({ method, input }),
  });
  const result = (await res.json()) as { ok: boolean; value?: unknown; error?: unknown };
  if (!result.ok) throw new Error(`${method}: ${JSON.stringify(result.error)}`);
  return result.value;
}

async function decodeQr(page: Page, name: string): Promise<string> {
  const src = await page.getByRole('img', { name }).getAttribute('src');
  const png = PNG.sync.read(Buffer.from(src!.replace(/^data:image\/png;base64,/, ''), 'base64'));
  const code = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  if (!code) throw new Error(`the QR code "${name}" could not be decoded`);
  return code.data;
}

test('a test purchase in sandbox mode is paid on the simulated phone, shows in Orders, and is refunded', async ({ page, context, studio }) => {
  studio.companion = true;
  await studio.start();
  await api(studio, 'courses.create', { title: '摄影入门', priceFen: 9900 });
  await studio.open(page);

  await page.getByRole('link', { name: '订单' }).click();
  await expect(page.getByText(/已配置商户号 \d+/)).toBeVisible();
  await page.getByRole('button', { name: '测试连接' }).click();
  await expect(page.locator('[data-pay-test]')).toHaveAttribute('data-pay-test', 'ok');

  // Refunds settle at once in this run (the sandbox's refund processing delay is a control setting).
  const token = new SecretBox(studio.dataDir, keyFileSealer(studio.dataDir)).read().sandboxControlToken!;
  const status = (await api(studio, 'companion.status', {})) as { phoneUrl: string };
  const sandboxUrl = status.phoneUrl.replace(/\/phone$/, '');
  const settings = await fetch(`${sandboxUrl}/__sandbox/pay/settings`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', [SANDBOX_CONTROL_HEADER]: token },
    body: JSON.stringify({ refundProcessingSeconds: 0 }),
  });
  expect(settings.ok).toBe(true);

  await page.getByRole('button', { name: '生成收款二维码' }).click();
  const state = page.locator('[data-order-state]');
  await expect(state).toHaveAttribute('data-order-state', 'NOTPAY');
  const codeUrl = await decodeQr(page, '微信支付收款二维码');
  expect(codeUrl).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=/);

  const phone = await context.newPage();
  await phone.goto(status.phoneUrl);
  await phone.getByLabel('微信用户').selectOption({ label: '陈思远' });
  await phone.getByLabel('二维码链接').fill(codeUrl);
  await phone.getByRole('button', { name: '扫一扫' }).click();
  await expect(phone.getByText('¥99.00')).toBeVisible();
  await phone.getByRole('button', { name: '确认支付' }).click();

  await expect(state).toHaveAttribute('data-order-state', 'SUCCESS');
  const orders = page.getByRole('table', { name: '订单列表' });
  await expect(orders.getByRole('row')).toHaveCount(2);
  await expect(orders).toContainText('摄影入门');
  await expect(orders).toContainText('已支付');
  await expect(page.getByRole('table', { name: '按课程统计收入' })).toContainText('¥99.00');

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: '导出 CSV' }).click();
  const csv = fs.readFileSync((await (await download).path())!);
  expect(csv.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  const lines = csv.toString('utf8').slice(1).trim().split(/\r?\n/);
  expect(lines[0]).toMatch(/^out_trade_no,created_at,state,/);
  expect(lines).toHaveLength(2);
  expect(lines[1]).toContain('摄影入门');
  expect(lines[1]).toContain('99.00');

  // A partial refund, then the rest.
  await orders.getByRole('button', { name: /^查看订单 / }).click();
  await expect(page.locator('[data-detail-state]')).toHaveAttribute('data-detail-state', 'SUCCESS');
  await page.getByLabel(/^退款金额/).fill('10');
  await page.getByLabel('退款原因（可选）').fill('部分退款测试');
  await page.getByRole('form', { name: '退款' }).getByRole('button', { name: '退款' }).click();
  await expect(page.getByRole('list', { name: '退款记录' })).toContainText('¥10.00');
  await page.getByLabel(/^退款金额/).fill('');
  await page.getByRole('form', { name: '退款' }).getByRole('button', { name: '退款' }).click();
  await expect(page.getByRole('list', { name: '退款记录' })).toContainText('¥89.00');
  await expect(async () => {
    await page.getByRole('button', { name: '向微信支付查询' }).click();
    await expect(page.locator('[data-detail-state]')).toHaveAttribute('data-detail-state', 'REFUND', { timeout: 1000 });
  }).toPass();
  await expect(page.getByRole('table', { name: '按课程统计收入' })).toContainText('¥0.00');
});

test('a bundle of two courses with a spend-and-save discount is priced the same in the studio and the order', async ({ page, studio }) => {
  studio.companion = true;
  await studio.start();
  await api(studio, 'courses.create', { title: '摄影入门', priceFen: 9900 });
  await api(studio, 'courses.create', { title: '后期修图', priceFen: 5900 });
  await studio.open(page);
  await page.getByRole('link', { name: '订单' }).click();
  await expect(page.getByText(/已配置商户号 \d+/)).toBeVisible();

  const picks = page.getByRole('group', { name: '购买的课程（可多选为套餐）' });
  await picks.getByLabel('摄影入门 · ¥99.00').check();
  await picks.getByLabel('后期修图 · ¥59.00').check();
  await page.getByLabel('优惠', { exact: true }).selectOption('threshold');
  await page.getByLabel('满（元）').fill('150');
  await page.getByLabel('减（元）').fill('20');
  await expect(page.getByText('原价 ¥158.00 · 优惠 ¥20.00 · 实付 ¥138.00')).toBeVisible();
  await page.getByLabel('减（元）').fill('-5');
  await expect(page.getByRole('button', { name: '生成收款二维码' })).toBeDisabled();
  await page.getByLabel('减（元）').fill('20');

  await page.getByRole('button', { name: '生成收款二维码' }).click();
  await expect(page.locator('[data-order-state]')).toHaveAttribute('data-order-state', 'NOTPAY');
  await expect(page.locator('[data-order-state]')).toContainText('¥138.00');
  const orders = page.getByRole('table', { name: '订单列表' });
  await expect(orders).toContainText(/摄影入门、后期修图|后期修图、摄影入门/);
  await expect(orders).toContainText('¥138.00');
});
