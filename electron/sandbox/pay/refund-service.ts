/**
 * Refunds on WeChat's side (§9.8): full and partial, never more than was paid, PROCESSING until the processing
 * time has passed (on the sandbox clock, or its scaled timer — whichever comes first), then SUCCESS and a
 * REFUND.SUCCESS notification.
 */
import { PayApiError } from './errors';
import { newRefundId } from './ids';
import type { PayMerchant } from './merchants';
import { transition } from './orders';
import type { PayService } from './pay-service';
import { parseRefundRequest, RefundStore, type PayRefund } from './refunds';
import { refundJson, refundResource } from './wire';

export class RefundService {
  readonly store = new RefundStore();
  /** Refunds waiting on their (scaled) processing timer, with what ends the wait early on close. */
  private readonly pending = new Map<NodeJS.Timeout, { done: Promise<void>; finish: () => void }>();

  constructor(private readonly pay: PayService) {}

  /** `POST /v3/refund/domestic/refunds`; the same out_refund_no with the same body answers the same refund. */
  create(merchant: PayMerchant, body: Record<string, unknown>): Record<string, unknown> {
    const { clock, settings } = this.pay.deps;
    const draft = parseRefundRequest(body);
    const existing = this.store.get(merchant.mchId, draft.outRefundNo);
    if (existing) {
      if (existing.fingerprint !== draft.fingerprint) throw new PayApiError('INVALID_REQUEST', '商户退款单号重复，且请求参数与之前的不一致');
      return refundJson(existing);
    }
    const orders = this.pay.orders;
    const order = draft.outTradeNo !== null ? orders.get(merchant.mchId, draft.outTradeNo) : orders.byTransactionId(merchant.mchId, draft.transactionId!);
    if (!order) throw new PayApiError('RESOURCE_NOT_EXISTS', '订单不存在');
    if (draft.transactionId !== null && order.transactionId !== draft.transactionId) throw new PayApiError('INVALID_REQUEST', 'transaction_id 与 out_trade_no 不是同一笔订单');
    if (order.transactionId === null || order.successAt === null) throw new PayApiError('INVALID_REQUEST', '订单未支付，不能退款');
    if (draft.total !== order.amountTotal) throw new PayApiError('INVALID_REQUEST', '订单金额（amount.total）与原订单金额不一致');
    if (order.refundedTotal + draft.refund > order.amountTotal) throw new PayApiError('INVALID_REQUEST', '申请退款金额超过订单可退金额');

    const now = clock.now();
    const refund: PayRefund = {
      mchId: merchant.mchId,
      refundId: newRefundId(now),
      outRefundNo: draft.outRefundNo,
      outTradeNo: order.outTradeNo,
      transactionId: order.transactionId,
      reason: draft.reason,
      // Without notify_url WeChat uses the one configured on the merchant platform; the sandbox uses the order's.
      notifyUrl: draft.notifyUrl ?? order.notifyUrl,
      total: draft.total,
      refund: draft.refund,
      status: 'PROCESSING',
      createdAt: now,
      dueAt: now + settings.refundProcessingSeconds * 1000,
      successAt: null,
      fingerprint: draft.fingerprint,
    };
    this.store.add(refund);
    order.refundedTotal += refund.refund;
    if (order.state === 'SUCCESS') transition(order, 'REFUND', now);
    this.settleLater(refund, settings.refundProcessingSeconds * 1000 * settings.timeScale);
    return refundJson(refund);
  }

  /** `GET /v3/refund/domestic/refunds/{out_refund_no}`. */
  query(merchant: PayMerchant, outRefundNo: string): Record<string, unknown> {
    this.tick();
    const refund = this.store.get(merchant.mchId, outRefundNo);
    if (!refund) throw new PayApiError('RESOURCE_NOT_EXISTS', '退款单不存在');
    return refundJson(refund);
  }

  /** Settles every refund whose time has come on the sandbox clock (after `clock.advance`, before answering). */
  tick(): void {
    for (const refund of this.store.due(this.pay.deps.clock.now())) this.settle(refund);
  }

  /** Resolves once every refund waiting on its timer has settled (and its notification has been handed over). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending.values()].map((p) => p.done));
  }

  close(): void {
    for (const [timer, wait] of this.pending) {
      clearTimeout(timer);
      wait.finish();
    }
    this.pending.clear();
  }

  private settleLater(refund: PayRefund, ms: number): void {
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      this.settle(refund);
      finish();
    }, ms);
    timer.unref();
    this.pending.set(timer, { done, finish });
  }

  private settle(refund: PayRefund): void {
    if (refund.status !== 'PROCESSING') return;
    refund.status = 'SUCCESS';
    refund.successAt = this.pay.deps.clock.now();
    const resource = refundResource(refund, refund.mchId);
    this.pay.notify(refund.mchId, { eventType: 'REFUND.SUCCESS', outTradeNo: refund.outTradeNo, outRefundNo: refund.outRefundNo, url: refund.notifyUrl, resource }, '退款成功', 'refund');
  }
}
