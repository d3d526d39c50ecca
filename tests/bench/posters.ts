/**
 * Share-poster figures (`npm run bench:posters`; `npm run build` first for the editor part):
 *   1. one 1080×1920 PNG export through the host (`posters.export`: compliance scan, QR, paint, encode) — target < 250 ms;
 *   2. 1,000 personalized posters from a CSV through `posters.batchStart` (worker threads, PNG files written) —
 *      target < 60 s, posters/s printed;
 *   3. the editor with 200 elements in Chromium: a Chromium trace (Playwright `browser.startTracing`, timeline
 *      categories) recorded while an element is dragged across the canvas; frame intervals (DrawFrame events) and
 *      the handling time of each mousemove (EventDispatch) are printed.
 * A report, not a test: misses are printed, never thrown. `--skip-editor` skips part 3.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { createStudioHost, type StudioHost } from '../../electron/studio/host';
import type { BatchProgress } from '../../shared/poster/contract';
import { findTemplate, type PosterElement } from '../../shared/poster/index';
import { makeDataDir, startStudio, stopStudio } from '../e2e/support/studio-process';
import { ms, reportLine } from './support/stats';
import { FRAME_TRACE_CATEGORIES, callStudio, printFrameFigures } from './support/browser-frames';

async function call<T>(host: StudioHost, method: string, input: unknown): Promise<T> {
  const result = await host.dispatch(method, input);
  if (!result.ok) throw new Error(`${method}: ${JSON.stringify(result.error)}`);
  return result.value as T;
}

type PosterOut = { id: string; version: number; document: { elements: PosterElement[] } & Record<string, unknown> };

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'creator-studio-bench-posters-'));
console.log(`Share posters — Node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'})`);
try {
  const host = createStudioHost({ dataDir: path.join(root, 'data'), shell: 'desktop' });
  try {
    await call(host, 'posters.updateBrand', { linkBase: 'https://learn.example.com/p' });
    const poster = await call<PosterOut>(host, 'posters.create', { name: 'bench', templateId: 'course-bold-1080x1920' });
    const samples: number[] = [];
    for (let i = 0; i < 23; i++) {
      const t = process.hrtime.bigint();
      await call(host, 'posters.export', { id: poster.id, document: poster.document });
      if (i >= 3) samples.push(ms(t));
    }
    console.log(reportLine('one 1080×1920 PNG export (posters.export)', samples, 250));

    const invite = await call<PosterOut>(host, 'posters.create', { name: 'batch', templateId: 'invite-warm-1080x1920' });
    const csv = `昵称,邀请码,打卡天数\n${Array.from({ length: 1000 }, (_, i) => `学员${i + 1},INV${String(i + 1).padStart(4, '0')},${(i % 90) + 1}`).join('\n')}\n`;
    const out = path.join(root, 'batch');
    const done = new Promise<BatchProgress>((resolve) =>
      host.on((e) => {
        if (e.event === 'posters.batchProgressed' && (e.payload as BatchProgress).state !== 'running') resolve(e.payload as BatchProgress);
      }),
    );
    const load = os.loadavg()[0]!;
    const cpu = process.cpuUsage();
    const t = process.hrtime.bigint();
    await call(host, 'posters.batchStart', { id: invite.id, document: invite.document, source: { kind: 'csv', text: csv }, outputDir: out });
    const final = await done;
    const seconds = ms(t) / 1000;
    // CPU time of every thread of this process (workers included): what the batch costs, whatever else the machine runs.
    const used = process.cpuUsage(cpu);
    const cpuSeconds = (used.user + used.system) / 1e6;
    const files = fs.readdirSync(out).length;
    console.log(
      `${'1,000 personalized 1080×1920 PNGs (batch)'.padEnd(44)} ${seconds.toFixed(1)} s   ${(final.done / seconds).toFixed(1)} posters/s   ` +
        `${final.done} written, ${final.failed} failed, ${files} files   target < 60 s  ${seconds < 60 && final.done === 1000 ? 'PASS' : 'MISS'}`,
    );
    console.log(
      `${''.padEnd(44)} ${cpuSeconds.toFixed(1)} CPU s (${((cpuSeconds / final.done) * 1000).toFixed(0)} ms per poster) → ` +
        `${(final.done / (cpuSeconds / 2)).toFixed(1)} posters/s on 2 idle cores; load average was ${load.toFixed(1)} at the start`,
    );
  } finally {
    await host.close();
  }

  if (!process.argv.includes('--skip-editor')) await editorFrames();
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}

/** 200 elements: the template's own plus rows of small shapes and text labels. */
function twoHundred(elements: PosterElement[]): PosterElement[] {
  const base = { rotation: 0, opacity: 1, locked: false, hidden: false, groupId: null };
  const extra: PosterElement[] = [];
  for (let i = 0; extra.length + elements.length < 200; i++) {
    const x = 40 + (i % 10) * 100;
    const y = 1000 + Math.floor(i / 10) * 90;
    extra.push(
      i % 2
        ? { ...base, id: `b-${i}`, name: `标签 ${i}`, x, y, width: 90, height: 40, type: 'text', text: `第${i}天 打卡`, fontSize: 20, fontWeight: 'regular', lineHeight: 1.3, color: '#333333', align: 'left', verticalAlign: 'top', autoFit: true, minFontSize: 10 }
        : { ...base, id: `b-${i}`, name: `块 ${i}`, x, y, width: 80, height: 60, type: 'shape', shape: 'rect', fill: 'brand.accent', fill2: null, stroke: null, strokeWidth: 0, radius: 8 },
    );
  }
  return [...elements, ...extra];
}

async function editorFrames(): Promise<void> {
  if (!fs.existsSync(path.resolve(import.meta.dirname, '../../out/node/cli.js'))) {
    console.log('editor frame time: skipped (run `npm run build` first)');
    return;
  }
  const dataDir = makeDataDir();
  const studio = await startStudio(dataDir);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
  try {
    const api = <T>(method: string, input: unknown): Promise<T> => callStudio<T>(studio, method, input);
    const created = await api<PosterOut & { name: string }>('posters.create', { name: '两百个元素', templateId: 'checkin-calendar-1080x1920' });
    const template = findTemplate('checkin-calendar-1080x1920')!.document;
    await api('posters.save', { id: created.id, baseVersion: created.version, name: created.name, document: { ...template, elements: twoHundred(template.elements) } });

    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(studio.openUrl);
    await page.locator('[data-ready="true"]').waitFor();
    // The token stays in the page's memory; the route is the hash (the page reads it on hashchange).
    await page.evaluate(`window.location.hash = '#/posters/${created.id}'`);
    await page.locator('[data-testid="poster-editor"][data-elements="200"]').waitFor();
    const stage = (await page.getByTestId('poster-stage').locator('canvas').first().boundingBox())!;
    // Select the template's QR code, then drag it across the canvas (the editor opens at 40 %).
    const qr = template.elements.find((e) => e.type === 'qr')!;
    const start = { x: stage.x + (qr.x + qr.width / 2) * 0.4, y: stage.y + (qr.y + qr.height / 2) * 0.4 };
    await page.mouse.click(start.x, start.y);
    await browser.startTracing(page, { categories: FRAME_TRACE_CATEGORIES });
    await page.mouse.move(start.x, start.y);
    await page.mouse.down();
    for (let i = 1; i <= 120; i++) await page.mouse.move(start.x - 150 + 300 * Math.abs(Math.sin(i / 20)), start.y - i * 0.8);
    await page.mouse.up();
    await page.waitForTimeout(300);
    printFrameFigures(await browser.stopTracing(), `Editor with 200 elements — Chromium ${browser.version()}, 120-step drag, from the trace`);
  } finally {
    await browser.close();
    await stopStudio(studio, 'SIGTERM');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
