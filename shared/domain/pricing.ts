/**
 * Pricing of a course order: the list price of one course or a bundle, a discount rule (满减 or a fixed coupon), and
 * each course's share of what the buyer pays. All amounts are integer fen; nothing here uses floating point for money
 * beyond exact integer arithmetic, and a payable total is never below 1 fen (WeChat Pay's minimum `amount.total`).
 */
import { COURSE_LIMITS } from './course';

/** 满减: `offFen` off once the list total reaches `thresholdFen`. */
export interface ThresholdDiscount {
  kind: 'threshold';
  thresholdFen: number;
  offFen: number;
}

/** A fixed coupon: `offFen` off whatever the total. */
export interface CouponDiscount {
  kind: 'coupon';
  offFen: number;
  code?: string | undefined;
}

export type DiscountRule = ThresholdDiscount | CouponDiscount;

/** One course in an order, at its list price. */
export interface PriceItem {
  courseId: string;
  title: string;
  priceFen: number;
}

export interface QuoteLine extends PriceItem {
  /** This course's share of `totalFen`; the shares sum to `totalFen` exactly. */
  payFen: number;
}

export interface Quote {
  /** Sum of list prices. */
  listFen: number;
  /** What the discount takes off (0 when the rule does not apply). */
  discountFen: number;
  /** What the buyer pays: listFen − discountFen, never below 1 fen. */
  totalFen: number;
  /** The rule when it applied, else null. */
  applied: DiscountRule | null;
  lines: QuoteLine[];
}

export type PricingErrorCode =
  | 'pricing.noItems'
  | 'pricing.duplicateCourse'
  | 'pricing.invalidFen'
  | 'pricing.free'
  | 'pricing.tooLarge'
  | 'pricing.invalidDiscount';

export type QuoteResult = { ok: true; quote: Quote } | { ok: false; code: PricingErrorCode };

/** WeChat Pay's smallest payable amount. */
export const MIN_PAYABLE_FEN = 1;

function isFen(n: number, min: number): boolean {
  return Number.isSafeInteger(n) && n >= min && n <= COURSE_LIMITS.maxPriceFen;
}

/** How much `rule` takes off `listFen` (before the 1-fen floor); 0 when a threshold is not reached. */
export function discountFor(listFen: number, rule: DiscountRule | null | undefined): number {
  if (!rule) return 0;
  if (rule.kind === 'threshold' && listFen < rule.thresholdFen) return 0;
  return rule.offFen;
}

/**
 * The price of one course or a bundle with an optional discount. Refuses an empty or duplicated basket, amounts that
 * are not whole fen, and a free basket (nothing to pay for). A discount larger than the total leaves 1 fen to pay.
 */
export function quote(items: readonly PriceItem[], rule?: DiscountRule | null): QuoteResult {
  if (items.length === 0) return { ok: false, code: 'pricing.noItems' };
  if (new Set(items.map((i) => i.courseId)).size !== items.length) return { ok: false, code: 'pricing.duplicateCourse' };
  if (!items.every((i) => isFen(i.priceFen, 0))) return { ok: false, code: 'pricing.invalidFen' };
  if (rule && (!isFen(rule.offFen, 1) || (rule.kind === 'threshold' && !isFen(rule.thresholdFen, 1)))) {
    return { ok: false, code: 'pricing.invalidDiscount' };
  }
  const listFen = items.reduce((sum, i) => sum + i.priceFen, 0);
  if (listFen === 0) return { ok: false, code: 'pricing.free' };
  if (listFen > COURSE_LIMITS.maxPriceFen) return { ok: false, code: 'pricing.tooLarge' };
  const off = discountFor(listFen, rule);
  const totalFen = Math.max(MIN_PAYABLE_FEN, listFen - off);
  const shares = allocateFen(
    totalFen,
    items.map((i) => i.priceFen),
  );
  return {
    ok: true,
    quote: {
      listFen,
      discountFen: listFen - totalFen,
      totalFen,
      applied: off > 0 ? rule ?? null : null,
      lines: items.map((item, i) => ({ ...item, payFen: shares[i]! })),
    },
  };
}

/**
 * Splits `totalFen` across `weights` in proportion, in whole fen, by largest remainder (ties to the earlier item), so
 * the parts always sum to `totalFen`. All-zero weights split evenly. Used for a bundle's per-course revenue and for
 * attributing a partial refund to the courses in it.
 */
export function allocateFen(totalFen: number, weights: readonly number[]): number[] {
  if (weights.length === 0) return [];
  const sum = weights.reduce((s, w) => s + w, 0);
  const w = sum === 0 ? weights.map(() => 1) : weights;
  const weightSum = sum === 0 ? weights.length : sum;
  // BigInt keeps total × weight exact even for amounts near the limits.
  const parts = w.map((x) => (BigInt(totalFen) * BigInt(x)) / BigInt(weightSum));
  const remainders = w.map((x, i) => ({ i, r: (BigInt(totalFen) * BigInt(x)) % BigInt(weightSum) }));
  let left = totalFen - parts.reduce((s, p) => s + Number(p), 0);
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of remainders) {
    if (left <= 0) break;
    parts[i]! += 1n;
    left--;
  }
  return parts.map(Number);
}
