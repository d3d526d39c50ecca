/**
 * The simulated phone's payment step: a scanned `code_url` (Native) or an opened `h5_url` (H5) shows the merchant,
 * the description and the amount; while the step is open the order reads USERPAYING; 确认支付 pays it as the
 * phone's user (payer = that user's openid for the order's appid), 取消 leaves it NOTPAY.
 */
import { SandboxError } from '../errors';
import { transition, unpayableReason, type PayOrder, type PaymentHandle } from './orders';
import type { PayService } from './pay-service';
import { yuanText } from './time';

/** What the payment step shows (phone.scan's `payment`). */
export interface PaymentStep {
  merchantName: string;
  description: string;
  amountTotal: number;
  amountText: string;
}

/** Opens the payment step for `handle` until `until` (sandbox clock), or says in Chinese why it cannot be paid. */
export function openPaymentStep(pay: PayService, handle: PaymentHandle, kind: 'native' | 'h5', until: number): PaymentStep | { error: string } {
  const now = pay.deps.clock.now();
  const order = handle.order;
  if (order.tradeType !== (kind === 'native' ? 'NATIVE' : 'MWEB')) return { error: '无法识别的支付链接' };
  if (now >= handle.expiresAt) return { error: kind === 'native' ? '二维码已过期，请让商户重新生成' : '支付链接已过期（h5_url 有效期 5 分钟）' };
  const reason = unpayableReason(order, now);
  if (reason) return { error: reason };
  order.payingUntil = until;
  transition(order, 'USERPAYING', now);
  const merchant = pay.merchant(order.mchId);
  return { merchantName: merchant.name, description: order.description, amountTotal: order.amountTotal, amountText: yuanText(order.amountTotal) };
}

/** The user's decision on an open payment step; answers the text the phone shows and whether it went through. */
export function finishPaymentStep(pay: PayService, order: PayOrder, userId: string, allow: boolean): { ok: boolean; text: string } {
  const now = pay.deps.clock.now();
  if (!allow) {
    if (order.state === 'NOTPAY') {
      order.payingUntil = null;
      transition(order, 'NOTPAY', now);
    }
    return { ok: true, text: '已取消支付' };
  }
  try {
    pay.pay(order, userId, 'SUCCESS');
  } catch (error) {
    if (error instanceof SandboxError) return { ok: false, text: `支付失败：${error.message}` };
    throw error;
  }
  return { ok: true, text: `支付成功：已向「${pay.merchant(order.mchId).name}」支付 ${yuanText(order.amountTotal)}` };
}
