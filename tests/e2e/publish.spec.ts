import fs from 'node:fs';
import path from 'node:path';
import { SecretBox, keyFileSealer } from '../../electron/studio/companion-link/secret-box';
import { SANDBOX_CONTROL_HEADER } from '../../shared/wechat-sandbox/control';
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

test('an account without publishing rights gets the explanation and a paste-ready HTML file', async ({ page, studio, list }) => {
  studio.companion = true;
  await studio.start();
  const body = await api<{ hash: string }>(studio, 'media.importImage', { fileName: 'figure.png', dataBase64: pngBytes(60, 40, { shade: 0x20 }).toString('base64') });
  const cover = await api<{ hash: string }>(studio, 'media.importImage', { fileName: 'cover.png', dataBase64: pngBytes(470, 200).toString('base64') });
  const created = await api<Record<string, unknown> & { id: string; version: number }>(studio, 'courses.create', { title: '个人号的课程' });
  const { version, createdAt: _c, updatedAt: _u, ...document } = created;
  await api(studio, 'courses.save', { ...document, baseVersion: version, coverHash: cover.hash, chapters: [{ id: 'ch1', title: '第一章', lessons: [{ id: 'l1', title: '开篇' }] }] });
  await api(studio, 'lessons.saveBody', { courseId: created.id, lessonId: 'l1', baseVersion: 0, html: `<p>正文。</p><figure><img src="studio-media:${body.hash}" alt="图"></figure>` });

  // The sandbox account is a personal one: no rights to the publishing APIs (48001).
  await expect.poll(async () => (await api<{ state: string }>(studio, 'companion.status', {})).state, { timeout: 30_000 }).toBe('ready');
  const status = await api<{ phoneUrl: string }>(studio, 'companion.status', {});
  const token = new SecretBox(studio.dataDir, keyFileSealer(studio.dataDir)).read().sandboxControlToken!;
  const link = JSON.parse(fs.readFileSync(path.join(studio.dataDir, 'companion-link.json'), 'utf8')) as { oaAppId: string };
  const flags = await fetch(`${status.phoneUrl.replace(/\/phone$/, '')}/__sandbox/accounts/flags`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', [SANDBOX_CONTROL_HEADER]: token },
    body: JSON.stringify({ appId: link.oaAppId, noPublishRights: true }),
  });
  expect(flags.ok).toBe(true);

  await studio.open(page);
  await list.open('个人号的课程');
  const panel = page.getByTestId('publish-panel');
  await panel.getByRole('button', { name: '发布到公众号' }).click();
  const note = panel.getByTestId('no-publish-rights');
  await expect(note).toContainText('48001', { timeout: 30_000 });
  await expect(note).toContainText('共 1 张图片已内嵌在 HTML 中');
  const download = page.waitForEvent('download');
  await note.getByRole('button', { name: '保存为 HTML 文件' }).click();
  const file = await (await download).path();
  const html = fs.readFileSync(file, 'utf8');
  expect(html).toContain('<h1>个人号的课程</h1>');
  expect(html).toMatch(/<img src="data:image\/png;base64,/);
});
