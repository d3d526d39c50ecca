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
import os from 'node:os';
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
import { ms, reportLine, stats } from './support/stats';

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
  const call = async <T>(method: string, input: unknown): Promise<T> => {
    const res = await fetch(`${studio.origin}/api/call`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${studio.token}` },
      body: JSON.stringify({ method, input }),
    });
    const body = (await res.json()) as { ok: boolean; value: T; error?: unknown };
    if (!body.ok) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
    return body.value;
  };
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

  await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline.frame', 'toplevel'] });
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  const steps = 120;
  for (let i = 1; i <= steps; i++) await page.mouse.move(x0 + (i * 300) / steps, y0 + Math.sin(i / 10) * 80);
  await page.mouse.up();
  await page.waitForTimeout(200);
  const trace = JSON.parse((await browser.stopTracing()).toString('utf8')) as { traceEvents: Array<{ name: string; ts: number; dur?: number; ph: string; args?: Record<string, unknown> }> };

  const frames = trace.traceEvents.filter((e) => e.name === 'DrawFrame').map((e) => e.ts).sort((a, b) => a - b);
  const intervals = frames.slice(1).map((ts, i) => (ts - frames[i]!) / 1000);
  const tasks = trace.traceEvents.filter((e) => e.name === 'ThreadControllerImpl::RunTask' && e.ph === 'X' && (e.dur ?? 0) > 0).map((e) => (e.dur ?? 0) / 1000);
  const long = tasks.filter((d) => d > 16);
  console.log(`\nDrag on the ${plan.nodes.length}-node canvas — Chromium ${browser.version()}, ${steps} mouse moves, Chrome trace through Playwright`);
  if (intervals.length > 1) {
    const s = stats(intervals);
    console.log(`  frames ${frames.length}   interval median ${s.median.toFixed(1)} ms   p95 ${s.p95.toFixed(1)} ms   max ${Math.max(...intervals).toFixed(1)} ms   (target < 16 ms)`);
  } else {
    console.log('  no DrawFrame events in the trace');
  }
  // Work done for each mouse move (React, React Flow, the store), independent of how the compositor schedules frames.
  const moves = trace.traceEvents.filter((e) => e.name === 'EventDispatch' && e.ph === 'X' && (e.args?.data as { type?: string } | undefined)?.type === 'mousemove').map((e) => (e.dur ?? 0) / 1000);
  if (moves.length > 0) {
    const m = stats(moves);
    console.log(`  mousemove handling ${moves.length}   median ${m.median.toFixed(2)} ms   p95 ${m.p95.toFixed(2)} ms   max ${Math.max(...moves).toFixed(1)} ms`);
  }
  if (tasks.length > 0) {
    const t = stats(tasks);
    console.log(`  tasks ${tasks.length}   median ${t.median.toFixed(2)} ms   p95 ${t.p95.toFixed(2)} ms   longest ${Math.max(...tasks).toFixed(1)} ms   over 16 ms: ${long.length}`);
  }
  console.log(`  machine load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores (frame figures are only meaningful on a quiet machine)`);
  const saved = await call<{ version: number }>('funnels.get', { id: created.id });
  console.log(`  saves after the drag: version ${created.version + 1} → ${saved.version} (one drop = one change)`);
} finally {
  await browser.close();
  await stopStudio(studio, 'SIGTERM');
  fs.rmSync(dataDir, { recursive: true, force: true });
}
