/** Timing helpers for the benchmark scripts: a clock in milliseconds, and median / p95 / min lines against a target. */
export function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export interface Stats {
  median: number;
  p95: number;
  min: number;
  n: number;
}

export function stats(samples: number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  // Nearest-rank percentile.
  const p95 = s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)]!;
  return { median, p95, min: s[0]!, n: s.length };
}

/** One line: median, p95, min and whether the median meets the target (a miss is reported, never thrown). */
export function reportLine(name: string, samples: number[], targetMs: number, note = ''): string {
  const { median, p95, min, n } = stats(samples);
  const verdict = median < targetMs ? 'PASS' : 'MISS';
  return (
    `${name.padEnd(44)} median ${median.toFixed(2).padStart(7)} ms   p95 ${p95.toFixed(2).padStart(7)} ms   ` +
    `min ${min.toFixed(2).padStart(7)} ms   (n=${n})   target < ${targetMs} ms  ${verdict}${note ? `   ${note}` : ''}`
  );
}
