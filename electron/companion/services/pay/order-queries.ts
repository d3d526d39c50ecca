/**
 * Reading orders for the studio: one order with its history, refunds and alerts; the list with filters (course,
 * state, Beijing-time dates) and paging; per-course revenue over the same filters; the CSV export; enrolments.
 * The payer's openid is only ever returned masked.
 */
import type Database from 'better-sqlite3';
import type { z } from 'zod';
import {
  maskOpenid,
  type Order,
  type OrderDetail,
  type OrderState,
  type Refund,
  type courseRevenueSchema,
  type enrolmentSchema,
} from '../../../../shared/companion/api';
import { allocateFen } from '../../../../shared/domain/pricing';
import { csvCell } from '../audit';
import { CompanionError } from '../../errors';
import type { OrderRow, RefundRow } from './ledger';
import { filterInstant } from './order-rules';

export interface OrderFilters {
  courseId?: string | undefined;
  state?: OrderState | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

interface ItemRow {
  out_trade_no: string;
  course_id: string;
  title: string;
  price_fen: number;
  pay_fen: number;
}

type CourseRevenue = z.infer<typeof courseRevenueSchema>;
type Enrolment = z.infer<typeof enrolmentSchema>;

function where(filters: OrderFilters): { sql: string; args: (string | number)[] } {
  const clauses: string[] = [];
  const args: (string | number)[] = [];
  if (filters.courseId) {
    clauses.push('o.out_trade_no IN (SELECT out_trade_no FROM pay_order_items WHERE course_id = ?)');
    args.push(filters.courseId);
  }
  if (filters.state) {
    clauses.push('o.state = ?');
    args.push(filters.state);
  }
  for (const edge of ['from', 'to'] as const) {
    const value = filters[edge];
    if (!value) continue;
    const instant = filterInstant(value, edge);
    if (!instant) throw new CompanionError('INVALID_INPUT', `query.${edge}: must be a date (YYYY-MM-DD) or an ISO 8601 instant`, { part: 'query' });
    // A bare day's `to` is the next day's start (exclusive); an instant's `to` is inclusive.
    clauses.push(edge === 'from' ? 'o.created_at >= ?' : /^\d{4}-\d{2}-\d{2}$/.test(value) ? 'o.created_at < ?' : 'o.created_at <= ?');
    args.push(instant);
  }
  return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', args };
}

export class OrderQueries {
  constructor(private readonly db: Database.Database) {}

  private items(outTradeNos: string[]): Map<string, ItemRow[]> {
    const map = new Map<string, ItemRow[]>();
    if (outTradeNos.length === 0) return map;
    const rows = this.db
      .prepare<string[], ItemRow>(`SELECT * FROM pay_order_items WHERE out_trade_no IN (${outTradeNos.map(() => '?').join(',')}) ORDER BY out_trade_no, position`)
      .all(...outTradeNos);
    for (const r of rows) map.set(r.out_trade_no, [...(map.get(r.out_trade_no) ?? []), r]);
    return map;
  }

  private alertCounts(outTradeNos: string[]): Map<string, number> {
    if (outTradeNos.length === 0) return new Map();
    const rows = this.db
      .prepare<string[], { out_trade_no: string; n: number }>(
        `SELECT out_trade_no, count(*) AS n FROM pay_alerts WHERE out_trade_no IN (${outTradeNos.map(() => '?').join(',')}) GROUP BY out_trade_no`,
      )
      .all(...outTradeNos);
    return new Map(rows.map((r) => [r.out_trade_no, r.n]));
  }

  private toOrders(rows: OrderRow[]): Order[] {
    const nos = rows.map((r) => r.out_trade_no);
    const items = this.items(nos);
    const alerts = this.alertCounts(nos);
    return rows.map((r) => ({
      outTradeNo: r.out_trade_no,
      kind: r.kind,
      state: r.state,
      description: r.description,
      items: (items.get(r.out_trade_no) ?? []).map((i) => ({ courseId: i.course_id, title: i.title, priceFen: i.price_fen, payFen: i.pay_fen })),
      listFen: r.list_fen,
      discountFen: r.discount_fen,
      discount: r.discount_json ? (JSON.parse(r.discount_json) as Order['discount']) : null,
      totalFen: r.total_fen,
      refundedFen: r.refunded_fen,
      scene: r.scene,
      payerOpenidMasked: r.payer_openid ? maskOpenid(r.payer_openid) : null,
      transactionId: r.transaction_id,
      createdAt: r.created_at,
      timeExpire: r.time_expire,
      paidAt: r.paid_at,
      createdBy: r.created_by,
      alertCount: alerts.get(r.out_trade_no) ?? 0,
    }));
  }

  /** One order with everything that happened to it; NOT_FOUND otherwise. */
  detail(outTradeNo: string): OrderDetail {
    const row = this.db.prepare<[string], OrderRow>('SELECT * FROM pay_orders WHERE out_trade_no = ?').get(outTradeNo);
    if (!row) throw new CompanionError('NOT_FOUND', `No order ${outTradeNo}`);
    const history = this.db
      .prepare<[string], { at: string; source: OrderDetail['history'][number]['source']; from_state: OrderState | null; to_state: OrderState; note: string }>(
        'SELECT at, source, from_state, to_state, note FROM pay_order_history WHERE out_trade_no = ? ORDER BY id',
      )
      .all(outTradeNo)
      .map((h) => ({ at: h.at, source: h.source, fromState: h.from_state, toState: h.to_state, note: h.note }));
    const refunds = this.refundsOf(outTradeNo).map(toRefund);
    const alerts = this.db
      .prepare<[string], { id: string; at: string; out_trade_no: string | null; kind: string; message: string }>('SELECT * FROM pay_alerts WHERE out_trade_no = ? ORDER BY at, id')
      .all(outTradeNo)
      .map((a) => ({ id: a.id, at: a.at, outTradeNo: a.out_trade_no, kind: a.kind, message: a.message }));
    return { order: this.toOrders([row])[0]!, history, refunds, alerts };
  }

  /** Newest first. */
  list(filters: OrderFilters, limit: number, offset: number): { items: Order[]; total: number; revenue: CourseRevenue[] } {
    const w = where(filters);
    const rows = this.db.prepare<(string | number)[], OrderRow>(`SELECT o.* FROM pay_orders o ${w.sql} ORDER BY o.created_at DESC, o.out_trade_no DESC LIMIT ? OFFSET ?`).all(...w.args, limit, offset);
    const { n } = this.db.prepare<(string | number)[], { n: number }>(`SELECT count(*) AS n FROM pay_orders o ${w.sql}`).get(...w.args)!;
    return { items: this.toOrders(rows), total: n, revenue: this.revenue(filters) };
  }

  /**
   * Per course over paid orders matching the filters: each course's share of what was paid (fixed at creation), and
   * of what was refunded, split across the order's courses in proportion to those shares.
   */
  revenue(filters: OrderFilters): CourseRevenue[] {
    const w = where({ ...filters, state: undefined });
    const paid = filters.state ? (['SUCCESS', 'REFUND'].includes(filters.state) ? [filters.state] : []) : ['SUCCESS', 'REFUND'];
    if (paid.length === 0) return [];
    const sql = `SELECT o.out_trade_no, o.refunded_fen FROM pay_orders o ${w.sql ? `${w.sql} AND` : 'WHERE'} o.state IN (${paid.map(() => '?').join(',')})`;
    const orders = this.db.prepare<(string | number)[], { out_trade_no: string; refunded_fen: number }>(sql).all(...w.args, ...paid);
    const items = this.items(orders.map((o) => o.out_trade_no));
    const byCourse = new Map<string, CourseRevenue>();
    for (const o of orders) {
      const lines = items.get(o.out_trade_no) ?? [];
      const refunds = allocateFen(o.refunded_fen, lines.map((l) => l.pay_fen));
      lines.forEach((l, i) => {
        const r = byCourse.get(l.course_id) ?? { courseId: l.course_id, title: l.title, paidOrders: 0, grossFen: 0, refundedFen: 0, netFen: 0 };
        r.paidOrders += 1;
        r.grossFen += l.pay_fen;
        r.refundedFen += refunds[i]!;
        r.netFen = r.grossFen - r.refundedFen;
        byCourse.set(l.course_id, r);
      });
    }
    const all = [...byCourse.values()].sort((a, b) => b.netFen - a.netFen || a.courseId.localeCompare(b.courseId));
    return filters.courseId ? all.filter((r) => r.courseId === filters.courseId) : all;
  }

  /** Every matching order (newest first) as CSV: UTF-8 with BOM, CRLF, amounts in yuan, openids masked. */
  csv(filters: OrderFilters): string {
    const header = ['out_trade_no', 'created_at', 'state', 'kind', 'courses', 'description', 'list_yuan', 'discount_yuan', 'total_yuan', 'refunded_yuan', 'scene', 'payer', 'transaction_id', 'paid_at'];
    const lines = [header.join(',')];
    const yuan = (fen: number) => (fen / 100).toFixed(2);
    for (let offset = 0; ; offset += 500) {
      const page = this.list(filters, 500, offset).items;
      for (const o of page) {
        lines.push(
          [
            o.outTradeNo,
            o.createdAt,
            o.state,
            o.kind,
            o.items.map((i) => i.title).join(' + '),
            o.description,
            yuan(o.listFen),
            yuan(o.discountFen),
            yuan(o.totalFen),
            yuan(o.refundedFen),
            o.scene ?? '',
            o.payerOpenidMasked ?? '',
            o.transactionId ?? '',
            o.paidAt ?? '',
          ]
            .map(csvCell)
            .join(','),
        );
      }
      if (page.length < 500) break;
    }
    return `\uFEFF${lines.join('\r\n')}\r\n`;
  }

  refundsOf(outTradeNo: string): RefundRow[] {
    return this.db.prepare<[string], RefundRow>('SELECT * FROM pay_refunds WHERE out_trade_no = ? ORDER BY created_at, out_refund_no').all(outTradeNo);
  }

  enrolments(courseId: string | undefined, limit: number, offset: number): { items: Enrolment[]; total: number } {
    const w = courseId ? { sql: 'WHERE course_id = ?', args: [courseId] } : { sql: '', args: [] };
    const rows = this.db
      .prepare<(string | number)[], { course_id: string; openid: string; out_trade_no: string; enrolled_at: string; revoked_at: string | null }>(
        `SELECT * FROM enrolments ${w.sql} ORDER BY enrolled_at DESC, course_id LIMIT ? OFFSET ?`,
      )
      .all(...w.args, limit, offset);
    const { n } = this.db.prepare<string[], { n: number }>(`SELECT count(*) AS n FROM enrolments ${w.sql}`).get(...w.args)!;
    return {
      items: rows.map((r) => ({ courseId: r.course_id, openidMasked: maskOpenid(r.openid), outTradeNo: r.out_trade_no, enrolledAt: r.enrolled_at, revokedAt: r.revoked_at })),
      total: n,
    };
  }
}

export function toRefund(r: RefundRow): Refund {
  return {
    outRefundNo: r.out_refund_no,
    outTradeNo: r.out_trade_no,
    refundId: r.refund_id,
    amountFen: r.amount_fen,
    status: r.status,
    reason: r.reason,
    createdAt: r.created_at,
    successAt: r.success_at,
    createdBy: r.created_by,
  };
}
