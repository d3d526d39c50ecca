/**
 * Refunds (wechat-protocols.md §9.8), full or partial: what is refunded in total — counting refunds still in flight or
 * abnormal — never exceeds what was paid. Each refund is stored as CREATING before the request goes out; WeChat's
 * answer, a later query or a refund notification moves it on through the ledger, and a full refund revokes the
 * buyer's enrolments. A transient failure is retried with the same out_refund_no (safe, §9.8); an unknown outcome
 * stays CREATING for reconciliation.
 */
import type { OrderDetail, Refund } from '../../../../shared/companion/api';
import { CompanionError } from '../../errors';
import type { PayClient } from '../../wechat/pay/client';
import { NOT_FOUND_CODES, PayApiError } from '../../wechat/pay/errors';
import type { Ledger } from './ledger';
import { toRefund, type OrderQueries } from './order-queries';
import { COMMITTED_REFUND, isPaid, newOutRefundNo } from './order-rules';
import type { PaySettingsService } from './settings';

export interface RefundServiceDeps {
  ledger: Ledger;
  queries: OrderQueries;
  settings: PaySettingsService;
  client: PayClient;
  now: () => Date;
}

const REFUNDS_PATH = '/v3/refund/domestic/refunds';

export class RefundService {
  constructor(private readonly deps: RefundServiceDeps) {}

  async create(outTradeNo: string, input: { amountFen?: number | undefined; reason?: string | undefined }, memberId: string | null): Promise<{ refund: Refund; order: OrderDetail }> {
    const { ledger, settings, client } = this.deps;
    settings.credentials();
    const outRefundNo = newOutRefundNo(this.deps.now());
    const reason = input.reason?.trim() ?? '';
    // Check and reserve in one transaction: two refunds at once cannot both take the last yuan.
    const { amount, total } = ledger.tx(() => {
      const order = ledger.order(outTradeNo);
      if (!order) throw new CompanionError('NOT_FOUND', `No order ${outTradeNo}`);
      if (!isPaid(order.state)) throw new CompanionError('CONFLICT', `Order ${outTradeNo} is not paid (${order.state}); nothing to refund`, { state: order.state });
      const committed = this.deps.queries.refundsOf(outTradeNo).filter((r) => COMMITTED_REFUND.has(r.status)).reduce((s, r) => s + r.amount_fen, 0);
      const left = order.total_fen - committed;
      const amountFen = input.amountFen ?? left;
      if (left < 1) throw new CompanionError('CONFLICT', `Order ${outTradeNo} is already refunded in full`, { refundableFen: 0 });
      if (amountFen > left) {
        throw new CompanionError('INVALID_INPUT', `body.amountFen: at most ${left} fen can still be refunded (paid ${order.total_fen}, refunded or in flight ${committed})`, {
          part: 'body',
          refundableFen: left,
        });
      }
      const now = this.deps.now().toISOString();
      ledger.run(
        `INSERT INTO pay_refunds (out_refund_no, out_trade_no, amount_fen, status, reason, created_at, created_by, updated_at) VALUES (?, ?, ?, 'CREATING', ?, ?, ?, ?)`,
        outRefundNo,
        outTradeNo,
        amountFen,
        reason,
        now,
        memberId,
        now,
      );
      ledger.history(outTradeNo, 'refund', order.state, order.state, `refund ${outRefundNo} ¥${(amountFen / 100).toFixed(2)} requested`);
      return { amount: amountFen, total: order.total_fen };
    });

    const body = {
      out_trade_no: outTradeNo,
      out_refund_no: outRefundNo,
      ...(reason ? { reason } : {}),
      notify_url: settings.notifyUrl(),
      amount: { refund: amount, total, currency: 'CNY' },
    };
    try {
      const answer = await client.request({ method: 'POST', url: REFUNDS_PATH, apiPath: REFUNDS_PATH, body, memberId });
      ledger.tx(() => ledger.applyRefund({ ...answer.data, out_refund_no: outRefundNo }, 'refund', `create:${outRefundNo}`));
    } catch (error) {
      if (error instanceof PayApiError && !error.outcomeUnknown) {
        ledger.tx(() => ledger.setRefundStatus(ledger.refund(outRefundNo)!, 'FAILED', 'refund', { note: `refused: ${error.payCode}` }));
      }
      throw error;
    }
    return { refund: toRefund(ledger.refund(outRefundNo)!), order: this.deps.queries.detail(outTradeNo) };
  }

  /** Asks WeChat Pay about a refund and applies the answer; a CREATING refund WeChat never saw becomes FAILED. */
  async query(outRefundNo: string, source: 'query' | 'reconcile'): Promise<void> {
    const { ledger, client } = this.deps;
    try {
      const answer = await client.request({
        method: 'GET',
        url: `${REFUNDS_PATH}/${encodeURIComponent(outRefundNo)}`,
        apiPath: `${REFUNDS_PATH}/{out_refund_no}`,
      });
      ledger.tx(() => ledger.applyRefund({ ...answer.data, out_refund_no: outRefundNo }, source, `${source}:${outRefundNo}`));
    } catch (error) {
      if (!(error instanceof PayApiError) || !NOT_FOUND_CODES.has(error.payCode)) throw error;
      ledger.tx(() => {
        const refund = ledger.refund(outRefundNo);
        if (refund?.status === 'CREATING') ledger.setRefundStatus(refund, 'FAILED', source, { note: 'WeChat Pay has no such refund' });
      });
    }
  }
}
