/**
 * Rich-text lesson bodies in a real Chromium: typing with the toolbar and TipTap's input rules, an image stored
 * through the host, undo/redo, paste from Word and WeChat through real paste events, Chinese IME composition through
 * the DevTools protocol (the browser's own composition path), WeChat's limit counters, and everything surviving a
 * reload and a restarted host.
 */
import fs from 'node:fs';
import type { Locator, Page } from '@playwright/test';
import { pngBytes } from '../helpers/images';
import { expect, test, type CourseEditorPage, type CourseListPage, type StudioHarness } from './support/fixtures';

const fixture = (name: string) => fs.readFileSync(new URL(`../fixtures/rich-text/${name}`, import.meta.url), 'utf8');

class LessonBodyPage {
  constructor(readonly page: Page) {}
  get body(): Locator {
    return this.page.getByRole('textbox', { name: '课时正文' });
  }
  get saveState(): Locator {
    return this.page.locator('[data-save-state]');
  }
  tool(name: string): Locator {
    return this.page.getByRole('toolbar', { name: '正文格式' }).getByRole('button', { name, exact: true });
  }
  async expectSaved(): Promise<void> {
    await expect(this.saveState).toHaveAttribute('data-save-state', 'saved');
  }
  /** The body's structure as tag:text lines (images by media hash), decorations left out. */
  structure(): Promise<string[]> {
    return this.body.evaluate((root) =>
      [...root.querySelectorAll('h1,h2,h3,h4,p,li,blockquote,pre,hr,figure,img,figcaption,strong,em,u,s,code,ol,ul,.lesson-figure-remote')].map(
        (n) => `${n.tagName.toLowerCase()}:${n instanceof HTMLImageElement ? (n.dataset.mediaHash ?? '?') : n.tagName === 'HR' ? '' : (n.textContent ?? '')}`,
      ),
    );
  }
  async paste(html: string, text = ''): Promise<void> {
    await this.body.evaluate(
      (el, data) => {
        const transfer = new DataTransfer();
        transfer.setData('text/html', data.html);
        transfer.setData('text/plain', data.text);
        el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }));
      },
      { html, text },
    );
  }
}

async function openNewLesson(page: Page, list: CourseListPage, editor: CourseEditorPage, studio: StudioHarness): Promise<LessonBodyPage> {
  await studio.open(page);
  await list.newCourse.click();
  await editor.title.fill('定价课');
  await editor.addChapter('第一章');
  await editor.addLesson('第一章', '如何定价');
  await page.getByRole('button', { name: '编辑「如何定价」的正文' }).click();
  const body = new LessonBodyPage(page);
  await expect(page.getByRole('main', { name: '课时正文：如何定价' })).toBeVisible();
  await expect(body.body).toBeVisible();
  return body;
}

test('type a lesson with heading, list, quote, code, divider and image; undo and redo; reload and restart keep it', async ({ page, studio, list, editor }) => {
  const lesson = await openNewLesson(page, list, editor, studio);
  await lesson.body.click();
  await lesson.tool('二级标题').click();
  await page.keyboard.type('第一课：锚定价值');
  await page.keyboard.press('Enter');
  await page.keyboard.type('定价的核心是');
  await page.keyboard.press('Control+b');
  await page.keyboard.type('价值');
  await page.keyboard.press('Control+b');
  await page.keyboard.type('。');
  await page.keyboard.press('Enter');
  // TipTap's input rules: "- " starts a list, "> " a quote.
  await page.keyboard.type('- 先做免费试听');
  await page.keyboard.press('Enter');
  await page.keyboard.type('再定正价');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await page.keyboard.type('> 价格是价值的表达');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await lesson.tool('代码块').click();
  await page.keyboard.type('price = 99');
  // Three Enters leave a code block (TipTap's exitOnTripleEnter).
  for (let k = 0; k < 3; k++) await page.keyboard.press('Enter');
  await lesson.tool('分割线').click();

  const png = pngBytes(120, 80, { shade: 3 });
  await page.getByTestId('lesson-image-input').setInputFiles({ name: '示意图.png', mimeType: 'image/png', buffer: png });
  const image = lesson.body.locator('figure img');
  await expect(image).toBeVisible();
  await expect(image).toHaveJSProperty('naturalWidth', 120);
  const hash = await image.getAttribute('data-media-hash');
  expect(hash).toMatch(/^[0-9a-f]{64}$/);
  // Saved (well past TipTap's 500 ms history grouping): the caption below is an undo step of its own.
  await lesson.expectSaved();
  await lesson.body.locator('figcaption').click();
  await page.keyboard.type('图 1 定价示意');

  // Undo removes the caption typed last; redo brings it back (TipTap's history inside the editor).
  await page.keyboard.press('Control+z');
  await expect(lesson.body.locator('figcaption')).toHaveText('');
  await page.keyboard.press('Control+Shift+z');
  await expect(lesson.body.locator('figcaption')).toHaveText('图 1 定价示意');
  await lesson.tool('撤销').click();
  await expect(lesson.body.locator('figcaption')).toHaveText('');
  await lesson.tool('重做').click();
  await expect(lesson.body.locator('figcaption')).toHaveText('图 1 定价示意');

  const expected = [
    'h2:第一课：锚定价值',
    'p:定价的核心是价值。',
    'strong:价值',
    'ul:先做免费试听再定正价',
    'li:先做免费试听',
    'p:先做免费试听',
    'li:再定正价',
    'p:再定正价',
    'blockquote:价格是价值的表达',
    'p:价格是价值的表达',
    'pre:price = 99',
    'code:price = 99',
    'hr:',
    `figure:图 1 定价示意`,
    `img:${hash}`,
    'figcaption:图 1 定价示意',
  ];
  await expect.poll(() => lesson.structure()).toEqual(expected);
  const before = await lesson.structure();
  await lesson.expectSaved();
  await expect(page.locator('.lesson-images')).toContainText('1 张图片保存在本机，同步时上传到微信');

  await page.reload();
  await expect(lesson.body).toBeVisible();
  await expect.poll(() => lesson.structure()).toEqual(before);
  await expect(lesson.body.locator('figure img')).toHaveJSProperty('naturalWidth', 120);

  await studio.kill();
  await studio.start();
  await studio.open(page);
  await list.open('定价课');
  await page.getByRole('button', { name: '编辑「如何定价」的正文' }).click();
  await expect.poll(() => lesson.structure()).toEqual(before);
});

test('paste from Word and from a WeChat article is reduced to what WeChat keeps', async ({ page, studio, list, editor }) => {
  const lesson = await openNewLesson(page, list, editor, studio);
  await lesson.body.click();
  await lesson.paste(fixture('word-paste.html'), '第一课：如何写好一篇课程介绍');
  await expect(lesson.body.locator('h1')).toHaveText('第一课：如何写好一篇课程介绍');
  await expect(lesson.body.locator('ol > li')).toHaveCount(2);
  await expect(lesson.body.locator('ol > li').nth(1).locator('ul > li')).toHaveText('周二、周四晚八点');
  await expect(lesson.body.locator('strong', { hasText: '关键' })).toBeVisible();
  await expect(lesson.body.locator('span[style*="color"]', { hasText: '课程介绍' })).toHaveCSS('color', 'rgb(192, 0, 0)');
  // Word's image lives in a temp file: left out, and the creator is told.
  await expect(page.getByRole('status').filter({ hasText: '1 张外部图片没有保留' })).toBeVisible();
  const html = await lesson.body.innerHTML();
  expect(html).not.toMatch(/mso|Mso|o:p|class="Mso|<!--/);

  await page.keyboard.press('Control+End');
  await lesson.paste(fixture('wechat-article.html'), '导读');
  await expect(lesson.body.locator('h2', { hasText: '一、锚定价值' })).toBeVisible();
  await expect(lesson.body.locator('blockquote')).toHaveText('定价不是成本加成，而是价值的表达。');
  // The article's image is already on WeChat's CDN: kept, shown as a placeholder (the page loads no remote images).
  await expect(lesson.body.locator('.lesson-figure-remote')).toHaveAttribute('title', /^https:\/\/mmbiz\.qpic\.cn\//);
  const after = await lesson.body.innerHTML();
  expect(after).not.toMatch(/<section|visibility|mpvoice|mp-common-profile|first_sceen/);
  await lesson.expectSaved();

  // What the host stored is the same subset: reload and compare.
  const before = await lesson.structure();
  await page.reload();
  await expect.poll(() => lesson.structure()).toEqual(before);
});

test('images pasted as files, embedded in pasted HTML, or dropped are stored through the host', async ({ page, studio, list, editor }) => {
  const lesson = await openNewLesson(page, list, editor, studio);
  await lesson.body.click();
  const images = lesson.body.locator('figure img');
  await lesson.body.evaluate((el, bytes) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(bytes)], 'clip.png', { type: 'image/png' }));
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }));
  }, [...pngBytes(40, 30, { shade: 9 })]);
  await expect(images.first()).toHaveJSProperty('naturalWidth', 40);

  // HTML with an image inside as a data: URL (some editors copy this way): stored, not dropped.
  const dataUrl = `data:image/png;base64,${pngBytes(24, 12, { shade: 5 }).toString('base64')}`;
  await page.keyboard.press('Control+End');
  await lesson.paste(`<p>图前</p><p><img src="${dataUrl}" alt="嵌入"></p><p>图后</p>`);
  await expect(images).toHaveCount(2);
  await expect(images.nth(1)).toHaveJSProperty('naturalWidth', 24);
  await expect(images.nth(1)).toHaveAttribute('data-media-hash', /^[0-9a-f]{64}$/);
  await expect(lesson.body).toContainText('图前');

  // A file dropped onto the body.
  const box = (await lesson.body.boundingBox())!;
  await lesson.body.evaluate(
    (el, { bytes, x, y }) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(bytes)], 'drop.png', { type: 'image/png' }));
      el.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, clientX: x, clientY: y, bubbles: true, cancelable: true }));
    },
    { bytes: [...pngBytes(16, 64, { shade: 2 })], x: box.x + 20, y: box.y + 10 },
  );
  await expect(images).toHaveCount(3);
  await expect(lesson.body.locator('figure img[data-media-hash]')).toHaveCount(3);
  await expect.poll(() => images.evaluateAll((els) => els.map((e) => (e as HTMLImageElement).naturalHeight).sort((a, b) => a - b))).toEqual([12, 30, 64]);
  await lesson.expectSaved();
  await expect(page.locator('.lesson-images')).toContainText('3 张图片保存在本机');
});

test('Chinese IME composition is never split, and autosave waits for it', async ({ page, studio, list, editor }) => {
  const lesson = await openNewLesson(page, list, editor, studio);
  await lesson.body.click();
  await page.keyboard.type('这是全网最好的课。');
  await lesson.expectSaved();
  // The compliance scan has highlighted the absolute claim: composition happens next to a decoration.
  await expect(lesson.body.locator('[data-cx-hit]')).toHaveText('全网最好的');
  await page.keyboard.press('End');

  const cdp = await page.context().newCDPSession(page);
  for (const step of ['z', 'zh', 'zho', 'zhon', 'zhong', "zhong'w", "zhong'wen"]) {
    await cdp.send('Input.imeSetComposition', { text: step, selectionStart: step.length, selectionEnd: step.length });
  }
  await expect(lesson.body).toContainText("这是全网最好的课。zhong'wen");
  // Longer than the autosave delay: nothing is saved while the candidate is open.
  await page.waitForTimeout(1500);
  await expect(lesson.saveState).toHaveAttribute('data-save-state', 'dirty');
  await expect(lesson.body.locator('[data-cx-hit]')).toHaveText('全网最好的');
  await cdp.send('Input.insertText', { text: '中文' });
  await expect(lesson.body).toHaveText('这是全网最好的课。中文');
  await lesson.expectSaved();

  // A second composition, in the middle of the text, committed in two candidates.
  await page.keyboard.press('Home');
  for (const step of ['ke', "ke'cheng"]) await cdp.send('Input.imeSetComposition', { text: step, selectionStart: step.length, selectionEnd: step.length });
  await cdp.send('Input.insertText', { text: '课程' });
  for (const step of ['j', 'jie', "jie'shao"]) await cdp.send('Input.imeSetComposition', { text: step, selectionStart: step.length, selectionEnd: step.length });
  await cdp.send('Input.insertText', { text: '介绍' });
  await expect(lesson.body).toHaveText('课程介绍这是全网最好的课。中文');
  await lesson.expectSaved();
  // Undo takes back the last committed word as a whole, never half a candidate.
  await page.keyboard.press('Control+z');
  await expect(lesson.body).not.toContainText('jie');
  await expect(lesson.body).not.toContainText('介');
  await page.keyboard.press('Control+Shift+z');
  await expect(lesson.body).toHaveText('课程介绍这是全网最好的课。中文');
  await lesson.expectSaved();

  await page.reload();
  await expect(lesson.body).toHaveText('课程介绍这是全网最好的课。中文');
});

test('counters follow WeChat’s limits and an over-limit body is not saved', async ({ page, studio, list, editor }) => {
  const lesson = await openNewLesson(page, list, editor, studio);
  const chars = page.locator('[data-counter="chars"]');
  await lesson.body.click();
  await page.keyboard.type('你好 world');
  await expect(chars).toHaveText('字数 8 / 20,000');
  await lesson.expectSaved();

  await lesson.paste(`<p>${'字'.repeat(20_000)}</p>`);
  await expect(chars).toHaveText('字数 20,008 / 20,000');
  await expect(page.getByRole('alert').filter({ hasText: '微信图文正文须少于 20,000 字' })).toBeVisible();
  await expect(lesson.saveState).toHaveAttribute('data-save-state', 'over');
  await page.keyboard.press('Control+z');
  await expect(chars).toHaveText('字数 8 / 20,000');
  await lesson.expectSaved();
  await page.reload();
  await expect(lesson.body).toHaveText('你好 world');
});

test('a body finding in the compliance report opens the lesson and selects it', async ({ page, studio, list, editor }) => {
  const lesson = await openNewLesson(page, list, editor, studio);
  await lesson.body.click();
  await page.keyboard.type('开场白。');
  await page.keyboard.press('Enter');
  await page.keyboard.type('这是全网最好的定价课。');
  await lesson.expectSaved();
  await expect(page.getByRole('region', { name: '正文合规提示' })).toContainText('全网最好的');

  await page.getByRole('button', { name: '返回课程' }).click();
  await page.getByRole('button', { name: '合规报告', exact: true }).click();
  const report = page.getByRole('complementary', { name: '合规报告' });
  await report.getByRole('button', { name: /^定位到第 1 章第 1 课时「如何定价」正文/ }).first().click();
  await expect(page.getByRole('main', { name: '课时正文：如何定价' })).toBeVisible();
  await expect.poll(() => page.evaluate(() => window.getSelection()?.toString())).toBe('全网最好的');
  await expect(lesson.body).toBeFocused();
});
