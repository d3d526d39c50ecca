/**
 * The sandbox's virtual clock: real time plus an offset that only moves forward (control API `clock.advance`), so
 * tests can expire tokens, codes and tickets without waiting.
 */

export interface SandboxClock {
  /** Milliseconds since the epoch, as the sandbox sees it. */
  now(): number;
  /** Moves the clock forward by `seconds`; returns the new now(). */
  advance(seconds: number): number;
}

export function createVirtualClock(realNow: () => number = Date.now): SandboxClock {
  let offsetMs = 0;
  return {
    now: () => realNow() + offsetMs,
    advance(seconds) {
      offsetMs += seconds * 1000;
      return realNow() + offsetMs;
    },
  };
}

const BEIJING_OFFSET_MS = 8 * 3600 * 1000;

/** The Beijing calendar day of `ms` (daily quotas reset at midnight Beijing time, §11.3). */
export function beijingDay(ms: number): number {
  return Math.floor((ms + BEIJING_OFFSET_MS) / 86_400_000);
}

/** Unix seconds, as WeChat writes CreateTime and timestamps. */
export function unixSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}
