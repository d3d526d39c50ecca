/**
 * Every write to the pay tables goes through here, each in one SQLite transaction: an order's state changes with its
 * append-only history row, payments and refunds with the enrolments they grant or revoke, and alerts for anything
 * WeChat reports that disagrees with our records — such a report changes nothing else. Whatever the source (create,
 * notification, query, close, reconciliation, refund), the same rules apply, so a duplicate or out-of-order report
 * is harmless: it finds the order already where it leads, or no longer allowed to go back (order-rules.ts).
 */
import type Database from 'better-sqlite3';
import type { OrderState } from '../../../../shared/companion/api';
import { newId } from '../ids';
import { canRefundTransition, canTransition, isPaid, type RefundStatus } from './order-rules';

export type HistorySource = 'create' | 'notify' | 'query' | 'close' | 'reconcile' | 'refund';

/** A transaction as WeChat Pay reports it (§9.7): a decrypted notification or a query answer. */
export interface WechatTransaction {
  appid?: string;
  mchid?: string;
  out_trade_no?: string;
  transaction_id?: string;
  trade_state?: string;
  trade_state_desc?: string;
  success_time?: string;
  payer?: { openid?: string };
  amount?: { total?: number; payer_total?: number; currency?: string };
}

/** A refund as WeChat Pay reports it (§9.8): the create or query answer, or a decrypted refund notification. */
export interface WechatRefund {
  mchid?: string;
  out_trade_no?: string;
  out_refund_no?: string;
  refund_id?: string;
  status?: string;
  refund_status?: string;
  success_time?: string;
  amount?: { total?: number; refund?: number };
}

export interface OrderRow {
  out_trade_no: string;
  mch_id: string;
  app_id: string;
  kind: 'native' | 'jsapi' | 'h5';
  state: OrderState;
  description: string;
  list_fen: number;
  discount_fen: number;
  total_fen: number;
  discount_json: string | null;
  scene: string | null;
  attach: string;
  payer_openid: string | null;
  code_url: string | null;
  prepay_id: string | null;
  h5_url: string | null;
  transaction_id: string | null;
  created_at: string;
  time_expire: string;
  paid_at: string | null;
  refunded_fen: number;
  created_by: string | null;
  updated_at: string;
}

export interface RefundRow {
  out_refund_no: string;
  out_trade_no: string;
  refund_id: string | null;
  amount_fen: number;
  status: RefundStatus;
  reason: string;
  created_at: string;
  success_at: string | null;
  created_by: string | null;
  updated_at: string;
}

const TRADE_STATES: ReadonlySet<string> = new Set(['NOTPAY', 'USERPAYING', 'SUCCESS', 'REFUND', 'CLOSED', 'REVOKED', 'PAYERROR']);
const REFUND_STATES: ReadonlySet<string> = new Set(['PROCESSING', 'SUCCESS', 'CLOSED', 'ABNORMAL']);

/** What applying a report did. */
export interface Applied {
  changed: boolean;
  /** Set when the report disagreed with our records (and was therefore not applied). */
  alert: string | null;
}

export class Ledger {
  private readonly stmt;

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => Date,
  ) {
    this.stmt = {
      order: db.prepare<[string], OrderRow>('SELECT * FROM pay_orders WHERE out_trade_no = ?'),
      refund: db.prepare<[string], RefundRow>('SELECT * FROM pay_refunds WHERE out_refund_no = ?'),
      history: db.prepare('INSERT INTO pay_order_history (out_trade_no, at, source, from_state, to_state, note) VALUES (?, ?, ?, ?, ?, ?)'),
      alert: db.prepare('INSERT INTO pay_alerts (id, dedupe_key, at, out_trade_no, kind, message) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING'),
      items: db.prepare<[string], { course_id: string }>('SELECT course_id FROM pay_order_items WHERE out_trade_no = ? ORDER BY position'),
      enrol: db.prepare('INSERT INTO enrolments (course_id, openid, out_trade_no, enrolled_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING'),
      revoke: db.prepare('UPDATE enrolments SET revoked_at = ? WHERE out_trade_no = ? AND revoked_at IS NULL'),
      refundedSum: db.prepare<[string], { n: number }>("SELECT coalesce(sum(amount_fen), 0) AS n FROM pay_refunds WHERE out_trade_no = ? AND status = 'SUCCESS'"),
      seen: db.prepare<[string], { outcome: string }>('SELECT outcome FROM pay_notifications WHERE id = ?'),
      markSeen: db.prepare('INSERT INTO pay_notifications (id, received_at, event_type, out_trade_no, out_refund_no, outcome) VALUES (?, ?, ?, ?, ?, ?)'),
      setState: db.prepare('UPDATE pay_orders SET state = ?, updated_at = ? WHERE out_trade_no = ?'),
      paid: db.prepare('UPDATE pay_orders SET state = ?, transaction_id = coalesce(?, transaction_id), payer_openid = ?, paid_at = ?, updated_at = ? WHERE out_trade_no = ?'),
      refundStatus: db.prepare('UPDATE pay_refunds SET status = ?, refund_id = coalesce(?, refund_id), success_at = ?, updated_at = ? WHERE out_refund_no = ?'),
      refunded: db.prepare('UPDATE pay_orders SET refunded_fen = ?, updated_at = ? WHERE out_trade_no = ?'),
    };
  }

  /** Runs `fn` in one IMMEDIATE transaction (a writer from the start: no upgrade deadlock with WAL readers). */
  tx<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /** One write statement (inside `tx`). */
  run(sql: string, ...args: (string | number | null)[]): void {
    this.db.prepare(sql).run(...args);
  }

  order(outTradeNo: string): OrderRow | undefined {
    return this.stmt.order.get(outTradeNo);
  }

  refund(outRefundNo: string): RefundRow | undefined {
    return this.stmt.refund.get(outRefundNo);
  }

  history(outTradeNo: string, source: HistorySource, from: OrderState | null, to: OrderState, note: string): void {
    this.stmt.history.run(outTradeNo, this.now().toISOString(), source, from, to, note);
  }

  /** Records an alert once per `dedupeKey` (a retried notification does not pile up copies). */
  alert(outTradeNo: string | null, kind: string, message: string, dedupeKey: string): string {
    this.stmt.alert.run(newId(), dedupeKey, this.now().toISOString(), outTradeNo, kind, message);
    return kind;
  }

  /** Moves an order to `to` when allowed, with its history row; returns whether it moved. */
  setState(outTradeNo: string, to: OrderState, source: HistorySource, note: string): boolean {
    const order = this.order(outTradeNo);
    if (!order || !canTransition(order.state, to)) return false;
    this.stmt.setState.run(to, this.now().toISOString(), outTradeNo);
    this.history(outTradeNo, source, order.state, to, note);
    return true;
  }

  /**
   * Applies what WeChat reports about a transaction. Never credits a payment whose mchid, appid, amount or currency
   * disagrees with the order: that is an alert, and the order stays as it was.
   */
  applyTransaction(t: WechatTransaction, source: HistorySource, alertKey: string): Applied {
    const no = t.out_trade_no ?? '';
    const order = this.order(no);
    if (!order) return { changed: false, alert: this.alert(null, 'unknown_order', `WeChat Pay reported order ${no || '(none)'}, which is not ours`, `unknown_order:${no}:${alertKey}`) };
    if (t.mchid !== order.mch_id) {
      return { changed: false, alert: this.alert(no, 'mchid_mismatch', `Reported for merchant ${t.mchid ?? '(none)'}, but the order belongs to ${order.mch_id}: not credited`, `mchid:${no}:${t.mchid}`) };
    }
    if (t.appid !== undefined && t.appid !== order.app_id) {
      return { changed: false, alert: this.alert(no, 'appid_mismatch', `Reported for app ${t.appid}, but the order is for ${order.app_id}: not credited`, `appid:${no}:${t.appid}`) };
    }
    const to = t.trade_state ?? '';
    if (!TRADE_STATES.has(to)) return { changed: false, alert: this.alert(no, 'unknown_state', `Unknown trade_state ${to}`, `state:${no}:${to}`) };
    const state = to as OrderState;
    if (isPaid(state)) {
      const total = t.amount?.total;
      const currency = t.amount?.currency ?? 'CNY';
      if (total !== order.total_fen || currency !== 'CNY') {
        return {
          changed: false,
          alert: this.alert(no, 'amount_mismatch', `Reported paid ${String(total)} ${currency} fen, but the order is ${order.total_fen} CNY fen: not credited`, `amount:${no}:${String(total)}:${currency}`),
        };
      }
    }
    if (!canTransition(order.state, state)) return { changed: false, alert: null };
    const openid = t.payer?.openid ?? order.payer_openid;
    const paidAt = isPaid(state) ? (order.paid_at ?? t.success_time ?? this.now().toISOString()) : order.paid_at;
    this.stmt.paid.run(state, t.transaction_id ?? null, openid, paidAt, this.now().toISOString(), no);
    this.history(no, source, order.state, state, [t.trade_state_desc, t.transaction_id ? `transaction ${t.transaction_id}` : null].filter(Boolean).join(' · ') || state);
    if (isPaid(state) && !isPaid(order.state)) {
      if (openid) {
        const at = this.now().toISOString();
        for (const item of this.stmt.items.all(no)) this.stmt.enrol.run(item.course_id, openid, no, at);
      } else {
        this.alert(no, 'no_payer', 'Paid, but WeChat Pay named no payer: nobody could be enrolled', `no_payer:${no}`);
      }
    }
    return { changed: true, alert: null };
  }

  /** Applies what WeChat reports about a refund, with the same refusal of anything that disagrees. */
  applyRefund(r: WechatRefund, source: HistorySource, alertKey: string): Applied {
    const no = r.out_refund_no ?? '';
    const refund = this.refund(no);
    if (!refund) return { changed: false, alert: this.alert(r.out_trade_no ?? null, 'unknown_refund', `WeChat Pay reported refund ${no || '(none)'}, which is not ours`, `unknown_refund:${no}:${alertKey}`) };
    const order = this.order(refund.out_trade_no)!;
    const mismatch =
      (r.mchid !== undefined && r.mchid !== order.mch_id) ||
      (r.out_trade_no !== undefined && r.out_trade_no !== order.out_trade_no) ||
      (r.amount?.refund !== undefined && r.amount.refund !== refund.amount_fen) ||
      (r.amount?.total !== undefined && r.amount.total !== order.total_fen);
    if (mismatch) {
      return {
        changed: false,
        alert: this.alert(order.out_trade_no, 'refund_mismatch', `Refund ${no} reported with a different merchant, order or amount: not applied`, `refund_mismatch:${no}:${alertKey}`),
      };
    }
    const status = r.refund_status ?? r.status ?? '';
    if (!REFUND_STATES.has(status)) return { changed: false, alert: this.alert(order.out_trade_no, 'unknown_state', `Unknown refund status ${status}`, `refund_state:${no}:${status}`) };
    return { changed: this.setRefundStatus(refund, status as RefundStatus, source, { refundId: r.refund_id, successTime: r.success_time }), alert: null };
  }

  /** Moves a refund on; on SUCCESS updates what the order has refunded and, once all of it, revokes its enrolments. */
  setRefundStatus(
    refund: RefundRow,
    to: RefundStatus,
    source: HistorySource,
    extra: { refundId?: string | undefined; successTime?: string | undefined; note?: string } = {},
  ): boolean {
    if (!canRefundTransition(refund.status, to)) return false;
    const { refundId = null, successTime = null } = extra;
    const now = this.now().toISOString();
    this.stmt.refundStatus.run(to, refundId, to === 'SUCCESS' ? (successTime ?? now) : null, now, refund.out_refund_no);
    const order = this.order(refund.out_trade_no)!;
    const yuan = (refund.amount_fen / 100).toFixed(2);
    if (to === 'PROCESSING' || to === 'SUCCESS') {
      // §9.7: an order with a refund applied reports trade_state REFUND.
      const moved = this.setState(order.out_trade_no, 'REFUND', source, `refund ${refund.out_refund_no} ¥${yuan} ${to}`);
      if (!moved && to === 'SUCCESS') this.history(order.out_trade_no, source, order.state, order.state, `refund ${refund.out_refund_no} ¥${yuan} SUCCESS`);
    } else {
      this.history(order.out_trade_no, source, order.state, order.state, `refund ${refund.out_refund_no} ¥${yuan} ${to}${extra.note ? ` (${extra.note})` : ''}`);
    }
    if (to === 'ABNORMAL') {
      this.alert(order.out_trade_no, 'refund_abnormal', `Refund ${refund.out_refund_no} is ABNORMAL: settle it in the merchant platform (退款异常)`, `refund_abnormal:${refund.out_refund_no}`);
    }
    if (to === 'SUCCESS') {
      const refunded = this.stmt.refundedSum.get(order.out_trade_no)!.n;
      this.stmt.refunded.run(refunded, now, order.out_trade_no);
      if (refunded >= order.total_fen) this.stmt.revoke.run(now, order.out_trade_no);
    }
    return true;
  }

  /** Whether a notification id was handled before (§9.6: dedupe by id). */
  seen(id: string): boolean {
    return this.stmt.seen.get(id) !== undefined;
  }

  markSeen(id: string, eventType: string, outTradeNo: string | null, outRefundNo: string | null, outcome: string): void {
    this.stmt.markSeen.run(id, this.now().toISOString(), eventType, outTradeNo, outRefundNo, outcome);
  }
}
