import fs from 'node:fs';
import path from 'node:path';
import type { Locator } from '@playwright/test';
import { pngBytes } from '../helpers/images';
import { expect, test } from './support/fixtures';

test('bad inputs show their message beside the field and nothing is saved', async ({ page, studio, list, editor }) => {
  await studio.open(page);
  await list.newCourse.click();
  await editor.title.fill('有效标题');
  await editor.price.fill('9.9');
  await editor.addChapter('第一章');
  await editor.expectSaved();

  const invalid = page.getByRole('status').filter({ hasText: '未保存：请先修正标出的问题' });
  const cases: [Locator, string, string][] = [
    [editor.title, '', '请填写课程标题'],
    [editor.title, '    ', '请填写课程标题'],
    [editor.title, '长'.repeat(65), '标题最多 64 个字（微信图文标题上限）'],
    [editor.price, '-1', '价格不能是负数'],
    [editor.price, '9.999', '价格最多精确到分（小数点后两位）'],
    [editor.price, 'abc', '价格只能是数字，例如 99 或 19.90'],
    [editor.chapterTitle(1), ' ', '标题不能为空'],
  ];
  for (const [field, value, message] of cases) {
    await field.fill(value);
    await expect(field).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByRole('alert').filter({ hasText: message })).toBeVisible();
    await expect(invalid).toBeVisible();
    // Ctrl+S does not save an invalid draft either.
    await page.keyboard.press('Control+s');
    await expect(invalid).toBeVisible();
  }
  // A valid summary typed while other fields are invalid is not saved half-way either.
  await editor.summary.fill('这段简介不应被保存');

  const cover = page.getByLabel('选择封面图片');
  await cover.setInputFiles({ name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('这不是图片，只是文字') });
  await expect(page.getByRole('alert').filter({ hasText: '这不是图片文件' })).toBeVisible();
  await cover.setInputFiles({ name: 'huge.png', mimeType: 'image/png', buffer: pngBytes(8, 8, { totalBytes: 10 * 1024 * 1024 + 1 }) });
  await expect(page.getByRole('alert').filter({ hasText: '图片超过 10 MB' })).toBeVisible();
  expect(fs.existsSync(path.join(studio.dataDir, 'media')) ? fs.readdirSync(path.join(studio.dataDir, 'media')) : []).toEqual([]);

  await page.reload();
  await expect(editor.title).toHaveValue('有效标题');
  await expect(editor.price).toHaveValue('9.90');
  await expect(editor.summary).toHaveValue('');
  await expect(editor.chapterTitle(1)).toHaveValue('第一章');
  await expect(page.getByRole('img', { name: '课程封面预览' })).toHaveCount(0);
});

test('a real image becomes the cover, stored once in the workspace', async ({ page, studio, list, editor }) => {
  await studio.open(page);
  await list.newCourse.click();
  await editor.title.fill('有封面的课');
  await page.getByLabel('选择封面图片').setInputFiles({ name: '封面.png', mimeType: 'image/png', buffer: pngBytes(90, 50, { shade: 0x30 }) });
  const preview = page.getByRole('img', { name: '课程封面预览' });
  await expect(preview).toBeVisible();
  await expect.poll(() => preview.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(90);
  await editor.expectSaved();

  await editor.back();
  await expect(list.rows.first().locator('img')).toBeVisible();
  const stored = fs.readdirSync(path.join(studio.dataDir, 'media'), { recursive: true }).map(String).filter((f) => f.endsWith('.png'));
  expect(stored).toHaveLength(1);
  expect(stored[0]).toMatch(/^[0-9a-f]{2}[/\\][0-9a-f]{64}\.png$/);
});
