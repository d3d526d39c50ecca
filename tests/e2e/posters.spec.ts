/**
 * The poster designer end to end in a real Chromium: a poster from a template, text edited in place with a Chinese IME
 * composition (through the DevTools protocol, the browser's own composition path), a drag committed once and undone
 * once, keyboard nudging, the compliance stop for a reward-for-sharing text, a PNG export found as a download whose
 * QR decodes to the poster's tracking link, and a batch from a CSV written to a folder.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import type { Locator, Page } from '@playwright/test';
import { findTemplate, trackingLink } from '../../shared/poster/index';
import { expect, test } from './support/fixtures';

const TEMPLATE = findTemplate('invite-warm-1080x1920')!.document;
const ZOOM = 0.4;

class PosterEditorPage {
  constructor(readonly page: Page) {}
  get stage(): Locator {
    return this.page.getByTestId('poster-stage').locator('canvas').first();
  }
  get saveState(): Locator {
    return this.page.locator('.poster-editor [data-save-state]');
  }
  async expectSaved(): Promise<void> {
    await expect(this.saveState).toHaveAttribute('data-save-state', 'saved');
  }
  /** Page coordinates of a point of the poster (poster pixels), at the editor's starting zoom. */
  async at(x: number, y: number): Promise<{ x: number; y: number }> {
    const box = (await this.stage.boundingBox())!;
    return { x: box.x + x * ZOOM, y: box.y + y * ZOOM };
  }
  element(id: string) {
    const el = TEMPLATE.elements.find((e) => e.id === id)!;
    return { ...el, cx: el.x + el.width / 2, cy: el.y + el.height / 2 };
  }
  field(name: string): Locator {
    return this.page.getByRole('region', { name: '属性' }).getByLabel(name, { exact: true });
  }
}

async function openFromTemplate(page: Page, studio: { open(page: Page): Promise<void> }): Promise<{ editor: PosterEditorPage; posterId: string }> {
  await studio.open(page);
  await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '海报' }).click();
  await page.getByRole('button', { name: '用模板「邀请 · 暖色」新建海报' }).click();
  await expect(page.getByTestId('poster-editor')).toBeVisible();
  const editor = new PosterEditorPage(page);
  await editor.expectSaved();
  const posterId = /#\/posters\/(.+)$/.exec(page.url())![1]!;
  return { editor, posterId };
}

test('edits a template with Chinese text, drags and nudges with one undo step each, and exports a PNG that scans', async ({ page, studio }) => {
  const { editor, posterId } = await openFromTemplate(page, studio);

  // Double-click the inviter line: the overlay editor opens on it.
  const who = editor.element('who');
  const p = await editor.at(who.cx, who.cy);
  await page.mouse.dblclick(p.x, p.y);
  const overlay = page.getByRole('textbox', { name: '编辑文字' });
  await expect(overlay).toBeFocused();
  await expect(overlay).toHaveValue('{{nickname}} 邀请你一起学习');
  await page.keyboard.press('End');
  const cdp = await page.context().newCDPSession(page);
  for (const step of ['x', 'xi', 'xie', "xie'zuo"]) await cdp.send('Input.imeSetComposition', { text: step, selectionStart: step.length, selectionEnd: step.length });
  await expect(overlay).toHaveValue("{{nickname}} 邀请你一起学习xie'zuo");
  // The open candidate is in the overlay only: the document has not changed, so nothing is waiting to be saved.
  await expect(editor.saveState).toHaveAttribute('data-save-state', 'saved');
  await cdp.send('Input.insertText', { text: '写作' });
  await expect(overlay).toHaveValue('{{nickname}} 邀请你一起学习写作');
  await page.keyboard.press('Control+Enter');
  await expect(overlay).toBeHidden();
  await editor.expectSaved();
  await expect(editor.field('文字')).toHaveValue('{{nickname}} 邀请你一起学习写作');

  // Drag the QR code 100 poster pixels right: one drop, one undo step.
  const qr = editor.element('qr');
  const from = await editor.at(qr.cx, qr.cy);
  await page.mouse.click(from.x, from.y);
  await expect(editor.field('X')).toHaveValue(String(qr.x));
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  for (let i = 1; i <= 10; i++) await page.mouse.move(from.x + (i * 100 * ZOOM) / 10, from.y + 0.3);
  await page.mouse.up();
  // Snapping may pull the code onto a guide; what matters is that it moved and that one undo brings it back.
  await expect.poll(async () => Number(await editor.field('X').inputValue())).toBeGreaterThan(qr.x + 50);
  await page.keyboard.press('Control+z');
  await expect(editor.field('X')).toHaveValue(String(qr.x));
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Shift+ArrowDown');
  await expect(editor.field('X')).toHaveValue(String(qr.x + 3));
  await expect(editor.field('Y')).toHaveValue(String(qr.y + 10));
  await editor.expectSaved();

  // Reloading shows the saved poster: the Chinese text survived.
  await page.reload();
  await expect(page.getByTestId('poster-editor')).toBeVisible();
  await page.getByRole('region', { name: '图层' }).getByRole('button', { name: '邀请人', exact: true }).click();
  await expect(editor.field('文字')).toHaveValue('{{nickname}} 邀请你一起学习写作');

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: '导出图片' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('邀请 · 暖色-1080x1920.png');
  const png = PNG.sync.read(fs.readFileSync((await file.path())!));
  expect([png.width, png.height]).toEqual([1080, 1920]);
  const code = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  expect(code?.data).toBe(trackingLink('', posterId, 'XM2026'));
  await expect(page.getByText('已导出 邀请 · 暖色-1080x1920.png')).toBeVisible();
});

test('a reward-for-sharing text is flagged 诱导分享 and stops the export until acknowledged', async ({ page, studio }) => {
  const { editor } = await openFromTemplate(page, studio);
  await page.getByRole('region', { name: '图层' }).getByRole('button', { name: '扫码提示', exact: true }).click();
  const text = editor.field('文字');
  await text.fill('转发海报到朋友圈集赞10个，即可免费领取课程');
  await text.blur();
  const checks = page.getByRole('region', { name: '合规与二维码检查' });
  await expect(checks.locator('[data-category="induce_share"]')).toContainText('诱导分享');
  await page.getByRole('button', { name: '导出图片' }).click();
  await expect(page.getByRole('region', { name: '导出' }).getByRole('alert')).toContainText('未通过合规检查');
  await page.getByRole('region', { name: '导出' }).getByLabel('我已确认「必须修改」的问题，仍要导出').check();
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: '导出图片' }).click();
  expect((await download).suggestedFilename()).toMatch(/\.png$/);
});

test('a batch from a CSV writes one poster per person into the chosen folder', async ({ page, studio }) => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'poster-batch-e2e-'));
  try {
    await openFromTemplate(page, studio);
    const batch = page.getByRole('region', { name: '批量生成' });
    await batch.getByLabel('选择 CSV 文件').setInputFiles({ name: '名单.csv', mimeType: 'text/csv', buffer: Buffer.from('\uFEFF昵称,邀请码\r\n小明,XM01\r\n"李,雷",LL02\r\n', 'utf8') });
    const folder = batch.getByLabel(/输出文件夹/);
    await folder.fill(out);
    await folder.blur();
    await batch.getByRole('button', { name: '开始生成' }).click();
    await expect(batch.getByRole('status')).toHaveText('完成：已生成 2 张，失败 0 张');
    expect(fs.readdirSync(out).sort()).toEqual(['小明-1.png', '李,雷-2.png']);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

test('an image from disk is added, cropped to its left half, and exported with the crop', async ({ page, studio }) => {
  const { editor } = await openFromTemplate(page, studio);
  // 200 × 100: blue on the left half, red on the right.
  const png = new PNG({ width: 200, height: 100 });
  for (let i = 0; i < 200 * 100; i++) {
    const left = i % 200 < 100;
    png.data.set([left ? 20 : 230, 40, left ? 230 : 20, 255], i * 4);
  }
  await page.getByLabel('从电脑选择图片').setInputFiles({ name: '双色.png', mimeType: 'image/png', buffer: PNG.sync.write(png) });
  await expect(page.getByRole('region', { name: '图层' }).getByRole('button', { name: '双色', exact: true })).toBeVisible();
  // Added centred at half the poster's width, in the picture's 2:1 proportions.
  await expect(editor.field('宽')).toHaveValue('540');
  await expect(editor.field('高')).toHaveValue('270');
  await editor.field('裁剪宽 %').fill('50');
  await editor.field('裁剪宽 %').press('Enter');
  await editor.expectSaved();

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: '导出图片' }).click();
  const out = PNG.sync.read(fs.readFileSync((await (await download).path())!));
  // Both ends of the image box show the left (blue) half only.
  for (const x of [280, 800]) {
    const i = (960 * out.width + x) * 4;
    expect([out.data[i], out.data[i + 2]]).toEqual([20, 230]);
  }
});

test('resizes with the transformer in one step, groups from the layers panel, and a locked element stays put', async ({ page, studio }) => {
  const { editor } = await openFromTemplate(page, studio);
  const layers = page.getByRole('region', { name: '图层' });

  // Resize the QR code from its bottom-right handle: the box grows on both axes (it stays square), one undo step.
  const qr = editor.element('qr');
  const centre = await editor.at(qr.cx, qr.cy);
  await page.mouse.click(centre.x, centre.y);
  const corner = await editor.at(qr.x + qr.width, qr.y + qr.height);
  await page.mouse.move(corner.x, corner.y);
  await page.mouse.down();
  for (let i = 1; i <= 8; i++) await page.mouse.move(corner.x + i * 5, corner.y + i * 5);
  await page.mouse.up();
  await expect.poll(async () => Number(await editor.field('宽').inputValue())).toBeGreaterThan(qr.width + 50);
  expect(await editor.field('高').inputValue()).toBe(await editor.field('宽').inputValue());
  await page.getByRole('button', { name: '撤销' }).click();
  await expect(editor.field('宽')).toHaveValue(String(qr.width));

  // Group the hint and the invite code from the layers panel; a click on one on the canvas selects both.
  await layers.getByRole('button', { name: '扫码提示', exact: true }).click();
  await layers.getByRole('button', { name: '邀请码', exact: true }).click({ modifiers: ['Shift'] });
  await expect(page.getByText('已选中 2 个元素')).toBeVisible();
  await page.getByRole('button', { name: '组合', exact: true }).click();
  const hint = editor.element('hint');
  const background = await editor.at(100, 500);
  await page.mouse.click(background.x, background.y);
  await expect(page.getByText('已选中 2 个元素')).toBeHidden();
  const h = await editor.at(hint.cx, hint.cy);
  await page.mouse.click(h.x, h.y);
  await expect(page.getByText('已选中 2 个元素')).toBeVisible();

  // Lock the course title: a click on it no longer selects it, and dragging over it moves nothing.
  const title = editor.element('title');
  await layers.getByRole('button', { name: '锁定「课程标题」' }).click();
  await page.mouse.click(background.x, background.y);
  const t = await editor.at(title.cx, title.cy);
  await page.mouse.move(t.x, t.y);
  await page.mouse.down();
  await page.mouse.move(t.x + 40, t.y + 40, { steps: 5 });
  await page.mouse.up();
  await layers.getByRole('button', { name: '课程标题', exact: true }).click();
  await expect(editor.field('X')).toHaveValue(String(title.x));
  await expect(editor.field('Y')).toHaveValue(String(title.y));
  await editor.expectSaved();
});
