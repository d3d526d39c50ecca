/**
 * Calendar arithmetic for course types: calendar dates (`YYYY-MM-DD`, no time zone — a camp's first day is the same
 * date wherever the learner is), instants shown in a chosen IANA time zone (a live session), and the dates a 专栏's
 * issues fall on. Pure: no clock is read here, `now` is always passed in.
 */

/** The time zones a live session can be shown in; Asia/Shanghai (北京时间) is the default. */
export const LIVE_TIME_ZONES = [
  'Asia/Shanghai',
  'Asia/Hong_Kong',
  'Asia/Taipei',
  'Asia/Singapore',
  'Asia/Tokyo',
  'Europe/London',
  'America/New_York',
  'America/Los_Angeles',
] as const;
export type LiveTimeZone = (typeof LIVE_TIME_ZONES)[number];
export const DEFAULT_TIME_ZONE: LiveTimeZone = 'Asia/Shanghai';

const DAY_MS = 86_400_000;
const YMD_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 for a valid `YYYY-MM-DD`, else null (2026-02-30 and 2026-13-01 are not dates). */
export function dayNumber(ymd: string): number | null {
  const m = YMD_RE.exec(ymd);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return ms / DAY_MS;
}

export function ymdFromDayNumber(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** ISO weekday of a day number: 1 = Monday … 7 = Sunday. */
export function isoWeekday(day: number): number {
  // 1970-01-01 was a Thursday (4).
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

/** Days from `start` to `end` inclusive (a camp from the 1st to the 3rd lasts 3 days); null unless both are dates and end ≥ start. */
export function inclusiveDays(start: string, end: string): number | null {
  const a = dayNumber(start);
  const b = dayNumber(end);
  if (a === null || b === null || b < a) return null;
  return b - a + 1;
}

/** A 专栏's update rhythm: on chosen weekdays every week, or every N days from the start date. */
export type ColumnSchedule = { kind: 'weekly'; weekdays: number[] } | { kind: 'interval'; everyDays: number };

/**
 * The dates of the first `count` issues of a column starting on `startDate` (the start date itself counts when it
 * fits the rhythm). Empty when the start is not a date or the rhythm is empty.
 */
export function issueDates(startDate: string, schedule: ColumnSchedule, count: number): string[] {
  const start = dayNumber(startDate);
  if (start === null || count <= 0) return [];
  const out: string[] = [];
  if (schedule.kind === 'interval') {
    if (!Number.isInteger(schedule.everyDays) || schedule.everyDays < 1) return [];
    for (let i = 0; i < count; i++) out.push(ymdFromDayNumber(start + i * schedule.everyDays));
    return out;
  }
  const days = new Set(schedule.weekdays.filter((d) => Number.isInteger(d) && d >= 1 && d <= 7));
  if (days.size === 0) return [];
  for (let day = start; out.length < count; day++) if (days.has(isoWeekday(day))) out.push(ymdFromDayNumber(day));
  return out;
}

/** An instant with an explicit offset: `2026-12-01T12:00:00.000Z` or `2026-12-01T20:00+08:00`. */
const INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** Milliseconds since the epoch for an ISO instant that carries its offset, else null (a bare local time is ambiguous). */
export function instantMs(iso: string): number | null {
  if (!INSTANT_RE.test(iso)) return null;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : null;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall clock in `timeZone` at instant `ms`, as fields. */
function wallClock(ms: number, timeZone: string): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const parts = Object.fromEntries(partsFormatter(timeZone).formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return {
    y: Number(parts.year),
    mo: Number(parts.month),
    d: Number(parts.day),
    h: Number(parts.hour) % 24,
    mi: Number(parts.minute),
    s: Number(parts.second),
  };
}

/** The zone's offset from UTC at instant `ms`, in minutes (Asia/Shanghai: +480). */
export function zoneOffsetMinutes(ms: number, timeZone: string): number {
  const w = wallClock(ms, timeZone);
  const asUtc = Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
}

/** `YYYY-MM-DDTHH:mm` as the clock on the wall in `timeZone` shows instant `iso` (what a datetime-local input holds). */
export function toZonedInput(iso: string, timeZone: string): string {
  const ms = instantMs(iso);
  if (ms === null) return '';
  const w = wallClock(ms, timeZone);
  const p = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${p(w.y, 4)}-${p(w.mo)}-${p(w.d)}T${p(w.h)}:${p(w.mi)}`;
}

/**
 * The instant (UTC ISO) at which the wall clock in `timeZone` reads `local` (`YYYY-MM-DDTHH:mm`), or null when
 * `local` is not such a time. In a gap of a daylight-saving change the time after the gap is taken.
 */
export function fromZonedInput(local: string, timeZone: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!m || dayNumber(`${m[1]}-${m[2]}-${m[3]}`) === null) return null;
  const [h, mi] = [Number(m[4]), Number(m[5])];
  if (h > 23 || mi > 59) return null;
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), h, mi);
  // Two passes: the offset at the first guess may differ from the offset at the answer across a DST change.
  const first = wall - zoneOffsetMinutes(wall, timeZone) * 60_000;
  const second = wall - zoneOffsetMinutes(first, timeZone) * 60_000;
  const w = wallClock(second, timeZone);
  const fits = Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi) === wall;
  // A wall time that does not fit either pass lies in a gap: the later candidate is the same clock after the jump.
  return new Date(fits ? second : Math.max(first, second)).toISOString();
}

/** `UTC+8`, `UTC-4`, `UTC+5:30` for the zone at that instant. */
export function formatOffset(ms: number, timeZone: string): string {
  const off = zoneOffsetMinutes(ms, timeZone);
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off);
  return `UTC${sign}${Math.floor(abs / 60)}${abs % 60 ? `:${String(abs % 60).padStart(2, '0')}` : ''}`;
}
