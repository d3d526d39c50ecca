/**
 * China time for the planner. Plans are written in Beijing time (Asia/Shanghai, UTC+8, no daylight saving since 1991),
 * and WeChat's quotas reset at Beijing midnight and at the start of a Beijing calendar month — so a fixed +08:00
 * offset is exact and needs no time-zone database.
 */
const OFFSET_MS = 8 * 3600_000;

/** `YYYY-MM-DDTHH:mm` (China time) → epoch milliseconds. */
export function chinaTimeToEpoch(local: string): number {
  const [date, time] = local.split('T') as [string, string];
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi] = time.split(':').map(Number) as [number, number];
  return Date.UTC(y, m - 1, d, h, mi) - OFFSET_MS;
}

/** Epoch milliseconds → `YYYY-MM-DDTHH:mm` China time. */
export function epochToChinaTime(ms: number): string {
  return new Date(ms + OFFSET_MS).toISOString().slice(0, 16);
}

/** The calendar day (`YYYY-MM-DD`) of a China local time. */
export const dayOf = (local: string): string => local.slice(0, 10);
/** The calendar month (`YYYY-MM`) of a China local time. */
export const monthOf = (local: string): string => local.slice(0, 7);

export function daysInMonth(month: string): number {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** The Monday (`YYYY-MM-DD`) of the ISO week a China local day falls in. */
export function weekOf(local: string): string {
  const ms = Date.parse(`${dayOf(local)}T00:00:00Z`);
  const weekday = (new Date(ms).getUTCDay() + 6) % 7;
  return new Date(ms - weekday * 86_400_000).toISOString().slice(0, 10);
}

export const HOUR_MS = 3600_000;
export const DAY_MS = 86_400_000;
