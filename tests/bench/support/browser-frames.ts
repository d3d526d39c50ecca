/**
 * What the editor benchmarks measure in Chromium: calls to a running studio's contract over loopback, and frame
 * figures from a Chrome performance trace recorded through Playwright (`browser.startTracing`) during a drag.
 *
 * A frame's interval is bounded below by the display's refresh (16.7 ms at 60 Hz), so "frames under 16 ms" is read as
 * the main thread's work per frame: the renderer main thread's tasks between two DrawFrame events. Intervals longer
 * than 1.5 refreshes are counted as missed frames.
 */
import os from 'node:os';
import type { RunningStudio } from '../../e2e/support/studio-process';
import { stats } from './stats';

/** One contract call to the studio over its loopback HTTP transport (what the page's client does). */
export async function callStudio<T>(studio: RunningStudio, method: string, input: unknown): Promise<T> {
  const res = await fetch(`${studio.origin}/api/call`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${studio.token}` },
    body: JSON.stringify({ method, input }),
  });
  const body = (await res.json()) as { ok: boolean; value: T; error?: unknown };
  if (!body.ok) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
  return body.value;
}

interface TraceEvent {
  name: string;
  ts: number;
  dur?: number;
  ph: string;
  pid: number;
  tid: number;
  args?: { name?: string; data?: { type?: string } };
}

const REFRESH_MS = 1000 / 60;

/** Prints frame intervals, main-thread work per frame, missed frames and mousemove handling from a trace. */
export function printFrameFigures(traceBuffer: Buffer, label: string, targetMs = 16): void {
  const events = (JSON.parse(traceBuffer.toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  const main = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const frames = events.filter((e) => e.name === 'DrawFrame').map((e) => e.ts / 1000).sort((a, b) => a - b);
  const intervals = frames.slice(1).map((t, i) => t - frames[i]!);
  const tasks = events
    .filter((e) => e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask' && main && e.pid === main.pid && e.tid === main.tid)
    .map((e) => ({ at: e.ts / 1000, dur: (e.dur ?? 0) / 1000 }));
  const moves = events.filter((e) => e.ph === 'X' && e.name === 'EventDispatch' && e.args?.data?.type === 'mousemove').map((e) => (e.dur ?? 0) / 1000);

  console.log(label);
  if (intervals.length < 2) {
    console.log('  no DrawFrame events in the trace');
    return;
  }
  const work = intervals.map((_, i) =>
    tasks.filter((t) => t.at >= frames[i]! && t.at < frames[i + 1]!).reduce((sum, t) => sum + t.dur, 0),
  );
  const s = stats(intervals);
  const w = stats(work);
  const missed = intervals.filter((d) => d > REFRESH_MS * 1.5).length;
  console.log(`  frames ${frames.length}   interval median ${s.median.toFixed(1)} ms   p95 ${s.p95.toFixed(1)} ms   missed (> ${(REFRESH_MS * 1.5).toFixed(0)} ms) ${missed}`);
  console.log(
    `  main-thread work per frame   median ${w.median.toFixed(1)} ms   p95 ${w.p95.toFixed(1)} ms   max ${Math.max(...work).toFixed(1)} ms   ` +
      `(target < ${targetMs} ms: ${w.p95 < targetMs ? 'PASS' : 'MISS'} at p95)`,
  );
  if (moves.length > 0) {
    const m = stats(moves);
    console.log(`  mousemove handling ${moves.length}   median ${m.median.toFixed(2)} ms   p95 ${m.p95.toFixed(2)} ms   max ${Math.max(...moves).toFixed(1)} ms`);
  }
  console.log(`  machine load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores (frame figures mean something only on a quiet machine)`);
}

/** The trace categories `printFrameFigures` reads (frames, input events, and the main thread's tasks). */
export const FRAME_TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline.frame', 'toplevel'];
