import { describe, expect, it } from 'vitest';
import {
  dayNumber,
  formatOffset,
  fromZonedInput,
  inclusiveDays,
  instantMs,
  isoWeekday,
  issueDates,
  toZonedInput,
} from '../../shared/domain/course-schedule';

describe('calendar dates', () => {
  it('reads real dates only', () => {
    expect(dayNumber('1970-01-02')).toBe(1);
    expect(dayNumber('2028-02-29')).not.toBeNull();
    expect(dayNumber('2026-02-29')).toBeNull();
    expect(dayNumber('2026-13-01')).toBeNull();
    expect(dayNumber('2026-1-01')).toBeNull();
    expect(dayNumber('')).toBeNull();
  });

  it('knows weekdays (ISO: Monday is 1)', () => {
    expect(isoWeekday(dayNumber('2026-11-30')!)).toBe(1); // a Monday
    expect(isoWeekday(dayNumber('2026-11-29')!)).toBe(7);
    expect(isoWeekday(dayNumber('1969-12-31')!)).toBe(3);
  });

  it('counts a camp’s days inclusively, across months and leap days', () => {
    expect(inclusiveDays('2026-12-01', '2026-12-01')).toBe(1);
    expect(inclusiveDays('2028-02-28', '2028-03-01')).toBe(3);
    expect(inclusiveDays('2026-12-21', '2027-01-10')).toBe(21);
    expect(inclusiveDays('2026-12-02', '2026-12-01')).toBeNull();
    expect(inclusiveDays('', '2026-12-01')).toBeNull();
  });
});

describe('a column’s issue dates', () => {
  it('falls on the chosen weekdays, the start date included when it fits', () => {
    // 2026-12-01 is a Tuesday; Tuesdays and Fridays.
    expect(issueDates('2026-12-01', { kind: 'weekly', weekdays: [2, 5] }, 4)).toEqual(['2026-12-01', '2026-12-04', '2026-12-08', '2026-12-11']);
    expect(issueDates('2026-12-01', { kind: 'weekly', weekdays: [1] }, 2)).toEqual(['2026-12-07', '2026-12-14']);
  });

  it('steps every N days', () => {
    expect(issueDates('2026-12-30', { kind: 'interval', everyDays: 3 }, 3)).toEqual(['2026-12-30', '2027-01-02', '2027-01-05']);
  });

  it('is empty without a start or a rhythm', () => {
    expect(issueDates('', { kind: 'interval', everyDays: 3 }, 3)).toEqual([]);
    expect(issueDates('2026-12-01', { kind: 'weekly', weekdays: [] }, 3)).toEqual([]);
    expect(issueDates('2026-12-01', { kind: 'interval', everyDays: 0 }, 3)).toEqual([]);
  });
});

describe('live start times in a time zone', () => {
  it('needs an explicit offset', () => {
    expect(instantMs('2026-12-01T12:00:00.000Z')).toBe(Date.UTC(2026, 11, 1, 12));
    expect(instantMs('2026-12-01T20:00+08:00')).toBe(Date.UTC(2026, 11, 1, 12));
    expect(instantMs('2026-12-01T20:00')).toBeNull();
    expect(instantMs('tomorrow')).toBeNull();
  });

  it('turns Beijing wall-clock time into the instant and back', () => {
    expect(fromZonedInput('2026-12-01T20:00', 'Asia/Shanghai')).toBe('2026-12-01T12:00:00.000Z');
    expect(toZonedInput('2026-12-01T12:00:00.000Z', 'Asia/Shanghai')).toBe('2026-12-01T20:00');
    // Just after midnight in Beijing is the previous day in UTC.
    expect(fromZonedInput('2027-01-01T00:30', 'Asia/Shanghai')).toBe('2026-12-31T16:30:00.000Z');
    expect(formatOffset(Date.UTC(2026, 11, 1), 'Asia/Shanghai')).toBe('UTC+8');
  });

  it('follows daylight saving where the zone has it', () => {
    expect(fromZonedInput('2026-07-01T09:00', 'America/New_York')).toBe('2026-07-01T13:00:00.000Z');
    expect(fromZonedInput('2026-12-01T09:00', 'America/New_York')).toBe('2026-12-01T14:00:00.000Z');
    expect(toZonedInput('2026-07-01T13:00:00.000Z', 'America/New_York')).toBe('2026-07-01T09:00');
    expect(formatOffset(Date.UTC(2026, 6, 1), 'America/New_York')).toBe('UTC-4');
    // 02:30 on the spring-forward night does not exist: the time after the gap is taken.
    expect(fromZonedInput('2026-03-08T02:30', 'America/New_York')).toBe('2026-03-08T07:30:00.000Z');
  });

  it('refuses what is not a wall-clock time', () => {
    expect(fromZonedInput('2026-02-30T10:00', 'Asia/Shanghai')).toBeNull();
    expect(fromZonedInput('2026-12-01T24:00', 'Asia/Shanghai')).toBeNull();
    expect(fromZonedInput('', 'Asia/Shanghai')).toBeNull();
    expect(toZonedInput('not a time', 'Asia/Shanghai')).toBe('');
  });
});
