/**
 * The sandbox's content-security table and limits, as pure logic: verdicts and the daily/minute windows.
 */
import { describe, expect, it } from 'vitest';
import { createVirtualClock } from '../../../electron/sandbox/clock';
import { SEC_CHECK_PER_DAY, SEC_CHECK_PER_MINUTE, SEC_CHECK_TERMS, SecCheckLimiter, judgeContent } from '../../../electron/sandbox/state/sec-check';

describe('judgeContent', () => {
  it('covers the labels the sandbox documents, each with terms', () => {
    expect(SEC_CHECK_TERMS.map((g) => g.label)).toEqual([10001, 20001, 20002, 20006, 20008, 20012]);
    for (const group of SEC_CHECK_TERMS) expect(group.terms.length).toBeGreaterThanOrEqual(2);
  });

  it('passes text without a term and names the deciding term otherwise', () => {
    expect(judgeContent('一篇普通的读书笔记')).toEqual({ suggest: 'pass', label: 100, prob: 90, keyword: null });
    expect(judgeContent('欢迎加微信领取')).toEqual({ suggest: 'review', label: 10001, prob: 60, keyword: '加微信领取' });
    expect(judgeContent('正文', '标题：刷单返利')).toMatchObject({ suggest: 'risky', label: 20008 });
  });
});

describe('SecCheckLimiter', () => {
  it('uses WeChat’s numbers by default: 4,000 a minute, 2,000,000 a day', () => {
    expect([SEC_CHECK_PER_MINUTE, SEC_CHECK_PER_DAY]).toEqual([4000, 2_000_000]);
  });

  it('counts per app, per minute window and per Beijing day', () => {
    // 2024-05-01 00:00:00 UTC = 08:00 Beijing.
    let now = Date.parse('2024-05-01T00:00:00Z');
    const clock = createVirtualClock(() => now);
    const limiter = new SecCheckLimiter(clock, 2, 3);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([null, null, 45011]);
    expect(limiter.take('b')).toBeNull();
    now += 60_000;
    expect([limiter.take('a'), limiter.take('a')]).toEqual([null, 45009]);
    now += 120_000;
    expect(limiter.take('a')).toBe(45009);
    // Midnight Beijing = 16:00 UTC.
    now = Date.parse('2024-05-01T16:00:00Z');
    expect(limiter.take('a')).toBeNull();
  });
});
