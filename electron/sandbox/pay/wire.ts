/**
 * WeChat Pay's JSON shapes as the sandbox sends them: the transaction (§9.7, query answer and notification
 * resource), the refund (§9.8) and the notification envelope with its encrypted resource (§9.6).
 */
import { aeadEncrypt } from '../crypto/pay-crypto';
import { randomAlnum } from '../state/ids';
import { stateOf, type PayOrder, type TradeState } from './orders';
import type { PayRefund } from './refunds';
import { beijingTime } from './time';

const STATE_DESC: Record<TradeState, string> = {
  SUCCESS: '支付成功',
  REFUND: '转入退款',
  NOTPAY: '订单未支付',
  CLOSED: '订单已关闭',
  USERPAYING: '用户支付中（输入密码或确认支付）',
  PAYERROR: '支付失败，请重新下单支付',
};

/** The transaction as a query answers it; unpaid orders carry no payer, transaction_id or payer amounts (§9.7). */
export function transactionJson(order: PayOrder, now: number): Record<string, unknown> {
  const state = stateOf(order, now);
  const base: Record<string, unknown> = { appid: order.appId, mchid: order.mchId, out_trade_no: order.outTradeNo };
  const paid = order.transactionId !== null && order.successAt !== null;
  if (!paid) {
    return {
      ...base,
      ...(state === 'PAYERROR' ? { trade_type: order.tradeType } : {}),
      trade_state: state,
      trade_state_desc: STATE_DESC[state],
      ...(order.attach !== null ? { attach: order.attach } : {}),
      amount: { total: order.amountTotal, currency: 'CNY' },
    };
  }
  return {
    ...base,
    transaction_id: order.transactionId,
    trade_type: order.tradeType,
    trade_state: state,
    trade_state_desc: STATE_DESC[state],
    bank_type: 'OTHERS',
    ...(order.attach !== null ? { attach: order.attach } : {}),
    success_time: beijingTime(order.successAt!),
    payer: { openid: order.payerOpenid },
    amount: { total: order.amountTotal, payer_total: order.amountTotal, currency: 'CNY', payer_currency: 'CNY' },
  };
}

/** The refund as the refund API and its query answer it (§9.8). */
export function refundJson(refund: PayRefund): Record<string, unknown> {
  return {
    refund_id: refund.refundId,
    out_refund_no: refund.outRefundNo,
    transaction_id: refund.transactionId,
    out_trade_no: refund.outTradeNo,
    channel: 'ORIGINAL',
    user_received_account: '支付用户零钱',
    ...(refund.successAt !== null ? { success_time: beijingTime(refund.successAt) } : {}),
    create_time: beijingTime(refund.createdAt),
    status: refund.status,
    funds_account: 'AVAILABLE',
    amount: {
      total: refund.total,
      refund: refund.refund,
      from: [],
      payer_total: refund.total,
      payer_refund: refund.refund,
      settlement_refund: refund.refund,
      settlement_total: refund.total,
      discount_refund: 0,
      currency: 'CNY',
    },
    promotion_detail: [],
  };
}

/** The decrypted resource of a REFUND.* notification (§9.8). */
export function refundResource(refund: PayRefund, mchId: string): Record<string, unknown> {
  return {
    mchid: mchId,
    out_trade_no: refund.outTradeNo,
    transaction_id: refund.transactionId,
    out_refund_no: refund.outRefundNo,
    refund_id: refund.refundId,
    refund_status: refund.status,
    ...(refund.successAt !== null ? { success_time: beijingTime(refund.successAt) } : {}),
    user_received_account: '支付用户零钱',
    amount: { total: refund.total, refund: refund.refund, payer_total: refund.total, payer_refund: refund.refund },
  };
}

export interface NotificationEnvelope {
  id: string;
  createTime: string;
  eventType: string;
  summary: string;
  /** `transaction` or `refund`: both `original_type` and `associated_data` (§9.6). */
  originalType: string;
  /** The resource as JSON text, encrypted as it is. */
  plaintext: string;
  apiV3Key: string | Buffer;
  /** 12 characters; random unless a test reproduces a vector. */
  nonce?: string;
}

/** The notification body (§9.6), fields in the order WeChat sends them (Appendix A.3 V-P7 reproduces byte for byte). */
export function notificationBody(envelope: NotificationEnvelope): string {
  const nonce = envelope.nonce ?? randomAlnum(12);
  return JSON.stringify({
    id: envelope.id,
    create_time: envelope.createTime,
    resource_type: 'encrypt-resource',
    event_type: envelope.eventType,
    summary: envelope.summary,
    resource: {
      original_type: envelope.originalType,
      algorithm: 'AEAD_AES_256_GCM',
      ciphertext: aeadEncrypt(envelope.apiV3Key, nonce, envelope.originalType, envelope.plaintext),
      associated_data: envelope.originalType,
      nonce,
    },
  });
}
