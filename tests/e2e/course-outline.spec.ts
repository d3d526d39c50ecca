import { expect, test } from './support/fixtures';

test('a course with two chapters and three lessons survives killing the host', async ({ page, studio, list, editor }) => {
  await studio.open(page);
  await expect(page.getByRole('heading', { name: '还没有课程' })).toBeVisible();

  await list.newCourse.click();
  await editor.title.fill('21 天写作训练营');
  await page.getByRole('radio', { name: '训练营' }).check();
  await editor.price.fill('199.9');
  await editor.summary.fill('每天一篇，三周养成写作习惯。');

  await editor.addChapter('第一周：开始写');
  await editor.addLesson('第一周：开始写', '找到你的主题');
  await editor.addLesson('第一周：开始写', '每天三百字');
  await editor.addChapter('第二周：写得更好');
  await editor.addLesson('第二周：写得更好', '标题的力量');
  await expect.poll(() => editor.outline()).toEqual([
    '第一周：开始写/找到你的主题',
    '第一周：开始写/每天三百字',
    '第二周：写得更好/标题的力量',
  ]);

  // Reorder by drag: "标题的力量" goes before "每天三百字" in the first chapter.
  await editor.lessonHandle('标题的力量').dragTo(editor.lessonTitle(1, 2), { targetPosition: { x: 20, y: 2 } });
  await expect.poll(() => editor.outline()).toEqual([
    '第一周：开始写/找到你的主题',
    '第一周：开始写/标题的力量',
    '第一周：开始写/每天三百字',
    '第二周：写得更好/',
  ]);

  // Reorder by keyboard: the last lesson of chapter 1 moves down into chapter 2 and keeps focus.
  await editor.lessonHandle('每天三百字').focus();
  await page.keyboard.press('ArrowDown');
  await expect(editor.lessonHandle('每天三百字')).toBeFocused();
  await expect(page.getByText('「每天三百字」已移到第 2 章第 1 位')).toBeAttached();

  // Rename a chapter.
  await editor.chapterTitle(2).fill('第二周：打磨');
  await editor.expectSaved();
  const expected = ['第一周：开始写/找到你的主题', '第一周：开始写/标题的力量', '第二周：打磨/每天三百字'];
  await expect.poll(() => editor.outline()).toEqual(expected);

  await studio.kill();
  await studio.start();
  await studio.open(page);

  await expect(list.rows).toHaveCount(1);
  await expect(list.rows.first()).toContainText('21 天写作训练营');
  await expect(list.rows.first()).toContainText('2 章 · 3 课时');
  await expect(list.rows.first()).toContainText('¥199.90');
  await expect(list.rows.first()).toContainText('训练营');
  await list.open('21 天写作训练营');
  await expect(editor.title).toHaveValue('21 天写作训练营');
  await expect(editor.price).toHaveValue('199.90');
  await expect(editor.summary).toHaveValue('每天一篇，三周养成写作习惯。');
  await expect(page.getByRole('radio', { name: '训练营' })).toBeChecked();
  await expect.poll(() => editor.outline()).toEqual(expected);
});

test('deleting a lesson can be undone from the toast and with Ctrl+Z', async ({ page, studio, list, editor }) => {
  await studio.open(page);
  await list.newCourse.click();
  await editor.title.fill('撤销测试');
  await editor.addChapter('唯一一章');
  await editor.addLesson('唯一一章', '第一课');
  await editor.addLesson('唯一一章', '第二课');

  await page.getByRole('button', { name: '删除课时「第一课」' }).click();
  await expect.poll(() => editor.outline()).toEqual(['唯一一章/第二课']);
  await page.getByRole('status').filter({ hasText: '已删除课时「第一课」' }).getByRole('button', { name: '撤销' }).click();
  await expect.poll(() => editor.outline()).toEqual(['唯一一章/第一课', '唯一一章/第二课']);

  await page.getByRole('button', { name: '删除章节「唯一一章」' }).click();
  await expect.poll(() => editor.outline()).toEqual([]);
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+z');
  await expect.poll(() => editor.outline()).toEqual(['唯一一章/第一课', '唯一一章/第二课']);
  await editor.expectSaved();

  await page.reload();
  await expect.poll(() => editor.outline()).toEqual(['唯一一章/第一课', '唯一一章/第二课']);
});
