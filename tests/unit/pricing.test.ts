import { describe, expect, it } from 'vitest';
import { allocateFen, discountFor, quote, type PriceItem } from '../../shared/domain/pricing';

const course = (courseId: string, priceFen: number): PriceItem => ({ courseId, title: `课程 ${courseId}`, priceFen });

function ok(result: ReturnType<typeof quote>) {
  if (!result.ok) throw new Error(`expected a quote, got ${result.code}`);
  return result.quote;
}

describe('quote', () => {
  it('prices one course at its list price', () => {
    const q = ok(quote([course('a', 9900)]));
    expect(q).toMatchObject({ listFen: 9900, discountFen: 0, totalFen: 9900, applied: null });
    expect(q.lines).toEqual([{ ...course('a', 9900), payFen: 9900 }]);
  });

  it('sums a bundle and splits what is paid across its courses', () => {
    const q = ok(quote([course('a', 9900), course('b', 19900), course('c', 100)]));
    expect(q.listFen).toBe(29900);
    expect(q.lines.map((l) => l.payFen)).toEqual([9900, 19900, 100]);
  });

  it('applies 满减 only once the threshold is reached (inclusive)', () => {
    const rule = { kind: 'threshold', thresholdFen: 20000, offFen: 3000 } as const;
    expect(ok(quote([course('a', 19999)], rule))).toMatchObject({ totalFen: 19999, discountFen: 0, applied: null });
    expect(ok(quote([course('a', 20000)], rule))).toMatchObject({ totalFen: 17000, discountFen: 3000, applied: rule });
    expect(ok(quote([course('a', 10000), course('b', 10000)], rule))).toMatchObject({ totalFen: 17000 });
  });

  it('applies a fixed coupon and never goes below 1 fen', () => {
    const coupon = { kind: 'coupon', offFen: 500 } as const;
    expect(ok(quote([course('a', 1990)], coupon))).toMatchObject({ totalFen: 1490, discountFen: 500 });
    const q = ok(quote([course('a', 300)], coupon));
    expect(q).toMatchObject({ totalFen: 1, discountFen: 299, listFen: 300 });
    expect(q.lines[0]!.payFen).toBe(1);
    expect(ok(quote([course('a', 500)], coupon)).totalFen).toBe(1);
  });

  it('keeps the shares of a discounted bundle whole and summing to the total', () => {
    const q = ok(quote([course('a', 3333), course('b', 3333), course('c', 3334)], { kind: 'coupon', offFen: 1 }));
    expect(q.totalFen).toBe(9999);
    expect(q.lines.reduce((s, l) => s + l.payFen, 0)).toBe(9999);
    expect(q.lines.every((l) => Number.isInteger(l.payFen))).toBe(true);
  });

  it('refuses baskets that cannot be priced', () => {
    expect(quote([])).toEqual({ ok: false, code: 'pricing.noItems' });
    expect(quote([course('a', 100), course('a', 200)])).toEqual({ ok: false, code: 'pricing.duplicateCourse' });
    expect(quote([course('a', 19.9)])).toEqual({ ok: false, code: 'pricing.invalidFen' });
    expect(quote([course('a', -1)])).toEqual({ ok: false, code: 'pricing.invalidFen' });
    expect(quote([course('a', 0)])).toEqual({ ok: false, code: 'pricing.free' });
    expect(quote([course('a', 99_999_999), course('b', 1)])).toEqual({ ok: false, code: 'pricing.tooLarge' });
    expect(quote([course('a', 100)], { kind: 'coupon', offFen: 0.5 })).toEqual({ ok: false, code: 'pricing.invalidDiscount' });
    expect(quote([course('a', 100)], { kind: 'threshold', thresholdFen: 0, offFen: 10 })).toEqual({ ok: false, code: 'pricing.invalidDiscount' });
  });

  it('lets a free course ride along in a paid bundle', () => {
    const q = ok(quote([course('free', 0), course('paid', 990)]));
    expect(q.lines.map((l) => l.payFen)).toEqual([0, 990]);
  });
});

describe('discountFor', () => {
  it('is 0 without a rule or below the threshold', () => {
    expect(discountFor(1000, null)).toBe(0);
    expect(discountFor(999, { kind: 'threshold', thresholdFen: 1000, offFen: 100 })).toBe(0);
    expect(discountFor(1000, { kind: 'threshold', thresholdFen: 1000, offFen: 100 })).toBe(100);
  });
});

describe('allocateFen', () => {
  it('splits by largest remainder, ties to the earlier item', () => {
    expect(allocateFen(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocateFen(1, [5, 5])).toEqual([1, 0]);
    expect(allocateFen(10, [0, 0])).toEqual([5, 5]);
    expect(allocateFen(7, [])).toEqual([]);
  });

  it('always sums to the total and stays proportional within one fen', () => {
    const weights = [12345, 678, 9, 99_999_99];
    for (const total of [1, 2, 17, 5000, 1_234_567, 99_999_999]) {
      const parts = allocateFen(total, weights);
      expect(parts.reduce((s, p) => s + p, 0)).toBe(total);
      const sum = weights.reduce((s, w) => s + w, 0);
      parts.forEach((p, i) => expect(Math.abs(p - (total * weights[i]!) / sum)).toBeLessThan(1));
    }
  });
});
