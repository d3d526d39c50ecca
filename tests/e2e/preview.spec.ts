/**
 * WeChat previews in the course editor: every surface in light and dark mode against committed screenshots (made on
 * this kind of machine: Debian Chromium, the bundled preview font, no animation), live updates while typing, counters,
 * warnings, crops saved with the course, and PNG export through the host.
 */
import fs from 'node:fs';
import { PNG } from 'pngjs';
import type { Locator, Page } from '@playwright/test';
import { previewZhCN } from '../../renderer/src/features/preview/i18n-zh-CN';
import { DEFAULT_PREVIEW_SETTINGS, SURFACE_IDS, layoutGallery, layoutPreview, type SurfaceId } from '../../shared/preview/index';
import { expect, test, type CourseEditorPage, type CourseListPage, type StudioHarness } from './support/fixtures';

/** A 900 × 500 cover with structure a crop visibly changes: a diagonal gradient, a sun, a dark corner block. */
function coverPng(): Buffer {
  const width = 900;
  const height = 500;
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const sun = (x - 450) ** 2 + (y - 250) ** 2 < 110 ** 2;
      const block = x < 150 && y < 120;
      png.data[i] = sun ? 255 : block ? 30 : Math.round(40 + (x / width) * 80);
      png.data[i + 1] = sun ? 196 : block ? 30 : Math.round(120 + (y / height) * 70);
      png.data[i + 2] = sun ? 60 : block ? 60 : 225;
      png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

const TITLE = '21 天写作训练营：从零开始写出爆款文章，每天 30 分钟';
const SUMMARY = '每天一篇，三周养成写作习惯。资深编辑带你拆解 100 篇爆款文章，掌握选题、结构、标题与修改的全部方法。';

class PreviewPage {
  constructor(readonly page: Page) {}
  get gallery(): Locator {
    return this.page.getByRole('region', { name: '微信预览' });
  }
  tile(id: SurfaceId): Locator {
    return this.page.locator(`.pv-grid [data-surface="${id}"]`);
  }
  async open(): Promise<void> {
    await this.page.getByRole('tab', { name: '微信预览' }).click();
    await expect(this.gallery).toHaveAttribute('data-fonts-ready', 'true');
  }
  async actualSize(): Promise<void> {
    await this.page.getByRole('radio', { name: '实际大小' }).check();
  }
  async appearance(name: '浅色' | '深色'): Promise<void> {
    await this.gallery.getByRole('radio', { name }).check();
  }
  /** Waits until every cover image in the gallery has decoded, so a screenshot never catches one half-loaded. */
  async coversLoaded(): Promise<void> {
    await expect
      .poll(() => this.page.locator('.pv-grid .pv-image img').evaluateAll((imgs) => imgs.every((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0)))
      .toBe(true);
  }
  texts(id: SurfaceId, role: string): Promise<string[]> {
    return this.tile(id).locator(`[data-role="${role}"]`).allTextContents();
  }
}

async function courseWithCover(page: Page, studio: StudioHarness, list: CourseListPage, editor: CourseEditorPage): Promise<void> {
  await studio.open(page);
  await list.newCourse.click();
  await editor.title.fill(TITLE);
  await page.getByRole('radio', { name: '训练营' }).check();
  await editor.price.fill('199.9');
  await editor.summary.fill(SUMMARY);
  await editor.addChapter('第一周：开始写');
  await editor.addLesson('第一周：开始写', '找到你的主题');
  await page.getByLabel('选择封面图片').setInputFiles({ name: '封面.png', mimeType: 'image/png', buffer: coverPng() });
  await expect(page.locator('.cover-preview img')).toBeVisible();
  await editor.expectSaved();
}

test('every surface, in light and dark mode, matches its committed screenshot at 375 pt', async ({ page, studio, list, editor }) => {
  await courseWithCover(page, studio, list, editor);
  const preview = new PreviewPage(page);
  await preview.open();
  await preview.actualSize();
  await preview.coversLoaded();

  // The page draws each line exactly as wide as the shared layout measured it (same font, kerning off).
  const widths = await page.locator('.pv-grid .pv-text').evaluateAll((spans) =>
    spans.map((s) => ({ text: s.textContent, drawn: s.getBoundingClientRect().width, measured: Number((s as HTMLElement).dataset.width) })),
  );
  expect(widths.length).toBeGreaterThan(50);
  for (const w of widths) expect(Math.abs(w.drawn - w.measured), w.text ?? '').toBeLessThan(0.5);

  for (const appearance of ['light', 'dark'] as const) {
    await preview.appearance(appearance === 'light' ? '浅色' : '深色');
    await expect(preview.gallery).toHaveAttribute('data-appearance', appearance);
    for (const id of SURFACE_IDS) {
      await expect(preview.tile(id), `${id} ${appearance}`).toHaveScreenshot(`${id}-${appearance}.png`);
    }
  }
});

test('device profiles: an Android phone at 360 dp and an iPhone at 393 pt', async ({ page, studio, list, editor }) => {
  await courseWithCover(page, studio, list, editor);
  const preview = new PreviewPage(page);
  await preview.open();
  await preview.actualSize();
  for (const [label, width, name] of [
    ['Android 360dp', 360, 'android360'],
    ['iPhone 15（393pt）', 393, 'iphone15'],
  ] as const) {
    await page.getByLabel('机型').selectOption({ label });
    await expect(preview.gallery).toHaveAttribute('data-device', name);
    await preview.coversLoaded();
    expect((await preview.tile('oaLead').boundingBox())!.width).toBe(width);
    // The notification differs by platform: a collapsed Android notification shows one line, iOS up to four.
    await expect(preview.tile('massSendNotice')).toHaveScreenshot(`massSendNotice-${name}.png`);
    await expect(preview.tile('miniProgram')).toHaveScreenshot(`miniProgram-${name}.png`);
  }
});

test('surfaces follow every keystroke; counters know characters from bytes; the large view shows a surface’s warnings', async ({ page, studio, list, editor }) => {
  await studio.open(page);
  await list.newCourse.click();
  await editor.title.fill('写作课');
  await editor.addChapter('第一章 开始');
  await editor.addLesson('第一章 开始', '选题');
  const preview = new PreviewPage(page);
  await preview.open();
  await expect.poll(() => preview.texts('oaLead', 'title')).toEqual(['写作课']);

  // 22 Chinese characters: within the 32-character draft API limit, over WeCom's 64 bytes (66).
  const title = '二十二个汉字的企业微信链接卡片标题会被截断了';
  await editor.title.fill(title);
  await expect.poll(async () => (await preview.texts('oaLead', 'title')).join('')).toBe(title);
  await expect.poll(async () => (await preview.texts('weComLink', 'title')).join('')).toBe('二十二个汉字的企业微信链接卡片标题会被截断');
  const counters = page.getByRole('list', { name: '标题在各界面的长度' });
  await expect(counters.locator('[data-limit="oa.title.draftApi"]')).toHaveText('公众号 22/32 字');
  await expect(counters.locator('[data-limit="oa.title.draftApi"]')).not.toHaveClass(/over/);
  await expect(counters.locator('[data-limit="wecom.link.titleBytes"]')).toHaveText('企业微信 66/64 字节');
  await expect(counters.locator('[data-limit="wecom.link.titleBytes"]')).toHaveClass(/over/);

  // The template message shows at most 20 characters of the title, then "…".
  await expect.poll(async () => (await preview.texts('templateMessage', 'title')).join('')).toBe('二十二个汉字的企业微信链接卡片标题会被截…');

  // An empty summary: WeChat takes the first 54 characters of the body, and the large view says so.
  await editor.summary.fill('');
  await page.getByRole('button', { name: '放大查看「公众号单图文消息」' }).click();
  const dialog = page.getByRole('dialog', { name: '公众号单图文消息' });
  await expect(dialog).toBeVisible();
  await expect(dialog.locator('[data-code="digest.empty"]')).toContainText('简介为空：微信会取正文前 54 个字作为摘要：「第一章 开始 选题」');
  await expect(dialog.locator('[data-code="cover.missing"]')).toBeVisible();
  await expect(dialog.locator('[data-surface="oaSingle"] [data-role="digest"]')).toHaveText('第一章 开始 选题');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('dialog', { name: '订阅号消息 · 星标/常读' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);

  // Over the draft API's 32 characters: an error, until the creator picks the backend's 64 in the settings.
  await editor.title.fill('一'.repeat(40));
  const summary = preview.gallery.locator('.pv-summary');
  await expect(summary.locator('[data-code="title.overLimit"]')).toContainText('标题 40 字，超过上限 32 字');
  await expect(summary.locator('[data-code="title.overLimit"]')).toContainText('来源 W2');
  await preview.gallery.getByRole('button', { name: '预览设置' }).click();
  await page.getByLabel('公众号名称').fill('');
  await page.getByRole('button', { name: '保存设置' }).click();
  await expect(page.getByText('请填写公众号名称')).toBeVisible();
  await page.getByLabel('公众号名称').fill('写作研究所');
  await page.getByRole('radio', { name: /64 字 · 公众号后台/ }).check();
  await page.getByRole('button', { name: '保存设置' }).click();
  await expect(summary.locator('[data-code="title.overLimit"]')).toHaveCount(0);
  await expect(counters.locator('[data-limit="oa.title.backend"]')).toHaveText('公众号 40/64 字');
  await expect(preview.tile('feedRegular').getByText('写作研究所')).toBeVisible();
});

test('crop boxes are set on the cover, saved with the course, and checked against the key region', async ({ page, studio, list, editor }) => {
  await courseWithCover(page, studio, list, editor);
  await page.getByRole('button', { name: /微信封面裁剪/ }).click();
  const box = page.getByRole('group', { name: /^2\.35:1 头条：/ });
  // WeChat's default: the largest centred 2.35:1 box of a 900 × 500 cover is 900 × 383.
  await expect(box).toHaveAttribute('data-box', '0_0.117021_1_0.882979');
  await expect(page.getByText('未设置：微信居中裁剪')).toBeVisible();
  await box.focus();
  await page.keyboard.press('Shift+ArrowUp');
  await page.keyboard.press('ArrowDown');
  await expect(box).toHaveAttribute('data-box', '0_0.027021_1_0.792979');
  await expect(page.getByTestId('crop-value-crop235')).toHaveText('pic_crop_235_1 = 0_0.027021_1_0.792979');
  await editor.expectSaved();

  // The key region: marked in the middle it is cut on the mini-program card (a 5:4 crop from the top-left corner).
  await page.getByRole('radio', { name: '关键区域' }).check();
  await page.getByRole('button', { name: '标出关键区域' }).click();
  const preview = new PreviewPage(page);
  await preview.open();
  const warnings = preview.gallery.locator('.pv-summary');
  await expect(warnings.locator('[data-code="focus.outside"][data-surface="miniProgram"]')).toContainText('关键区域在这里只露出');
  await expect(warnings.locator('[data-code="focus.outside"][data-surface="oaSecondary"]')).toHaveCount(0);

  // Dragged to the left edge it leaves the centred 1:1 crop too; the drag is one undo step.
  const focus = page.getByRole('group', { name: /^关键区域：/ });
  const before = await focus.getAttribute('data-box');
  await focus.scrollIntoViewIfNeeded();
  const r = (await focus.boundingBox())!;
  await page.mouse.move(r.x + r.width / 2, r.y + r.height / 2);
  await page.mouse.down();
  await page.mouse.move(r.x + r.width / 2 - 60, r.y + r.height / 2, { steps: 5 });
  await page.mouse.move(r.x - 400, r.y + r.height / 2, { steps: 5 });
  await page.mouse.up();
  await expect(focus).toHaveAttribute('data-box', /^0_/);
  await expect(warnings.locator('[data-code="focus.outside"][data-surface="oaSecondary"]')).toBeVisible();
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+z');
  await expect(focus).toHaveAttribute('data-box', before!);
  await editor.expectSaved();

  // Saved with the course: after a reload the crops are still there.
  await page.reload();
  await expect(page.locator('[data-ready="true"]')).toBeVisible();
  await page.getByRole('button', { name: /微信封面裁剪/ }).click();
  await expect(page.getByRole('button', { name: /微信封面裁剪/ })).toContainText('2.35:1 已设置 · 1:1 默认居中 · 关键区域 已设置');
  await expect(page.getByTestId('crop-value-crop235')).toHaveText('pic_crop_235_1 = 0_0.027021_1_0.792979');
});

test('export one surface and the whole gallery as PNG through the host, at the expected size', async ({ page, studio, list, editor }) => {
  await courseWithCover(page, studio, list, editor);
  const preview = new PreviewPage(page);
  await preview.open();

  await page.getByRole('button', { name: '放大查看「公众号图文 · 头条」' }).click();
  const dialog = page.getByRole('dialog', { name: '公众号图文 · 头条' });
  const frame = (await dialog.locator('[data-surface="oaLead"]').boundingBox())!;
  const one = page.waitForEvent('download');
  await dialog.getByRole('button', { name: '导出此界面为 PNG' }).click();
  const surfaceFile = await one;
  expect(surfaceFile.suggestedFilename()).toBe(`${TITLE}-oaLead-standard375-light@2x.png`);
  const surfacePng = PNG.sync.read(fs.readFileSync((await surfaceFile.path())!));
  expect([surfacePng.width, surfacePng.height]).toEqual([375 * 2, frame.height * 2]);
  await expect(page.getByText(/已导出 .*（750 × \d+ 像素）/)).toBeVisible();
  await page.keyboard.press('Escape');

  const all = page.waitForEvent('download');
  await preview.gallery.getByRole('button', { name: '导出全部为 PNG' }).click();
  const galleryPng = PNG.sync.read(fs.readFileSync((await (await all).path())!));
  // The expected size, from the same shared layout the host draws: the course as the editor has it.
  const layout = layoutPreview(
    {
      title: TITLE,
      summary: SUMMARY,
      type: 'camp',
      priceFen: 19990,
      chapters: [{ title: '第一周：开始写', lessons: [{ title: '找到你的主题' }] }],
      cover: { width: 900, height: 500, bytes: 0, mime: 'image/png' },
      crops: { crop235: null, crop11: null, focus: null },
    },
    { device: 'standard375', appearance: 'light', settings: DEFAULT_PREVIEW_SETTINGS },
  );
  const gallery = layoutGallery(
    layout.surfaces,
    {
      heading: `${TITLE} · 微信预览`,
      subheading: `${previewZhCN.device.standard375} · ${previewZhCN.appearance.light}`,
      captions: previewZhCN.surface,
    },
    'light',
  );
  expect([galleryPng.width, galleryPng.height]).toEqual([gallery.width * 2, gallery.height * 2]);
  expect(galleryPng.width).toBe((3 * 375 + 4 * 24) * 2);
});
