import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures';

const FIXTURES = path.resolve(import.meta.dirname, '..', 'fixtures', 'media');

async function api<T>(origin: string, token: string, method: string, input: unknown): Promise<T> {
  const res = await fetch(`${origin}/api/call`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ method, input }),
  });
  const body = (await res.json()) as { ok: boolean; value: T; error?: unknown };
  if (!body.ok) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
  return body.value;
}

/** Drops files on the importer the way a file manager does: a DataTransfer holding File objects, on the drop zone. */
async function dropFiles(page: Page, files: { name: string; type: string; bytes?: number[]; size?: number }[]): Promise<void> {
  const dataTransfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([f.bytes ? new Uint8Array(f.bytes) : new Uint8Array(f.size ?? 0)], f.name, { type: f.type }));
    return dt;
  }, files);
  await page.dispatchEvent('[data-testid="media-drop"]', 'dragover', { dataTransfer });
  await expect(page.getByTestId('media-drop')).toHaveClass(/media-drop-over/);
  await page.dispatchEvent('[data-testid="media-drop"]', 'drop', { dataTransfer });
}

function storedFiles(dataDir: string): string[] {
  const root = path.join(dataDir, 'media');
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true, withFileTypes: true }) as fs.Dirent[]).filter((e) => e.isFile()).map((e) => e.name);
}

test('picker and drag-and-drop imports show metadata; a large import shows progress and cancels cleanly', async ({ page, studio }) => {
  await studio.open(page);
  await page.getByRole('link', { name: '素材库' }).click();
  await expect(page).toHaveURL(/#\/media$/);
  await expect(page.getByRole('heading', { name: '素材库' })).toBeVisible();
  await expect(page.getByText('还没有素材')).toBeVisible();

  // The file picker, three files at once.
  await page.getByLabel('选择文件').setInputFiles(['photo-640x360.jpg', 'ramp-8k-mono-s16.wav', 'ffmpeg-h264-320x240-1s.mp4'].map((f) => path.join(FIXTURES, f)));
  const grid = page.getByRole('list', { name: '素材', exact: true });
  await expect(grid.getByRole('listitem').filter({ has: page.locator('.media-name') })).toHaveCount(3);
  await expect(page.getByText('共 3 个文件')).toBeVisible();

  const photo = grid.getByRole('listitem', { name: 'photo-640x360.jpg' });
  await expect(photo).toContainText('640 × 360');
  await expect(photo).toContainText('图片素材：符合');
  await expect(photo).toContainText('缩略图素材：符合');
  // The thumbnail is served and decodes.
  await expect.poll(() => photo.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(320);

  const wav = grid.getByRole('listitem', { name: 'ramp-8k-mono-s16.wav' });
  await expect(wav).toContainText('时长 0:01');
  await expect(wav).toContainText('编码 pcm_s16le');
  await expect(wav).toContainText('8000 Hz');
  await expect(wav.getByRole('img', { name: '「ramp-8k-mono-s16.wav」的波形' }).locator('rect')).toHaveCount(200);

  const video = grid.getByRole('listitem', { name: 'ffmpeg-h264-320x240-1s.mp4' });
  await expect(video).toContainText('320 × 240');
  await expect(video).toContainText('编码 avc1');
  await expect(video).toContainText('音轨 mp4a.40.2');
  await expect(video).toContainText('视频素材：符合');
  await expect(video).toContainText('视频不生成封面帧');

  await page.getByLabel('类型').selectOption({ label: '音频' });
  await expect(grid.getByRole('listitem').filter({ has: page.locator('.media-name') })).toHaveCount(1);
  await page.getByLabel('类型').selectOption({ label: '全部' });

  // Drag and drop: a real MP3 (imported) and the same JPEG again (stored once).
  await dropFiles(page, [
    { name: '第一课.mp3', type: 'audio/mpeg', bytes: [...fs.readFileSync(path.join(FIXTURES, 'lame-64k-1.5s.mp3'))] },
    { name: '封面副本.jpg', type: 'image/jpeg', bytes: [...fs.readFileSync(path.join(FIXTURES, 'photo-640x360.jpg'))] },
  ]);
  const queue = page.getByRole('list', { name: '导入进度' });
  await expect(queue.getByRole('listitem').filter({ hasText: '第一课.mp3' })).toContainText('已导入');
  await expect(queue.getByRole('listitem').filter({ hasText: '封面副本.jpg' })).toContainText('已在素材库中');
  await expect(page.getByText('共 4 个文件')).toBeVisible();
  const mp3 = grid.getByRole('listitem', { name: '第一课.mp3' });
  await expect(mp3).toContainText('时长 0:02');
  await expect(mp3).toContainText('码率 65 kbps');
  // 1.5 s of mono 64 kbps passes every voice limit.
  await expect(mp3).toContainText('语音素材：符合');

  // A 100 MB drop over a link that stalls after two chunks (so the cancel cannot lose a race with a fast disk):
  // the bar shows what arrived, and cancel removes every byte of it.
  let chunkCalls = 0;
  const held: (() => void)[] = [];
  let holding = true;
  await page.route('**/api/call-binary', async (route) => {
    if (++chunkCalls > 2 && holding) await new Promise<void>((release) => held.push(release));
    await route.continue();
  });
  await dropFiles(page, [{ name: '整节课录像.mp4', type: 'video/mp4', size: 100 * 1024 * 1024 }]);
  const big = queue.getByRole('listitem').filter({ hasText: '整节课录像.mp4' });
  const bar = page.getByRole('progressbar', { name: '「整节课录像.mp4」导入进度' });
  await expect(bar).toHaveAttribute('aria-valuenow', '8');
  await expect(big).toContainText('导入中 8%');
  expect(storedFiles(studio.dataDir).filter((f) => f.endsWith('.part'))).toHaveLength(1);
  await page.getByRole('button', { name: '取消导入「整节课录像.mp4」' }).click();
  holding = false;
  for (const release of held) release();
  await expect(big).toContainText('已取消，未留下任何文件');
  await expect(bar).toHaveCount(0);
  await expect.poll(() => storedFiles(studio.dataDir).filter((f) => f.endsWith('.part'))).toEqual([]);
  await expect(page.getByText('共 4 个文件')).toBeVisible();
  await page.unroute('**/api/call-binary');

  // A damaged file is refused with the reason.
  await dropFiles(page, [{ name: '半截.mp4', type: 'video/mp4', bytes: [...fs.readFileSync(path.join(FIXTURES, 'h264-720p-2s.mp4')).subarray(0, 3000)] }]);
  await expect(queue.getByRole('listitem').filter({ hasText: '半截.mp4' }).getByRole('alert')).toHaveText('文件不完整（可能没有下载或拷贝完），请换一个完整的文件');
});

test('a file used as a course cover cannot be deleted; the usage is listed; an unused file is deleted', async ({ page, studio }) => {
  const running = await studio.start();
  await studio.open(page);
  await page.getByRole('link', { name: '素材库' }).click();
  await page.getByLabel('选择文件').setInputFiles(['photo-640x360.jpg', 'tone-48k-stereo-s24.wav'].map((f) => path.join(FIXTURES, f)));
  await expect(page.getByText('共 2 个文件')).toBeVisible();

  const { items } = await api<{ items: { hash: string; originalName: string }[] }>(running.origin, running.token, 'media.list', {});
  const cover = items.find((i) => i.originalName === 'photo-640x360.jpg')!;
  const course = await api<{ id: string; version: number; title: string; type: string }>(running.origin, running.token, 'courses.create', { title: '写作入门' });
  await api(running.origin, running.token, 'courses.save', { id: course.id, baseVersion: course.version, title: course.title, type: course.type, priceFen: 0, summary: '', coverHash: cover.hash, chapters: [] });

  const grid = page.getByRole('list', { name: '素材', exact: true });
  await page.getByRole('button', { name: '删除「photo-640x360.jpg」' }).click();
  const refusal = grid.getByRole('listitem', { name: 'photo-640x360.jpg' }).getByRole('alert');
  await expect(refusal).toContainText('「photo-640x360.jpg」正在被使用，不能删除');
  await expect(refusal.getByRole('listitem')).toHaveText(['课程「写作入门」的封面']);
  await refusal.getByRole('button', { name: '关闭' }).click();
  await expect(page.getByText('共 2 个文件')).toBeVisible();

  await page.getByRole('button', { name: '删除「tone-48k-stereo-s24.wav」' }).click();
  await expect(page.getByText('「tone-48k-stereo-s24.wav」没有被任何课程使用')).toBeVisible();
  await page.getByRole('button', { name: '确认删除' }).click();
  await expect(page.getByText('共 1 个文件')).toBeVisible();
  await expect(grid.getByRole('listitem', { name: 'tone-48k-stereo-s24.wav' })).toHaveCount(0);
  expect(storedFiles(studio.dataDir).some((f) => f.endsWith('.wav'))).toBe(false);

  // The English UI says the same.
  await page.getByLabel('界面语言').selectOption('en-US');
  await expect(page.getByRole('heading', { name: 'Media library' })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Media', exact: true }).getByRole('listitem', { name: 'photo-640x360.jpg' })).toContainText('Image material: OK');
});
