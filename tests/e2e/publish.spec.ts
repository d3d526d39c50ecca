import { pngBytes } from '../helpers/images';
import { expect, test, type StudioHarness } from './support/fixtures';

async function api<T = unknown>(studio: StudioHarness, method: string, input: unknown): Promise<T> {
  const res = await fetch(`${studio.current!.origin}/api/call`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${studio.current!.token}` },
    body: JSON.stringify({ method, input }),
  });
  const result = (await res.json()) as { ok: boolean; value?: unknown; error?: unknown };
  if (!result.ok) throw new Error(`${method}: ${JSON.stringify(result.error)}`);
  return result.value as T;
}

test('发布到公众号 publishes through the embedded companion and sandbox and shows the article link', async ({ page, context, studio, list }) => {
  studio.companion = true;
  await studio.start();
  const cover = await api<{ hash: string }>(studio, 'media.importImage', { fileName: 'cover.png', dataBase64: pngBytes(470, 200).toString('base64') });
  const created = await api<Record<string, unknown> & { version: number }>(studio, 'courses.create', { title: '手机摄影入门', summary: '用手机拍出好照片。' });
  const { version, createdAt: _c, updatedAt: _u, ...document } = created;
  await api(studio, 'courses.save', {
    ...document,
    baseVersion: version,
    coverHash: cover.hash,
    chapters: [{ id: 'ch1', title: '第一章 构图', lessons: [{ id: 'l1', title: '构图的三个习惯' }] }],
  });
  await studio.open(page);
  await list.open('手机摄影入门');

  const panel = page.getByTestId('publish-panel');
  await panel.getByRole('button', { name: '发布到公众号' }).click();
  const link = panel.getByTestId('article-url');
  await expect(link).toBeVisible({ timeout: 30_000 });
  await expect(panel.getByTestId('publish-state')).toHaveAttribute('data-state', 'published');
  const href = await link.getAttribute('href');
  expect(href).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/s\/[A-Za-z0-9]+_1$/);

  // The link opens the published article (served by the sandbox as mp.weixin.qq.com would).
  const article = await context.newPage();
  await article.goto(href!);
  await expect(article.getByRole('heading', { name: '手机摄影入门' })).toBeVisible();
  await expect(article.getByRole('heading', { name: '构图的三个习惯' })).toBeVisible();
});
