/**
 * The pure rules of orders: out_trade_no shape and uniqueness, Beijing RFC 3339 for time_expire, what attach carries
 * within 128 characters, the descriptions, state transitions that never undo a payment, and list date filters.
 */
import { describe, expect, it } from 'vitest';
import { ORDER_STATES, type OrderState } from '../../../shared/companion/api';
import {
  ATTACH_MAX,
  beijingRfc3339,
  canRefundTransition,
  canTransition,
  defaultDescription,
  encodeAttach,
  filterInstant,
  isOutTradeNo,
  newOutRefundNo,
  newOutTradeNo,
} from '../../../electron/companion/services/pay/order-rules';

describe('order numbers', () => {
  it('are 28 characters of [0-9A-Za-z] within §9.4 limits, dated in Beijing time, and do not repeat', () => {
    const now = new Date('2024-01-01T04:00:06Z');
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const no = newOutTradeNo(now);
      expect(no).toMatch(/^CS20240101120006[0-9A-Za-z]{12}$/);
      expect(isOutTradeNo(no)).toBe(true);
      seen.add(no);
    }
    expect(seen.size).toBe(2000);
    expect(newOutRefundNo(now)).toMatch(/^RF20240101120006[0-9A-Za-z]{12}$/);
  });

  it('isOutTradeNo follows §9.4: 6–32 characters of letters, digits, _ - | *', () => {
    expect(isOutTradeNo('abc_-|*123')).toBe(true);
    expect(isOutTradeNo('12345')).toBe(false);
    expect(isOutTradeNo('x'.repeat(33))).toBe(false);
    expect(isOutTradeNo('订单123456')).toBe(false);
    expect(isOutTradeNo('abc def1')).toBe(false);
  });
});

describe('beijingRfc3339', () => {
  it('formats as yyyy-MM-ddTHH:mm:ss+08:00, crossing midnight correctly', () => {
    expect(beijingRfc3339(new Date('2024-01-01T04:00:06.789Z'))).toBe('2024-01-01T12:00:06+08:00');
    expect(beijingRfc3339(new Date('2023-12-31T16:30:00Z'))).toBe('2024-01-01T00:30:00+08:00');
  });
});

describe('encodeAttach', () => {
  it('carries course ids and the tracking scene', () => {
    expect(encodeAttach(['c1'], null)).toBe('c=c1');
    expect(encodeAttach(['c1', 'c2'], 'poster:p9')).toBe('c=c1,c2;s=poster:p9');
  });

  it('stays within 128 characters for a large bundle, keeping the scene and counting what it left out', () => {
    const ids = Array.from({ length: 20 }, (_, i) => `0b7f3c2e-1d4a-4e8b-9f6a-${String(i).padStart(12, '0')}`);
    const scene = 'funnel:'.padEnd(64, 'x');
    const attach = encodeAttach(ids, scene);
    expect(attach.length).toBeLessThanOrEqual(ATTACH_MAX);
    expect(attach.endsWith(`;s=${scene}`)).toBe(true);
    expect(attach).toMatch(/^c=0b7f3c2e-1d4a-4e8b-9f6a-000000000000,\+19;s=/);
    const noScene = encodeAttach(ids, undefined);
    expect(noScene.length).toBeLessThanOrEqual(ATTACH_MAX);
    expect(noScene).toMatch(/,\+17$/);
    expect(noScene.split(',').length).toBe(4);
  });
});

describe('defaultDescription', () => {
  it('names the course, or the first and how many, within 127 characters', () => {
    expect(defaultDescription(['写作训练营'])).toBe('写作训练营');
    expect(defaultDescription(['写作训练营', '摄影入门', '播客课'])).toBe('写作训练营 等 3 门课程');
    expect([...defaultDescription(['长'.repeat(200)])].length).toBe(127);
  });
});

describe('state transitions', () => {
  const all = ORDER_STATES as readonly OrderState[];

  it('open orders follow whatever WeChat reports', () => {
    for (const from of ['CREATING', 'NOTPAY', 'USERPAYING'] as const) {
      for (const to of all) expect(canTransition(from, to), `${from}→${to}`).toBe(from !== to);
    }
  });

  it('a paid order never goes back: SUCCESS only moves on to REFUND, REFUND is final', () => {
    expect(all.filter((to) => canTransition('SUCCESS', to))).toEqual(['REFUND']);
    expect(all.filter((to) => canTransition('REFUND', to))).toEqual([]);
  });

  it('a closed, failed or revoked order can still turn out paid (a payment that raced the close), nothing else', () => {
    for (const from of ['CLOSED', 'FAILED', 'REVOKED', 'PAYERROR'] as const) {
      expect(all.filter((to) => canTransition(from, to))).toEqual(['SUCCESS', 'REFUND']);
    }
  });

  it('refunds: CREATING goes anywhere, PROCESSING and ABNORMAL settle, SUCCESS/CLOSED/FAILED are final', () => {
    expect(canRefundTransition('CREATING', 'FAILED')).toBe(true);
    expect(canRefundTransition('PROCESSING', 'SUCCESS')).toBe(true);
    expect(canRefundTransition('PROCESSING', 'CREATING')).toBe(false);
    expect(canRefundTransition('ABNORMAL', 'SUCCESS')).toBe(true);
    expect(canRefundTransition('SUCCESS', 'CLOSED')).toBe(false);
    expect(canRefundTransition('CLOSED', 'SUCCESS')).toBe(false);
    expect(canRefundTransition('SUCCESS', 'SUCCESS')).toBe(false);
  });
});

describe('filterInstant', () => {
  it('reads a bare day as a Beijing day; to is the next day’s start', () => {
    expect(filterInstant('2024-03-01', 'from')).toBe('2024-02-29T16:00:00.000Z');
    expect(filterInstant('2024-03-01', 'to')).toBe('2024-03-01T16:00:00.000Z');
    expect(filterInstant('2024-03-01T10:00:00+08:00', 'to')).toBe('2024-03-01T02:00:00.000Z');
    expect(filterInstant('yesterday', 'from')).toBeNull();
  });
});
