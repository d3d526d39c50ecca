/**
 * Funnel planner speed (`npm run build` first, then `npm run bench:funnels`).
 *
 * 1. A 200-node, ~300-edge plan over three months (deterministic): validation against the calendar + projections
 *    (low / expected / high) + the one-at-a-time sensitivity of every edge, as the page recomputes them on each edit.
 *    Target: < 20 ms per full analysis.
 * 2. Dragging a node on the 200-node canvas in Chromium: a Chrome performance trace recorded through Playwright
 *    (`browser.startTracing`) while the mouse drags a node across the canvas; frame intervals from the trace's
 *    DrawFrame events and main-thread tasks longer than 16 ms are printed. A report, not a test.
 */
import fs from 'node:fs';
import { chromium } from '@playwright/test';
import {
  NODE_KINDS,
  newNode,
  projectFunnel,
  sensitivity,
  validateFunnel,
  type FunnelDocument,
  type FunnelEdge,
  type NodeKind,
} from '../../shared/funnel/index';
import { prng } from '../helpers/prng';
import { makeDataDir, startStudio, stopStudio } from '../e2e/support/studio-process';
import { ms, reportLine } from './support/stats';
import { FRAME_TRACE_CATEGORIES, callStudio, printFrameFigures } from './support/browser-frames';

/** Columns of 10 nodes; each node feeds 1–2 nodes of the next columns (a DAG), times spread over three months. */
function bigPlan(nodeCount = 200): FunnelDocument {
  const random = prng(9);
  const kinds: NodeKind[] = NODE_KINDS.filter((k) => k !== 'purchase' && k !== 'refund');
  const nodes = Array.from({ length: nodeCount }, (_, i) => {
    const column = Math.floor(i / 10);
    const last = column === nodeCount / 10 - 1;
    const kind: NodeKind = last ? 'purchase' : kinds[Math.floor(random() * kinds.length)]!;
    const day = 1 + Math.floor(random() * 28);
    const month = 6 + Math.floor(column / 7);
    return newNode(`n${i}`, kind, `步骤 ${i}`, column * 260, (i % 10) * 120, {
      audience: column === 0 ? 5000 + Math.floor(random() * 5000) : 0,
      at: `2026-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T${String(8 + (i % 12)).padStart(2, '0')}:00`,
      text: kind === 'momentsAd' ? '三个真实案例讲透课程定价' : '今晚 8 点直播，欢迎预约',
      priceFen: last ? 19900 : 0,
    });
  });
  const edges: FunnelEdge[] = [];
  for (let i = 0; i < nodeCount - 10; i++) {
    const fanOut = 1 + Math.floor(random() * 2);
    for (let k = 0; k < fanOut; k++) {
      const target = (Math.floor(i / 10) + 1 + Math.floor(random() * 2)) * 10 + Math.floor(random() * 10);
      if (target >= nodeCount || edges.some((e) => e.source === `n${i}` && e.target === `n${target}`)) continue;
      const expected = 0.4 + random() * 0.55;
      edges.push({ id: `e${edges.length}`, source: `n${i}`, target: `n${target}`, low: expected * 0.6, expected, high: Math.min(1, expected * 1.4) });
    }
  }
  return { schemaVersion: 1, name: '两百步的大漏斗', nodes, edges };
}

const plan = bigPlan();
console.log(`Funnel planner — ${plan.nodes.length} nodes, ${plan.edges.length} edges, Node ${process.version}`);
for (let i = 0; i < 20; i++) {
  validateFunnel(plan);
  projectFunnel(plan);
  sensitivity(plan);
}
const validate: number[] = [];
const project: number[] = [];
const sens: number[] = [];
const all: number[] = [];
for (let i = 0; i < 200; i++) {
  const t0 = process.hrtime.bigint();
  const findings = validateFunnel(plan);
  const t1 = process.hrtime.bigint();
  const projection = projectFunnel(plan);
  const t2 = process.hrtime.bigint();
  sensitivity(plan);
  validate.push(Number(t1 - t0) / 1e6);
  project.push(Number(t2 - t1) / 1e6);
  sens.push(ms(t2));
  all.push(ms(t0));
  if (i === 0) console.log(`  ${findings.length} findings, expected revenue ¥${(projection.byScenario.expected.totals.revenueFen / 100).toFixed(0)}`);
}
console.log(reportLine('validate (whole plan, calendar rules)', validate, 20));
console.log(reportLine('project (low / expected / high)', project, 20));
console.log(reportLine('sensitivity (every edge ±10 %)', sens, 20));
console.log(reportLine('validate + project + sensitivity', all, 20));

// The drag, in the built studio.
const dataDir = makeDataDir();
const studio = await startStudio(dataDir);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
try {
  const call = <T>(method: string, input: unknown): Promise<T> => callStudio<T>(studio, method, input);
  const created = await call<{ id: string; version: number }>('funnels.create', { name: plan.name });
  await call('funnels.save', { id: created.id, baseVersion: created.version, document: plan });

  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.goto(studio.openUrl);
  await page.locator('[data-ready="true"]').waitFor();
  await page.getByRole('link', { name: '营销漏斗' }).click();
  await page.getByRole('button', { name: `打开漏斗「${plan.name}」` }).click();
  const canvas = page.getByRole('region', { name: '漏斗画布' });
  await canvas.locator('.react-flow__node').first().waitFor();
  const node = canvas.locator('.react-flow__node[data-id="n5"]');
  const box = (await node.boundingBox())!;
  const x0 = box.x + box.width / 2;
  const y0 = box.y + box.height / 2;

  await browser.startTracing(page, { categories: FRAME_TRACE_CATEGORIES });
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  const steps = 120;
  for (let i = 1; i <= steps; i++) await page.mouse.move(x0 + (i * 300) / steps, y0 + Math.sin(i / 10) * 80);
  await page.mouse.up();
  await page.waitForTimeout(200);
  const traceBuffer = await browser.stopTracing();
  if (process.env.SAVE_TRACE) fs.writeFileSync(process.env.SAVE_TRACE, traceBuffer);
  printFrameFigures(traceBuffer, `\nDrag on the ${plan.nodes.length}-node canvas — Chromium ${browser.version()}, ${steps} mouse moves, Chrome trace through Playwright`);
  const saved = await call<{ version: number }>('funnels.get', { id: created.id });
  console.log(`  saves after the drag: version ${created.version + 1} → ${saved.version} (one drop = one change)`);
} finally {
  await browser.close();
  await stopStudio(studio, 'SIGTERM');
  fs.rmSync(dataDir, { recursive: true, force: true });
}
