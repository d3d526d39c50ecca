import fs from 'node:fs';
import { test as base, expect, type Locator, type Page } from '@playwright/test';
import { makeDataDir, startStudio, stopStudio, type RunningStudio } from './studio-process';

/** A studio host on a data folder of its own, restartable within a test. */
export class StudioHarness {
  current: RunningStudio | null = null;
  constructor(readonly dataDir: string) {}

  /** Whether the host runs the embedded companion and sandbox (team specs turn it on). */
  companion = false;

  async start(): Promise<RunningStudio> {
    this.current = await startStudio(this.dataDir, { companion: this.companion });
    return this.current;
  }

  async kill(): Promise<void> {
    if (this.current) await stopStudio(this.current, 'SIGKILL');
    this.current = null;
  }

  /** Starts the host (if needed) and opens the studio in the page, waiting for the app's own readiness mark. */
  async open(page: Page): Promise<void> {
    const studio = this.current ?? (await this.start());
    await page.goto(studio.openUrl);
    await expect(page.locator('[data-ready="true"]')).toBeVisible();
  }
}

export class CourseListPage {
  constructor(readonly page: Page) {}
  get newCourse(): Locator {
    return this.page.getByRole('button', { name: '新建课程' }).first();
  }
  get search(): Locator {
    return this.page.getByRole('searchbox', { name: '搜索课程标题' });
  }
  get rows(): Locator {
    return this.page.getByRole('list', { name: '课程' }).getByRole('listitem');
  }
  open(title: string): Promise<void> {
    return this.page.getByRole('button', { name: `编辑课程「${title}」` }).click();
  }
}

export class CourseEditorPage {
  constructor(readonly page: Page) {}
  get title(): Locator {
    return this.page.getByLabel('课程标题', { exact: true });
  }
  get price(): Locator {
    return this.page.getByLabel('价格（元）');
  }
  get summary(): Locator {
    return this.page.getByLabel('课程简介');
  }
  get saveState(): Locator {
    return this.page.locator('[data-save-state]');
  }
  chapterTitle(n: number): Locator {
    return this.page.getByRole('textbox', { name: `第 ${n} 章标题` });
  }
  lessonTitle(chapter: number, n: number): Locator {
    return this.page.getByRole('textbox', { name: `第 ${chapter} 章第 ${n} 课时标题` });
  }
  async addChapter(title: string): Promise<void> {
    await this.page.getByRole('button', { name: '添加章节' }).click();
    const input = this.page.getByRole('textbox', { name: /^第 \d+ 章标题$/ }).last();
    await expect(input).toBeFocused();
    await input.fill(title);
  }
  async addLesson(chapterTitle: string, title: string): Promise<void> {
    await this.page.getByRole('button', { name: `在「${chapterTitle}」中添加课时` }).click();
    const focused = this.page.locator('input:focus');
    await expect(focused).toHaveValue('新课时');
    await focused.fill(title);
  }
  lessonHandle(title: string): Locator {
    return this.page.getByRole('button', { name: `移动课时「${title}」（拖动，或按 ↑ ↓ 键）` });
  }
  /** Every lesson title in outline order, as "chapter/lesson". */
  async outline(): Promise<string[]> {
    return this.page.locator('.chapter').evaluateAll((chapters) =>
      chapters.flatMap((c) => {
        const chapter = (c.querySelector('.chapter-title') as HTMLInputElement).value;
        const lessons = [...c.querySelectorAll('.lesson .outline-title')].map((i) => (i as HTMLInputElement).value);
        return lessons.length ? lessons.map((l) => `${chapter}/${l}`) : [`${chapter}/`];
      }),
    );
  }
  async expectSaved(): Promise<void> {
    await expect(this.saveState).toHaveAttribute('data-save-state', 'saved');
  }
  async back(): Promise<void> {
    await this.page.getByRole('button', { name: '返回课程列表' }).click();
  }
}

export const test = base.extend<{ studio: StudioHarness; list: CourseListPage; editor: CourseEditorPage }>({
  // Playwright requires the object pattern for a fixture that uses no other fixture.
  // eslint-disable-next-line no-empty-pattern
  studio: async ({}, use) => {
    const harness = new StudioHarness(makeDataDir());
    await use(harness);
    await harness.kill();
    fs.rmSync(harness.dataDir, { recursive: true, force: true });
  },
  list: async ({ page }, use) => use(new CourseListPage(page)),
  editor: async ({ page }, use) => use(new CourseEditorPage(page)),
});

export { expect };
