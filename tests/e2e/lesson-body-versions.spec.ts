/**
 * Lesson body history in a real Chromium: save a named version, compare it with the edited body (a character diff of
 * the text), restore it into the editor, and undo the restore from the toast.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures';

const bodyBox = (page: Page) => page.getByRole('textbox', { name: '课时正文' });
const expectSaved = (page: Page) => expect(page.locator('[data-save-state]')).toHaveAttribute('data-save-state', 'saved');

test('lesson body history: save a version, compare, restore, and undo the restore', async ({ page, studio, list, editor }) => {
  await studio.open(page);
  await list.newCourse.click();
  await editor.title.fill('写作课');
  await editor.addChapter('第一周');
  await editor.addLesson('第一周', '开篇');
  await page.getByRole('button', { name: '编辑「开篇」的正文' }).click();
  await bodyBox(page).click();
  await page.keyboard.type('知识付费的核心是信任。');
  await expectSaved(page);

  await page.getByRole('button', { name: '历史版本' }).click();
  const panel = page.getByRole('dialog', { name: '正文历史版本' });
  await expect(panel.locator('li.history-item', { hasText: '首次保存' })).toBeVisible();
  await panel.getByLabel('版本名称').fill('初稿');
  await panel.getByRole('button', { name: '保存当前版本' }).click();
  const draft = panel.locator('li.history-item', { hasText: '初稿' });
  await expect(draft).toBeVisible();
  await page.getByRole('button', { name: '关闭历史版本' }).click();

  await bodyBox(page).click();
  await page.keyboard.press('Control+a');
  await page.keyboard.type('知识付费的关键是信任。');
  await expectSaved(page);

  await page.getByRole('button', { name: '历史版本' }).click();
  await draft.getByRole('button', { name: '与当前正文比较' }).click();
  const diff = draft.getByTestId('body-version-diff');
  await expect(diff.locator('del')).toHaveText('核心');
  await expect(diff.locator('ins')).toHaveText('关键');

  await draft.getByRole('button', { name: '恢复此版本' }).click();
  await expect(bodyBox(page)).toHaveText('知识付费的核心是信任。');

  // The restore is one click from undone.
  await page.getByRole('button', { name: '撤销恢复' }).click();
  await expect(bodyBox(page)).toHaveText('知识付费的关键是信任。');
  await expectSaved(page);
  // Versions 1 首次保存, 2 初稿, 3–4 around the restore of 2, 5–6 around its undo (the restore of 3).
  await page.getByRole('button', { name: '历史版本' }).click();
  await expect(panel.locator('li.history-item').first()).toContainText('版本 6');
  await expect(panel.locator('li.history-item').first()).toContainText('恢复自版本 3');
});
