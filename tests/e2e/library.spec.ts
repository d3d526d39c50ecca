import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from './support/fixtures';
import { craftZip } from '../helpers/zip-craft';

/** Every file below `dir` (relative paths); empty when it does not exist. */
function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[]).filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

test('search finds Chinese text of any length, highlights it safely and jumps to the lesson', async ({ page, studio, list, editor }) => {
  await studio.open(page);
  await list.newCourse.click();
  await editor.title.fill('手机摄影<b>构图</b>课');
  await editor.addChapter('光线');
  await editor.addLesson('光线', '三分法构图入门');
  await editor.addLesson('光线', '逆光人像');
  await editor.expectSaved();
  await editor.back();

  const box = page.getByRole('search').getByRole('searchbox', { name: '全文搜索' });
  await box.fill('构图');
  await box.press('Enter');
  const results = page.locator('.search-result');
  await expect(page.locator('[data-search-status="done"]')).toContainText('「构图」的搜索结果');
  await expect(results).toHaveCount(1);
  // The stored "<b>" is text, not markup; the match is a <mark>.
  await expect(results.locator('b')).toHaveCount(0);
  await expect(results.locator('mark').first()).toHaveText('构图');
  await expect(results.getByRole('button', { name: /^课程标题/ })).toContainText('手机摄影<b>构图</b>课');

  // A 1-character query (no trigram) on the results page itself, then a lesson hit opens the course at that lesson.
  const pageBox = page.getByRole('main').getByRole('searchbox', { name: '全文搜索' });
  await pageBox.fill('逆');
  await expect(results.locator('mark')).toHaveText(['逆']);
  await results.getByRole('button', { name: '课时 逆光人像' }).click();
  await expect(editor.title).toHaveValue('手机摄影<b>构图</b>课');
  await expect(editor.lessonTitle(1, 2)).toBeFocused();

  await page.getByRole('search').getByRole('searchbox', { name: '全文搜索' }).fill('量子纠缠');
  await page.getByRole('search').getByRole('searchbox', { name: '全文搜索' }).press('Enter');
  await expect(page.locator('[data-search-status="done"]')).toContainText('没有找到包含「量子纠缠」');
});

test('history: save a version, compare, restore, and undo the restore', async ({ page, studio, list, editor }) => {
  await studio.open(page);
  await list.newCourse.click();
  await editor.title.fill('写作课');
  await editor.addChapter('第一周');
  await editor.expectSaved();
  await page.getByRole('button', { name: '历史版本' }).click();
  const panel = page.getByRole('dialog', { name: '历史版本' });
  await panel.getByLabel('版本名称').fill('初稿');
  await panel.getByRole('button', { name: '保存当前版本' }).click();
  const draft = panel.locator('li.history-item', { hasText: '初稿' });
  await expect(draft).toBeVisible();
  await page.getByRole('button', { name: '关闭历史版本' }).click();

  await editor.title.fill('21 天写作课');
  await editor.chapterTitle(1).fill('第一周：开始');
  await editor.expectSaved();
  await page.getByRole('button', { name: '历史版本' }).click();
  await draft.getByRole('button', { name: '与当前内容对比' }).click();
  const diff = draft.getByTestId('version-diff');
  await expect(diff.locator('ins').first()).toHaveText('21 天');
  await expect(diff).toContainText('改名章');
  await draft.getByRole('button', { name: '恢复此版本' }).click();
  await expect(editor.title).toHaveValue('写作课');
  await expect(editor.chapterTitle(1)).toHaveValue('第一周');

  // The restore is one click from undone.
  await page.getByRole('button', { name: '撤销恢复' }).click();
  await expect(editor.title).toHaveValue('21 天写作课');
  await expect(editor.chapterTitle(1)).toHaveValue('第一周：开始');
});

test('export a course package and import it back; a hostile package is refused with a message', async ({ page, studio, list, editor }) => {
  await studio.open(page);
  await list.newCourse.click();
  await editor.title.fill('可导出的课');
  await editor.addChapter('唯一一章');
  await editor.addLesson('唯一一章', '唯一课时');
  await editor.expectSaved();
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: '导出课程包' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('可导出的课.course.zip');
  const file = await download.path();
  await editor.back();

  await page.getByText('导入课程包').click();
  await page.locator('.import-package input[type=file]').setInputFiles(file);
  await expect(editor.title).toHaveValue('可导出的课');
  await expect.poll(() => editor.outline()).toEqual(['唯一一章/唯一课时']);
  await editor.back();
  await expect(list.rows).toHaveCount(2);

  const slip = craftZip([
    { name: 'manifest.json', data: Buffer.from('{}') },
    { name: '../../evil.txt', data: Buffer.from('x') },
  ]);
  const bad = `${studio.dataDir}-evil.zip`;
  fs.writeFileSync(bad, slip);
  await page.locator('.import-package input[type=file]').setInputFiles(bad);
  await expect(page.getByRole('alert')).toContainText('课程包无法导入：包内含有不安全的文件路径');
  await expect(list.rows).toHaveCount(2);

  // The exported package cut short, as an interrupted copy leaves it.
  const whole = fs.readFileSync(file);
  fs.writeFileSync(bad, whole.subarray(0, whole.length - 30));
  await page.locator('.import-package input[type=file]').setInputFiles(bad);
  await expect(page.getByRole('alert')).toContainText('课程包无法导入：文件不完整（复制或下载可能被中断）');
  await expect(list.rows).toHaveCount(2);

  // A 12 MB upload over a link that stalls after the first 4 MB chunk: the bar shows it, cancel leaves nothing.
  const held: (() => void)[] = [];
  let chunkCalls = 0;
  let holding = true;
  await page.route('**/api/call-binary', async (route) => {
    if (++chunkCalls > 1 && holding) await new Promise<void>((release) => held.push(release));
    await route.continue();
  });
  fs.writeFileSync(bad, Buffer.concat([whole, Buffer.alloc(12 * 1024 * 1024 - whole.length, 7)]));
  await page.locator('.import-package input[type=file]').setInputFiles(bad);
  const bar = page.getByRole('progressbar', { name: '课程包进度' });
  await expect(bar).toHaveAttribute('aria-valuenow', '33');
  await expect(page.locator('.import-package')).toContainText('正在上传 33%');
  expect(listFiles(path.join(studio.dataDir, 'tmp'))).toHaveLength(1);
  await page.locator('.import-package').getByRole('button', { name: '取消' }).click();
  holding = false;
  for (const release of held) release();
  await expect(page.getByText('已取消导入，没有写入任何内容')).toBeVisible();
  await expect(bar).toHaveCount(0);
  await expect.poll(() => listFiles(path.join(studio.dataDir, 'tmp'))).toEqual([]);
  await expect(list.rows).toHaveCount(2);
  await page.unroute('**/api/call-binary');
  fs.rmSync(bad, { force: true });
});
