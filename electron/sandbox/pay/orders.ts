/**
 * The sandbox's WeChat Pay orders and the handles that pay them (code_url, prepay_id, h5_url), with an append-only
 * state history. State changes happen only through `transition`, so the history is complete.
 */
import type { TRADE_STATES } from '../../../shared/wechat-sandbox/pay-control';
import type { OrderDraft } from './order-request';

export type TradeType = 'NATIVE' | 'JSAPI' | 'MWEB';
export type TradeState = (typeof TRADE_STATES)[number];
/** What is stored; USERPAYING is derived from an open payment step (see `stateOf`). */
export type StoredTradeState = Exclude<TradeState, 'USERPAYING'>;

/** code_url and prepay_id are valid 2 hours, h5_url 5 minutes (§9.4). */
export const HANDLE_TTL_MS: Record<TradeType, number> = { NATIVE: 7_200_000, JSAPI: 7_200_000, MWEB: 300_000 };

export interface PayOrder extends Omit<OrderDraft, 'payerOpenid'> {
  mchId: string;
  createdAt: number;
  state: StoredTradeState;
  /** While a phone shows this order's payment step, until this instant (sandbox clock). */
  payingUntil: number | null;
  /** JSAPI: the openid the order was made for; after payment: who paid. */
  payerOpenid: string | null;
  transactionId: string | null;
  successAt: number | null;
  refundedTotal: number;
  history: Array<{ at: number; state: TradeState }>;
}

/** A code_url, prepay_id or h5_url token, and the order it pays. */
export interface PaymentHandle {
  value: string;
  order: PayOrder;
  expiresAt: number;
}

function key(mchId: string, outTradeNo: string): string {
  return `${mchId}\n${outTradeNo}`;
}

export class OrderStore {
  private readonly orders = new Map<string, PayOrder>();
  private readonly byTransaction = new Map<string, PayOrder>();
  private readonly handles = new Map<string, PaymentHandle>();

  get(mchId: string, outTradeNo: string): PayOrder | undefined {
    return this.orders.get(key(mchId, outTradeNo));
  }

  byTransactionId(mchId: string, transactionId: string): PayOrder | undefined {
    const order = this.byTransaction.get(transactionId);
    return order?.mchId === mchId ? order : undefined;
  }

  list(): PayOrder[] {
    return [...this.orders.values()];
  }

  create(mchId: string, draft: OrderDraft, now: number): PayOrder {
    const order: PayOrder = {
      ...draft,
      mchId,
      createdAt: now,
      state: 'NOTPAY',
      payingUntil: null,
      transactionId: null,
      successAt: null,
      refundedTotal: 0,
      history: [{ at: now, state: 'NOTPAY' }],
    };
    this.orders.set(key(mchId, draft.outTradeNo), order);
    return order;
  }

  /** Remembers a code_url / prepay_id / h5 token for `order`; each re-submission adds a fresh one (§9.4). */
  addHandle(order: PayOrder, value: string, now: number): PaymentHandle {
    const handle = { value, order, expiresAt: now + HANDLE_TTL_MS[order.tradeType] };
    this.handles.set(value, handle);
    return handle;
  }

  handle(value: string): PaymentHandle | undefined {
    return this.handles.get(value);
  }

  setTransactionId(order: PayOrder, transactionId: string): void {
    order.transactionId = transactionId;
    this.byTransaction.set(transactionId, order);
  }
}

/** The state a query reports: USERPAYING while a payment step is open on a phone, else the stored one. */
export function stateOf(order: PayOrder, now: number): TradeState {
  return order.state === 'NOTPAY' && order.payingUntil !== null && now < order.payingUntil ? 'USERPAYING' : order.state;
}

/** Moves `order` to `state` and records it; recording USERPAYING / back to NOTPAY keeps the history honest too. */
export function transition(order: PayOrder, state: TradeState, now: number): void {
  if (state !== 'USERPAYING') order.state = state;
  order.history.push({ at: now, state });
}

/** Why an order cannot be paid now, in the words the phone shows; null when it can. */
export function unpayableReason(order: PayOrder, now: number): string | null {
  if (order.state === 'SUCCESS' || order.state === 'REFUND') return '该订单已支付';
  if (order.state === 'CLOSED') return '该订单已关闭';
  if (order.state === 'PAYERROR') return '该订单支付失败，请商户重新下单';
  if (now >= order.timeExpire) return '该订单已过期';
  return null;
}
