/**
 * Refunds (§9.8): request validation, the store, and the PROCESSING → SUCCESS step. Amounts are fen; the sum of
 * a payment's refunds never exceeds what was paid.
 */
import { canonicalJson } from './order-request';
import { paramError } from './errors';

export type RefundStatus = 'PROCESSING' | 'SUCCESS' | 'CLOSED' | 'ABNORMAL';

const OUT_REFUND_NO = /^[0-9A-Za-z_\-|*@]{1,64}$/;

export interface RefundDraft {
  outTradeNo: string | null;
  transactionId: string | null;
  outRefundNo: string;
  reason: string | null;
  notifyUrl: string | null;
  refund: number;
  total: number;
  /** A repeated out_refund_no with another fingerprint is refused (the same one answers the existing refund). */
  fingerprint: string;
}

export interface PayRefund {
  mchId: string;
  refundId: string;
  outRefundNo: string;
  outTradeNo: string;
  transactionId: string;
  reason: string | null;
  /** Where REFUND.* is sent: the request's notify_url, else the order's (see pay-service.ts). */
  notifyUrl: string;
  total: number;
  refund: number;
  status: RefundStatus;
  createdAt: number;
  /** When PROCESSING turns SUCCESS on the sandbox clock. */
  dueAt: number;
  successAt: number | null;
  fingerprint: string;
}

function fen(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) throw paramError(field, '应为大于 0 的整数（单位：分）', value);
  return value;
}

/** Checks a refund body (§9.8); which order it names is resolved by the caller. */
export function parseRefundRequest(body: Record<string, unknown>): RefundDraft {
  const outTradeNo = typeof body.out_trade_no === 'string' && body.out_trade_no !== '' ? body.out_trade_no : null;
  const transactionId = typeof body.transaction_id === 'string' && body.transaction_id !== '' ? body.transaction_id : null;
  if (outTradeNo === null && transactionId === null) throw paramError('/out_trade_no', 'transaction_id 和 out_trade_no 必须二选一');
  const outRefundNo = body.out_refund_no;
  if (typeof outRefundNo !== 'string' || !OUT_REFUND_NO.test(outRefundNo)) throw paramError('/out_refund_no', '应为 1-64 位数字、大小写字母、_-|*@', outRefundNo);
  const reason = body.reason === undefined ? null : String(body.reason).slice(0, 80);
  let notifyUrl: string | null = null;
  if (body.notify_url !== undefined) {
    if (typeof body.notify_url !== 'string' || !/^https?:\/\/[^?]+$/.test(body.notify_url)) throw paramError('/notify_url', '应为不带查询参数的 http(s) 地址', body.notify_url);
    notifyUrl = body.notify_url;
  }
  const amount = body.amount;
  if (amount === null || typeof amount !== 'object') throw paramError('/amount', '此字段为必填项');
  const { refund, total, currency } = amount as Record<string, unknown>;
  if (currency !== 'CNY') throw paramError('/amount/currency', '此字段为必填项，境内商户仅支持 CNY', currency);
  return {
    outTradeNo,
    transactionId,
    outRefundNo,
    reason,
    notifyUrl,
    refund: fen(refund, '/amount/refund'),
    total: fen(total, '/amount/total'),
    fingerprint: canonicalJson(body),
  };
}

export class RefundStore {
  private readonly refunds = new Map<string, PayRefund>();

  get(mchId: string, outRefundNo: string): PayRefund | undefined {
    return this.refunds.get(`${mchId}\n${outRefundNo}`);
  }

  add(refund: PayRefund): void {
    this.refunds.set(`${refund.mchId}\n${refund.outRefundNo}`, refund);
  }

  /** Refunds still PROCESSING whose time has come on the sandbox clock. */
  due(now: number): PayRefund[] {
    return [...this.refunds.values()].filter((r) => r.status === 'PROCESSING' && now >= r.dueAt);
  }
}
