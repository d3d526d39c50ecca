import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './support/fixtures';

/** The highlight of a finding in a field: marks sit in a backdrop under the input, so the pointer goes by position. */
async function hover(page: Page, mark: Locator): Promise<void> {
  const box = await mark.boundingBox();
  if (!box) throw new Error('the mark is not on screen');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
}

test('findings as you type, the hint card, the report, an acknowledgement, a refused submission and the exports', async ({ page, studio, list, editor }) => {
  await studio.open(page);
  await list.newCourse.click();

  // An absolute claim and an inducement to share, typed into the title.
  await editor.title.fill('全网最好的小红书运营课，转发朋友圈领取资料包');
  const title = page.locator('[data-cx-field$=":title"][data-cx-field^="course:"]');
  const absolute = title.locator('mark[data-category="ad_absolute"]');
  const share = title.locator('mark[data-category="induce_share"]');
  await expect(absolute).toHaveAttribute('data-severity', 'must_fix');
  await expect(share).toHaveAttribute('data-severity', 'must_fix');
  await expect(absolute).toContainText('最好');
  await expect(page.getByText('合规检查：0 处禁止发布，2 处必须修改，0 处提示')).toBeVisible();

  // The hover card: why, the basis, the suggestion.
  await hover(page, absolute);
  const card = page.getByRole('group', { name: '合规提示：广告绝对化用语' });
  await expect(card).toBeVisible();
  await expect(card).toContainText('绝对化');
  await expect(card).toContainText('《广告法》第九条第三项');
  await expect(card.getByRole('button', { name: '应用建议' })).toBeVisible();

  // Applying it rewrites the span through the editor's undo history.
  await card.getByRole('button', { name: '应用建议' }).click();
  await expect(editor.title).not.toHaveValue(/全网最好/);
  await expect(editor.title).toHaveValue(/^口碑很好.*小红书运营课，转发朋友圈领取资料包$/);
  await expect(absolute).toHaveCount(0);
  await page.getByRole('button', { name: '撤销', exact: true }).click();
  await expect(editor.title).toHaveValue('全网最好的小红书运营课，转发朋友圈领取资料包');
  await page.getByRole('button', { name: '重做', exact: true }).click();
  await expect(editor.title).toHaveValue(/^口碑很好/);

  // The keyboard reaches the same card: the caret inside a highlight opens it, Tab reaches its buttons.
  const shareText = (await share.textContent())!;
  const titleValue = await editor.title.inputValue();
  const at = titleValue.indexOf(shareText) + 1;
  await editor.title.focus();
  await editor.title.evaluate((el: HTMLInputElement, pos) => el.setSelectionRange(pos, pos), at);
  await page.keyboard.press('ArrowRight');
  const shareCard = page.getByRole('group', { name: '合规提示：诱导分享' });
  await expect(shareCard).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(shareCard.getByRole('button', { name: '关闭' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(shareCard).toBeHidden();
  await expect(editor.title).toBeFocused();

  // Something that blocks publishing, in a lesson title.
  await editor.addChapter('第一章');
  await editor.addLesson('第一章', '私下出售冰毒的渠道');
  const lesson = page.locator('[data-cx-field^="lesson:"]');
  await expect(lesson.locator('mark[data-severity="block"]')).toHaveAttribute('data-category', 'drugs');
  await editor.expectSaved();

  // The gate in the header knows, from the host.
  const gate = page.locator('[data-gate]');
  await expect(gate).toHaveAttribute('data-gate', 'blocked');
  await expect(gate).toContainText('1 处禁止发布');

  // The report: grouped by severity and category, with WeChat's second opinion (no companion here: local only).
  await page.getByRole('button', { name: '合规报告', exact: true }).click();
  const report = page.getByRole('complementary', { name: '合规报告' });
  await expect(report).toBeVisible();
  await expect(report.getByText('仅本地检查')).toBeVisible();
  const blockGroup = report.getByRole('region', { name: '禁止发布 · 毒品' });
  const shareGroup = report.getByRole('region', { name: '必须修改 · 诱导分享' });
  await expect(blockGroup).toContainText('冰毒');
  await expect(shareGroup).toContainText('转发朋友圈');
  await expect(blockGroup).toContainText('这段文字必须修改后才能提交发布');
  await expect(blockGroup.getByRole('button', { name: '确认并说明理由' })).toHaveCount(0);

  // Acknowledge the must-fix finding: a reason is required.
  await shareGroup.getByRole('button', { name: '确认并说明理由' }).click();
  await shareGroup.getByRole('button', { name: '确认', exact: true }).click();
  await expect(shareGroup.getByRole('alert')).toHaveText('请填写确认理由');
  await shareGroup.getByLabel('确认理由').fill('活动规则已报备平台，资料包对所有人免费开放');
  await shareGroup.getByRole('button', { name: '确认', exact: true }).click();
  await expect(shareGroup).toContainText('确认：活动规则已报备平台，资料包对所有人免费开放');
  await expect(report.getByRole('region', { name: '确认记录' })).toContainText('活动规则已报备平台');
  await expect(title.locator('mark[data-category="induce_share"]')).toHaveAttribute('data-acknowledged', 'true');

  // Jump to where the blocking finding is: its field gets focus and the span is selected — even from behind the
  // preview tab, which hides the outline.
  await page.getByRole('tab', { name: '微信预览' }).click();
  await expect(editor.lessonTitle(1, 1)).toBeHidden();
  await blockGroup.getByRole('button', { name: /^定位到第 1 章第 1 课时/ }).click();
  const lessonInput = editor.lessonTitle(1, 1);
  await expect(lessonInput).toBeFocused();
  expect(await lessonInput.evaluate((el: HTMLInputElement) => el.value.slice(el.selectionStart!, el.selectionEnd!))).toContain('冰毒');

  // 提交发布 is refused by the host, with what blocks.
  await page.getByRole('button', { name: '提交发布', exact: true }).click();
  const refusal = page.getByRole('alert').filter({ hasText: '不能提交发布' });
  await expect(refusal).toContainText('禁止发布');
  await expect(refusal).toContainText('毒品');
  await expect(refusal).toContainText('第 1 章第 1 课时「私下出售冰毒的渠道」标题');
  await expect(gate).toHaveAttribute('data-publish', 'draft');

  // The HTML report, saved where the creator chooses (here: Playwright's download), self-contained and escaped.
  const htmlDownload = page.waitForEvent('download');
  await report.getByRole('button', { name: '导出 HTML' }).click();
  const html = await htmlDownload;
  expect(html.suggestedFilename()).toMatch(/^合规报告-口碑很好.*\.html$/);
  const htmlFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cx-report-')), html.suggestedFilename());
  await html.saveAs(htmlFile);
  const text = fs.readFileSync(htmlFile, 'utf8');
  expect(text).toContain('<h1>合规检查报告</h1>');
  expect(text).toContain('活动规则已报备平台，资料包对所有人免费开放');
  expect(text).toContain('冰毒');
  expect(text).toContain('不能发布');

  const pdfDownload = page.waitForEvent('download');
  await report.getByRole('button', { name: '导出 PDF' }).click();
  const pdf = await pdfDownload;
  expect(pdf.suggestedFilename()).toMatch(/\.pdf$/);
  expect(fs.readFileSync((await pdf.path())!).subarray(0, 5).toString('latin1')).toBe('%PDF-');
  fs.rmSync(path.dirname(htmlFile), { recursive: true, force: true });

  // Fix the blocking text: now the host lets it through, and an edit that adds a finding withdraws it.
  await report.getByRole('button', { name: '关闭合规报告' }).click();
  await lessonInput.fill('识别毒品诈骗');
  await editor.expectSaved();
  await expect(gate).toHaveAttribute('data-gate', 'allowed');
  await page.getByRole('button', { name: '提交发布', exact: true }).click();
  await expect(gate).toHaveAttribute('data-publish', 'ready');
  await expect(gate).toContainText('已提交发布');

  await editor.summary.fill('保证通过考试');
  await editor.expectSaved();
  await expect(gate).toHaveAttribute('data-publish', 'draft');
  await expect(gate).toContainText('提交后出现新的合规问题，已退回草稿');
});

test('the team term lists: import a word list, see it work, and a malformed file names its line', async ({ page, studio, list, editor }) => {
  await studio.open(page);
  await page.getByRole('link', { name: '合规词表' }).click();
  await expect(page.getByRole('heading', { name: '合规词表', level: 1 })).toBeVisible();

  const importForm = page.getByRole('form', { name: '导入词表文件' });
  await importForm.getByLabel('文件').setInputFiles({ name: '团队禁词.txt', mimeType: 'text/plain', buffer: Buffer.from('割韭菜\n躺赚,finance\n') });
  await importForm.getByLabel('没有类别的词归入').selectOption('fraud');
  await importForm.getByRole('button', { name: '导入' }).click();
  await expect(importForm.getByRole('status')).toHaveText('已导入「团队禁词」：新增 2 个词，更新 0 个，跳过 0 行');
  await expect(page.getByRole('button', { name: '查看词表「团队禁词」' })).toBeVisible();
  await expect(page.getByRole('cell', { name: '躺赚', exact: true })).toBeVisible();

  await importForm.getByLabel('文件').setInputFiles({ name: 'bad.txt', mimeType: 'text/plain', buffer: Buffer.from('好词\n坏词\t没有这个类别\n') });
  await importForm.getByRole('button', { name: '导入' }).click();
  await expect(importForm.getByRole('alert')).toContainText('第 2 行');

  // A file far too large to be a word list is refused before it is read.
  await importForm.getByLabel('文件').setInputFiles({ name: 'huge.txt', mimeType: 'text/plain', buffer: Buffer.alloc(9 * 1024 * 1024, 0x61) });
  await importForm.getByRole('button', { name: '导入' }).click();
  await expect(importForm.getByRole('alert')).toHaveText('文件超过 8 MB，请拆分后再导入');

  // The new term is highlighted in the editor.
  await page.getByRole('link', { name: '课程', exact: true }).click();
  await list.newCourse.click();
  await editor.title.fill('三天教你割韭菜');
  await expect(page.locator('[data-cx-field^="course:"] mark[data-category="fraud"]')).toHaveAttribute('data-severity', 'block');
});
