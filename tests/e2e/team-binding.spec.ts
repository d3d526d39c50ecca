import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures';

/** Reads the QR code the Team page shows, as a phone camera would. */
async function decodeQr(page: Page): Promise<string> {
  const src = await page.getByRole('img', { name: '绑定微信的二维码' }).getAttribute('src');
  const png = PNG.sync.read(Buffer.from(src!.replace(/^data:image\/png;base64,/, ''), 'base64'));
  const code = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  if (!code) throw new Error('the QR code on the Team page could not be decoded');
  return code.data;
}

async function startInvite(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: '邀请成员绑定微信' }).click();
  await page.getByLabel('成员名称').fill(name);
  await page.getByRole('form', { name: '邀请成员绑定微信' }).getByLabel('角色').selectOption('editor');
  await page.getByRole('button', { name: '生成绑定二维码' }).click();
}

test.describe('binding team members by QR code (embedded companion and WeChat sandbox)', () => {
  test.beforeEach(({ studio }) => {
    studio.companion = true;
  });

  test('a teammate scans with the sandbox phone and is bound with nickname and avatar', async ({ page, context, studio }) => {
    await studio.open(page);
    await expect(page.getByRole('note')).toHaveText('沙箱模式 · 未连接真实微信');
    await page.getByRole('link', { name: '团队' }).click();
    const members = page.getByRole('table', { name: '团队成员' });
    await expect(members.getByRole('row')).toHaveCount(2);
    await expect(members).toContainText('所有者');

    await startInvite(page, '小林');
    const status = page.locator('[data-binding-status]');
    await expect(status).toHaveAttribute('data-binding-status', 'waiting');
    const qrUrl = await decodeQr(page);
    await expect(page.getByText(qrUrl)).toBeVisible();

    const phoneUrl = await page.getByRole('link', { name: '沙箱：在模拟手机中扫码' }).getAttribute('href');
    const phone = await context.newPage();
    await phone.goto(phoneUrl!);
    await phone.getByLabel('微信用户').selectOption({ label: '林小满' });
    await phone.getByLabel('二维码链接').fill(qrUrl);
    await phone.getByRole('button', { name: '扫一扫' }).click();
    await expect(status).toHaveAttribute('data-binding-status', 'scanned');
    await phone.getByRole('button', { name: '允许' }).click();

    await expect(status).toHaveAttribute('data-binding-status', 'bound');
    await expect(status).toHaveText('绑定成功');
    const row = members.getByRole('row').filter({ hasText: '小林' });
    await expect(row).toContainText('林小满');
    await expect(row.getByLabel('林小满 的角色')).toHaveValue('editor');
    await expect(row.locator('img.avatar')).toHaveJSProperty('complete', true);
    expect(await row.locator('img.avatar').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);

    // The same QR cannot be used twice: the state was single-use.
    await phone.getByLabel('二维码链接').fill(qrUrl);
    await phone.getByRole('button', { name: '扫一扫' }).click();
    await expect(phone.locator('#result-text')).toContainText('这个绑定链接已经使用过，不能再次使用');
    await expect(members.getByRole('row')).toHaveCount(3);
  });

  test('with official-account web authorization, a teammate who declines on the phone is not bound', async ({ page, context, studio }) => {
    await studio.open(page);
    await page.getByRole('link', { name: '团队' }).click();
    await expect(page.getByRole('table', { name: '团队成员' }).getByRole('row')).toHaveCount(2);
    await page.getByLabel('绑定方式').selectOption('oauth');
    await page.reload();
    await expect(page.getByLabel('绑定方式')).toHaveValue('oauth');

    await startInvite(page, '小周');
    await expect(page.getByText('（公众号网页授权）')).toBeVisible();
    const qrUrl = await decodeQr(page);
    const phoneUrl = await page.getByRole('link', { name: '沙箱：在模拟手机中扫码' }).getAttribute('href');
    const phone = await context.newPage();
    await phone.goto(phoneUrl!);
    await phone.getByLabel('微信用户').selectOption({ label: '周一鸣' });
    await phone.getByLabel('二维码链接').fill(qrUrl);
    await phone.getByRole('button', { name: '扫一扫' }).click();
    await expect(phone.locator('#consent-scope')).not.toBeEmpty();
    await phone.getByRole('button', { name: '拒绝' }).click();

    const status = page.locator('[data-binding-status]');
    await expect(status).toHaveAttribute('data-binding-status', 'denied');
    await expect(page.getByRole('table', { name: '团队成员' })).not.toContainText('周一鸣');
  });
});
