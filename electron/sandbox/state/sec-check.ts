/**
 * The sandbox's content security (msg_sec_check v2, wechat-protocols.md §8.1): a deterministic stand-in for WeChat's
 * model — a small table of terms per label — and WeChat's per-app limits (4,000 calls a minute, 2,000,000 a day).
 *
 * The table is sandbox data, enough to demo and test each label, not a moderation list: real WeChat decides with a
 * model nobody outside can reproduce. Matching is a plain substring search after NFKC folding (full-width → half-width)
 * and lower-casing, with whitespace removed; no other evasion is undone. When several terms match, the most severe
 * verdict wins (risky over review), then the earliest in the text.
 */
import { beijingDay, type SandboxClock } from '../clock';

export type SecSuggest = 'pass' | 'review' | 'risky';

export interface SecTermGroup {
  /** msg_sec_check's label (§8.1): 10001 广告, 20001 时政, 20002 色情, 20006 违法犯罪, 20008 欺诈, 20012 低俗 … */
  label: number;
  /** What the sandbox answers for a hit of this group. */
  suggest: Exclude<SecSuggest, 'pass'>;
  terms: readonly string[];
}

/** Label 100: normal content (§8.1). */
export const SEC_LABEL_NORMAL = 100;

/** The sandbox's terms per label. Advertising and vulgarity are `review` (a person decides), the rest `risky`. */
export const SEC_CHECK_TERMS: readonly SecTermGroup[] = [
  { label: 10001, suggest: 'review', terms: ['加微信领取', '免费领取资料', '代理招募', '点击链接购买'] },
  { label: 20001, suggest: 'risky', terms: ['颠覆国家政权', '煽动分裂国家'] },
  { label: 20002, suggest: 'risky', terms: ['色情服务', '裸聊'] },
  { label: 20006, suggest: 'risky', terms: ['出售冰毒', '网络赌博', '代开发票'] },
  { label: 20008, suggest: 'risky', terms: ['刷单返利', '冒充客服退款', '先交保证金再发货'] },
  { label: 20012, suggest: 'review', terms: ['擦边福利', '低俗热舞'] },
];

/** prob (0–100) the sandbox reports for each verdict: fixed, so answers are reproducible. */
const PROB: Record<SecSuggest, number> = { pass: 90, review: 60, risky: 90 };
const SEVERITY: Record<SecSuggest, number> = { pass: 0, review: 1, risky: 2 };

export interface SecVerdict {
  suggest: SecSuggest;
  label: number;
  prob: number;
  /** The table term that decided, as the text had it after folding; null for pass. */
  keyword: string | null;
}

function fold(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/gu, '');
}

const FOLDED = SEC_CHECK_TERMS.flatMap((group) => group.terms.map((term) => ({ group, term: fold(term) })));

/** The sandbox's verdict on `content` (and the optional title, nickname and signature, which WeChat checks too). */
export function judgeContent(...parts: readonly string[]): SecVerdict {
  const text = fold(parts.join('\n'));
  let best: { group: SecTermGroup; term: string; at: number } | null = null;
  for (const { group, term } of FOLDED) {
    const at = text.indexOf(term);
    if (at < 0) continue;
    if (!best || SEVERITY[group.suggest] > SEVERITY[best.group.suggest] || (group.suggest === best.group.suggest && at < best.at)) {
      best = { group, term, at };
    }
  }
  if (!best) return { suggest: 'pass', label: SEC_LABEL_NORMAL, prob: PROB.pass, keyword: null };
  return { suggest: best.group.suggest, label: best.group.label, prob: PROB[best.group.suggest], keyword: best.term };
}

/** msg_sec_check's limits per appid (§8.1). */
export const SEC_CHECK_PER_MINUTE = 4000;
export const SEC_CHECK_PER_DAY = 2_000_000;

/**
 * Counts msg_sec_check calls per app on the sandbox clock: a fixed window per clock minute (45011 says "retry next
 * minute", §0.1) and per Beijing day (45009, §11.3).
 */
export class SecCheckLimiter {
  private readonly counters = new Map<string, { minute: number; inMinute: number; day: number; inDay: number }>();

  constructor(
    private readonly clock: SandboxClock,
    private readonly perMinute = SEC_CHECK_PER_MINUTE,
    private readonly perDay = SEC_CHECK_PER_DAY,
  ) {}

  /** Counts one call; the errcode to answer instead when a limit is reached, else null. */
  take(appId: string): 45009 | 45011 | null {
    const now = this.clock.now();
    const minute = Math.floor(now / 60_000);
    const day = beijingDay(now);
    let c = this.counters.get(appId);
    if (!c) this.counters.set(appId, (c = { minute, inMinute: 0, day, inDay: 0 }));
    if (c.minute !== minute) Object.assign(c, { minute, inMinute: 0 });
    if (c.day !== day) Object.assign(c, { day, inDay: 0 });
    if (c.inDay >= this.perDay) return 45009;
    if (c.inMinute >= this.perMinute) return 45011;
    c.inMinute += 1;
    c.inDay += 1;
    return null;
  }
}
