import type { Locator, Page } from '@playwright/test';
import { expect, test } from './support/fixtures';

/** The message beside a field: the element its aria-describedby points at. */
async function expectFieldError(page: Page, field: Locator, message: string): Promise<void> {
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  const id = await field.getAttribute('aria-describedby');
  expect(id).toBeTruthy();
  await expect(page.locator(`[id="${id}"]`)).toHaveText(message);
}

const invalidStatus = (page: Page) => page.getByRole('status').filter({ hasText: '未保存：请先修正标出的问题' });

test('a 直播 course keeps its session, reminders and replay link; bad input is shown beside the field', async ({ page, studio, list, editor }) => {
  await studio.open(page);
  await list.newCourse.click();
  await editor.title.fill('周五直播：私域运营');
  await page.getByRole('radio', { name: '直播' }).check();
  await expect(page.getByRole('heading', { name: '直播设置' })).toBeVisible();

  const start = page.getByLabel('开播时间');
  const duration = page.getByLabel('时长（分钟）');
  const replay = page.getByLabel('回放链接');
  await expect(page.getByTestId('live-start-shown')).toHaveText('尚未设置开播时间');
  // A reminder without a start is refused beside the reminder.
  await page.getByRole('checkbox', { name: '提前 1 天' }).check();
  await expectFieldError(page, page.getByRole('checkbox', { name: '提前 1 天' }), '先设置开播时间，才能设置提醒');
  await expect(invalidStatus(page)).toBeVisible();

  await start.fill('2030-01-15T20:00');
  await expect(page.getByTestId('live-start-shown')).toContainText('（北京时间，UTC+8）');
  await expect(page.getByTestId('live-start-shown')).toContainText('2030年1月15日');
  await page.getByRole('checkbox', { name: '提前 10 分钟' }).check();

  await duration.fill('0');
  await expectFieldError(page, duration, '时长须为 1 到 1440 分钟的整数');
  await duration.fill('一小时');
  await expectFieldError(page, duration, '请填写整数');
  await expect(invalidStatus(page)).toBeVisible();
  await duration.fill('90');

  await replay.fill('ftp://files.example.com/replay');
  await expectFieldError(page, replay, '回放链接必须以 http:// 或 https:// 开头');
  await expect(invalidStatus(page)).toBeVisible();
  await replay.fill('https://live.example.com/replay/1');
  await expect(replay).not.toHaveAttribute('aria-invalid', 'true');
  await editor.expectSaved();

  // Live courses are sold whole: lessons have neither a free-trial toggle nor a price of their own.
  await editor.addChapter('直播');
  await editor.addLesson('直播', '开场');
  await editor.expectSaved();
  await expect(page.getByRole('checkbox', { name: '「开场」免费试看' })).toHaveCount(0);
  await expect(page.getByLabel('「开场」单节售价（元）')).toHaveCount(0);

  await page.reload();
  await expect(editor.title).toHaveValue('周五直播：私域运营');
  await expect(page.getByRole('radio', { name: '直播' })).toBeChecked();
  await expect(start).toHaveValue('2030-01-15T20:00');
  await expect(page.getByLabel('时区')).toHaveValue('Asia/Shanghai');
  await expect(duration).toHaveValue('90');
  await expect(page.getByRole('checkbox', { name: '提前 1 天' })).toBeChecked();
  await expect(page.getByRole('checkbox', { name: '提前 10 分钟' })).toBeChecked();
  await expect(page.getByRole('checkbox', { name: '提前 1 小时' })).not.toBeChecked();
  await expect(replay).toHaveValue('https://live.example.com/replay/1');

  // Another zone shows the same instant on its own clock: 20:00 in Beijing is 07:00 in New York (EST).
  await page.getByLabel('时区').selectOption('America/New_York');
  await expect(start).toHaveValue('2030-01-15T07:00');
  await expect(page.getByTestId('live-start-shown')).toContainText('（纽约时间，UTC-5）');
});

test('a 训练营 course keeps its dates, check-in rules, daily tasks and free trials; a type change asks first', async ({ page, studio, list, editor }) => {
  await studio.open(page);
  await list.newCourse.click();
  await editor.title.fill('21 天写作训练营');
  await page.getByRole('radio', { name: '训练营' }).check();
  await editor.price.fill('199');

  const startDate = page.getByLabel('开营日期');
  const endDate = page.getByLabel('结营日期');
  await startDate.fill('2030-03-01');
  await endDate.fill('2030-02-20');
  await expectFieldError(page, endDate, '结营日期不能早于开营日期');
  await expect(invalidStatus(page)).toBeVisible();
  await endDate.fill('2030-03-21');
  await expect(page.getByText('共 21 天')).toBeVisible();

  const minCheckIns = page.getByLabel('结营所需打卡次数');
  await minCheckIns.fill('30');
  await expectFieldError(page, minCheckIns, '不能超过训练营的天数');
  await minCheckIns.fill('18');
  await page.getByLabel('可补卡天数').fill('3');
  const window = page.getByLabel('打卡时限（任务发布后几小时内）');
  await window.fill('100');
  await expectFieldError(page, window, '打卡时限须为 1 到 72 小时');
  await window.fill('36');

  await page.getByRole('button', { name: '+ 添加第 1 天的任务' }).click();
  await page.getByRole('button', { name: '+ 添加第 2 天的任务' }).click();
  await page.getByLabel('第 1 天任务标题').fill('开营：写下目标');
  await page.getByLabel('第 1 天任务说明').fill('300 字以内');
  const secondTitle = page.getByLabel('第 2 天任务标题');
  await secondTitle.fill('  ');
  await expectFieldError(page, secondTitle, '标题不能为空');
  await secondTitle.fill('第一篇练习');

  // Camps are sold whole but may have free-trial lessons.
  await editor.addChapter('第一周');
  await editor.addLesson('第一周', '开营直播回放');
  await page.getByRole('checkbox', { name: '「开营直播回放」免费试看' }).check();
  await expect(page.getByLabel('「开营直播回放」单节售价（元）')).toHaveCount(0);
  await editor.expectSaved();

  await page.reload();
  await expect(page.getByRole('radio', { name: '训练营' })).toBeChecked();
  await expect(startDate).toHaveValue('2030-03-01');
  await expect(endDate).toHaveValue('2030-03-21');
  await expect(minCheckIns).toHaveValue('18');
  await expect(page.getByLabel('可补卡天数')).toHaveValue('3');
  await expect(window).toHaveValue('36');
  await expect(page.getByLabel('第 1 天任务标题')).toHaveValue('开营：写下目标');
  await expect(page.getByLabel('第 1 天任务说明')).toHaveValue('300 字以内');
  await expect(page.getByLabel('第 2 天任务标题')).toHaveValue('第一篇练习');
  await expect(page.getByRole('checkbox', { name: '「开营直播回放」免费试看' })).toBeChecked();

  // Changing to 直播 would clear the camp's fields and the free trial: the editor asks, and cancelling keeps all.
  await page.getByRole('radio', { name: '直播' }).click();
  const confirm = page.getByRole('alertdialog', { name: '切换为「直播」？' });
  await expect(confirm).toContainText('训练营结束日期');
  await expect(confirm).toContainText('2 个每日任务');
  await expect(confirm).toContainText('打卡规则');
  await expect(confirm).toContainText('1 个免费试看课时');
  await confirm.getByRole('button', { name: '取消' }).click();
  await expect(page.getByRole('radio', { name: '训练营' })).toBeChecked();
  await expect(page.getByLabel('第 1 天任务标题')).toHaveValue('开营：写下目标');

  // To 专栏 the start date is kept; confirming clears the rest, and one undo brings everything back.
  await page.getByRole('radio', { name: '专栏' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: '清除并切换' }).click();
  await expect(page.getByRole('radio', { name: '专栏' })).toBeChecked();
  await expect(page.getByLabel('首期日期')).toHaveValue('2030-03-01');
  await editor.expectSaved();
  await page.getByRole('button', { name: '撤销' }).click();
  await expect(page.getByRole('radio', { name: '训练营' })).toBeChecked();
  await expect(page.getByLabel('第 2 天任务标题')).toHaveValue('第一篇练习');
  await expect(page.getByRole('checkbox', { name: '「开营直播回放」免费试看' })).toBeChecked();
  await editor.expectSaved();
  await page.reload();
  await expect(page.getByRole('radio', { name: '训练营' })).toBeChecked();
  await expect(page.getByLabel('结营日期')).toHaveValue('2030-03-21');
});

test('lesson prices and free trials in a 专栏, checked against the course price', async ({ page, studio, list, editor }) => {
  await studio.open(page);
  await list.newCourse.click();
  await editor.title.fill('每周一篇：增长笔记');
  await page.getByRole('radio', { name: '专栏' }).check();
  await editor.price.fill('99');
  await page.getByRole('checkbox', { name: '周四' }).check();
  await page.getByLabel('计划期数').fill('52');
  // 2030-01-07 is a Monday: Mondays and Thursdays, 52 issues, the last on the 26th Thursday.
  await page.getByLabel('首期日期').fill('2030-01-07');
  await expect(page.getByText('按计划，最后一期在 2030-07-04')).toBeVisible();

  await editor.addChapter('第一季');
  await editor.addLesson('第一季', '发刊词');
  await editor.addLesson('第一季', '增长从哪里来');
  const price = page.getByLabel('「增长从哪里来」单节售价（元）');
  await price.fill('120');
  await expectFieldError(page, price, '单节价格不能高于课程价格');
  await price.fill('9.999');
  await expectFieldError(page, price, '价格最多精确到分（小数点后两位）');
  await price.fill('9.9');
  await page.getByRole('checkbox', { name: '「发刊词」免费试看' }).check();
  await editor.expectSaved();

  await page.reload();
  await expect(page.getByLabel('「增长从哪里来」单节售价（元）')).toHaveValue('9.90');
  await expect(page.getByRole('checkbox', { name: '「发刊词」免费试看' })).toBeChecked();
  await expect(page.getByRole('checkbox', { name: '周一' })).toBeChecked();
  await expect(page.getByRole('checkbox', { name: '周四' })).toBeChecked();
  await expect(page.getByLabel('计划期数')).toHaveValue('52');
});

test('a 视频 lesson’s duration and chapter marks in its details panel', async ({ page, studio, list, editor }) => {
  await studio.open(page);
  await list.newCourse.click();
  await editor.title.fill('剪辑入门');
  await page.getByRole('radio', { name: '视频' }).check();
  await editor.addChapter('基础');
  await editor.addLesson('基础', '认识时间线');
  await page.getByRole('button', { name: '「认识时间线」课时详情' }).click();
  const panel = page.getByRole('group', { name: '「认识时间线」课时详情' });
  await expect(panel.getByText('工作区还没有视频文件，请先在素材库导入。')).toBeVisible();

  await panel.getByLabel('时长（分:秒）').fill('5:00');
  await panel.getByRole('button', { name: '+ 添加章节标记' }).click();
  await panel.getByRole('button', { name: '+ 添加章节标记' }).click();
  await panel.getByLabel('第 1 个标记标题').fill('开场');
  await panel.getByLabel('第 2 个标记标题').fill('剪切与拼接');
  const second = panel.getByLabel('第 2 个标记时间（分:秒）');
  await expect(second).toHaveValue('1:00');
  await second.fill('6:00');
  await expectFieldError(page, second, '标记时间超出了视频时长');
  await second.fill('2:5');
  await expectFieldError(page, second, '时间格式为 分:秒，例如 2:05');
  await expect(invalidStatus(page)).toBeVisible();
  await second.fill('2:05');
  await editor.expectSaved();

  await page.reload();
  await page.getByRole('button', { name: '「认识时间线」课时详情' }).click();
  await expect(panel.getByLabel('时长（分:秒）')).toHaveValue('5:00');
  await expect(panel.getByLabel('第 1 个标记时间（分:秒）')).toHaveValue('0:00');
  await expect(panel.getByLabel('第 2 个标记时间（分:秒）')).toHaveValue('2:05');
  await expect(panel.getByLabel('第 2 个标记标题')).toHaveValue('剪切与拼接');
});
