/**
 * WeChat errcodes as errors a creator can act on: the IP to whitelist from 40164's errmsg, the reset time of a
 * daily quota (midnight Beijing time), and a specific message for each code the issue names.
 */
import { describe, expect, it } from 'vitest';
import { ipFromErrmsg, nextBeijingMidnight, wechatError } from '../../../electron/companion/wechat/errors';

const ctx = { apiPath: '/cgi-bin/qrcode/create', now: new Date('2024-05-01T10:00:00Z') };

describe('WeChat errors', () => {
  it('finds the caller IP in 40164 errmsg variants', () => {
    expect(ipFromErrmsg('invalid ip 1.2.3.4 ipv6 ::ffff:1.2.3.4, not in whitelist rid: 5f5cafe9-456a174e')).toBe('1.2.3.4');
    expect(ipFromErrmsg('invalid ip 203.0.113.7, not in whitelist hint: [xyz]')).toBe('203.0.113.7');
    expect(ipFromErrmsg('not in whitelist')).toBeNull();
  });

  it('40164 names the IP to whitelist, in the message and in details', () => {
    const error = wechatError(40164, 'invalid ip 198.51.100.23 ipv6 ::ffff:198.51.100.23, not in whitelist rid: 1', ctx);
    expect(error.code).toBe('WECHAT_ERROR');
    expect(error.details).toMatchObject({ errcode: 40164, ip: '198.51.100.23', apiPath: ctx.apiPath });
    expect(error.message).toMatch(/198\.51\.100\.23.*IP白名单/);
    expect(error.message).toMatch(/add 198\.51\.100\.23/);
  });

  it('45009 says when the quota resets: the next midnight in Beijing (UTC+8)', () => {
    expect(nextBeijingMidnight(new Date('2024-05-01T10:00:00Z')).toISOString()).toBe('2024-05-01T16:00:00.000Z');
    // 23:59 Beijing is 15:59 UTC: reset one minute later.
    expect(nextBeijingMidnight(new Date('2024-05-01T15:59:00Z')).toISOString()).toBe('2024-05-01T16:00:00.000Z');
    // 00:00 Beijing exactly: the next reset is a day away.
    expect(nextBeijingMidnight(new Date('2024-05-01T16:00:00Z')).toISOString()).toBe('2024-05-02T16:00:00.000Z');
    const error = wechatError(45009, 'reach max api daily quota limit rid: 1', ctx);
    expect(error.details).toMatchObject({ errcode: 45009, resetAt: '2024-05-01T16:00:00.000Z' });
    expect(error.message).toContain('北京时间 2024-05-02 00:00');
  });

  it('has a specific message for 40125, 40013, 40001 on the token endpoint, 40029 and 40163', () => {
    expect(wechatError(40125, 'invalid appsecret', ctx).message).toMatch(/^AppSecret 无效/);
    expect(wechatError(40013, 'invalid appid', ctx).message).toMatch(/^AppID 无效/);
    expect(wechatError(40001, 'invalid credential', { ...ctx, tokenEndpoint: true }).message).toMatch(/^AppSecret 错误/);
    expect(wechatError(40001, 'invalid credential', ctx).message).toMatch(/^access_token 无效/);
    expect(wechatError(40029, 'invalid code', ctx).details).toMatchObject({ errcode: 40029 });
    expect(wechatError(40163, 'code been used', ctx).message).toMatch(/已被使用/);
    expect(wechatError(99999, 'something new', ctx).message).toContain('99999');
  });
});
