import { expect, test } from './support/fixtures';

async function createCourse(origin: string, token: string, title: string, priceFen: number): Promise<void> {
  const res = await fetch(`${origin}/api/call`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ method: 'courses.create', input: { title, priceFen } }),
  });
  expect(((await res.json()) as { ok: boolean }).ok).toBe(true);
}

test('search, sort, delete with undo, and the language switch', async ({ page, studio, list }) => {
  const running = await studio.start();
  await createCourse(running.origin, running.token, '写作入门', 9900);
  await createCourse(running.origin, running.token, '高阶写作工作坊', 29900);
  await createCourse(running.origin, running.token, '摄影 100% 实战', 0);
  await studio.open(page);
  await expect(list.rows).toHaveCount(3);
  await expect(page.getByText('共 3 门课程')).toBeVisible();

  await list.search.fill('写作');
  await expect(list.rows).toHaveCount(2);
  await list.search.fill('100%');
  await expect(list.rows).toHaveCount(1);
  await expect(list.rows.first()).toContainText('免费');
  await list.search.fill('不存在的课');
  await expect(page.getByText('没有标题包含「不存在的课」的课程')).toBeVisible();
  await list.search.fill('');
  await expect(list.rows).toHaveCount(3);

  await page.getByLabel('排序').selectOption({ label: '价格从高到低' });
  await expect(list.rows.first()).toContainText('高阶写作工作坊');
  await expect(list.rows.last()).toContainText('摄影 100% 实战');

  await page.getByRole('button', { name: '删除课程「写作入门」' }).click();
  await expect(list.rows).toHaveCount(2);
  await page.getByRole('status').filter({ hasText: '已删除课程「写作入门」' }).getByRole('button', { name: '撤销' }).click();
  await expect(list.rows).toHaveCount(3);

  await page.getByLabel('界面语言').selectOption('en-US');
  await expect(page.getByRole('heading', { name: 'Courses' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'New course' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Courses' })).toBeVisible();
  // The sort chosen earlier is remembered too.
  await expect(page.getByLabel('Sort')).toHaveValue('priceDesc');
});
