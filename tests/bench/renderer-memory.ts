/**
 * Memory of the renderer with a 200-lesson course open (`npm run build` first, then `npm run bench:renderer-memory`).
 * Starts the built host in browser mode on a temp folder, creates a course of 10 chapters × 20 lessons through the
 * API, opens the studio in Chromium (Playwright, CHROMIUM_PATH or /usr/bin/chromium) and prints, after a forced
 * garbage collection, CDP `Performance.getMetrics` figures: JSHeapUsedSize, JSHeapTotalSize, DOM nodes — on the course
 * list and with the course open in the editor. A report, not a test: nothing is asserted but that the page rendered.
 */
import fs from 'node:fs';
import { chromium, type CDPSession, type Page } from '@playwright/test';
import { makeDataDir, startStudio, stopStudio } from '../e2e/support/studio-process';

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

async function metrics(page: Page, cdp: CDPSession): Promise<Record<string, number>> {
  await page.waitForTimeout(300);
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

const mib = (bytes: number | undefined) => `${((bytes ?? 0) / 2 ** 20).toFixed(1)} MiB`;

const dataDir = makeDataDir();
const studio = await startStudio(dataDir);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
try {
  type Course = { id: string; version: number; title: string; type: string; priceFen: number; summary: string; coverHash: string | null };
  const created = await api<Course>(studio.origin, studio.token, 'courses.create', { title: '两百课时的大课' });
  await api(studio.origin, studio.token, 'courses.save', {
    ...created,
    baseVersion: created.version,
    chapters: Array.from({ length: 10 }, (_, c) => ({
      id: `mem-ch-${c}`,
      title: `第${c + 1}章 阶段目标与方法`,
      lessons: Array.from({ length: 20 }, (_, l) => ({ id: `mem-l-${c}-${l}`, title: `第${c * 20 + l + 1}讲｜一个真实案例的完整拆解` })),
    })),
  });

  const page = await browser.newPage();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.goto(studio.openUrl);
  await page.locator('[data-ready="true"]').waitFor();
  await page.getByRole('button', { name: '编辑课程「两百课时的大课」' }).waitFor();
  const list = await metrics(page, cdp);

  await page.getByRole('button', { name: '编辑课程「两百课时的大课」' }).click();
  await page.getByRole('textbox', { name: '第 10 章第 20 课时标题' }).waitFor();
  const open = await metrics(page, cdp);

  console.log(`Renderer memory — Chromium ${browser.version()}, course of 10 chapters × 20 lessons (after a forced GC)`);
  console.log(`  course list      JSHeapUsedSize ${mib(list.JSHeapUsedSize)}   JSHeapTotalSize ${mib(list.JSHeapTotalSize)}   DOM nodes ${list.Nodes}`);
  console.log(`  200-lesson open  JSHeapUsedSize ${mib(open.JSHeapUsedSize)}   JSHeapTotalSize ${mib(open.JSHeapTotalSize)}   DOM nodes ${open.Nodes}`);
  console.log(`  difference       JSHeapUsedSize +${mib((open.JSHeapUsedSize ?? 0) - (list.JSHeapUsedSize ?? 0))}`);
} finally {
  await browser.close();
  await stopStudio(studio, 'SIGTERM');
  fs.rmSync(dataDir, { recursive: true, force: true });
}
