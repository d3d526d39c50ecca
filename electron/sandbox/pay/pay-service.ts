/**
 * The sandbox as WeChat Pay: merchants, orders (§9.4), payments by sandbox users (phone, control API, JSAPI
 * bundle), TRANSACTION.SUCCESS notifications (§9.6) and, through RefundService, refunds (§9.8). Routes and the
 * phone call this; it knows nothing about HTTP except the notifications it sends.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { payControl } from '../../../shared/wechat-sandbox/pay-control';
import type { SandboxClock } from '../clock';
import { jsapiPayMessage, rsaVerify } from '../crypto/pay-crypto';
import { SandboxError } from '../errors';
import { randomDigits } from '../state/ids';
import type { UserDirectory } from '../state/users';
import { PayApiError } from './errors';
import { newCodeUrl, newPrepayId, newTransactionId } from './ids';
import { MerchantRegistry, type PayMerchant } from './merchants';
import { Notifier, type OutgoingNotification } from './notifier';
import { parseOrderRequest } from './order-request';
import { OrderStore, transition, unpayableReason, type PayOrder, type PaymentHandle, type TradeType } from './orders';
import { RefundService } from './refund-service';
import { signedHeaders } from './signing';
import { beijingTime } from './time';
import { notificationBody, transactionJson } from './wire';

/** Tunables (control API `pay.settings.put`). */
export interface PaySettings {
  timeScale: number;
  notifyTimeoutMs: number;
  refundProcessingSeconds: number;
}

export interface PayServiceDeps {
  clock: SandboxClock;
  /** Real time for signatures and certificates (see signing.ts). */
  wallNow: () => number;
  users: UserDirectory;
  baseUrl: () => string;
  log: Logger;
  settings: PaySettings;
}

/** What a WeChat page passes to getBrandWCPayRequest, plus who is paying (control API `pay.jsapi.pay`). */
export type JsapiPayInput = z.output<(typeof payControl)['pay.jsapi.pay']['body']>;

/** The path of the sandbox's h5_url page (WeChat's is on wx.tenpay.com). */
export const H5_PATH = '/cgi-bin/mmpayweb-bin/checkmweb';

export class PayService {
  readonly merchants: MerchantRegistry;
  readonly orders = new OrderStore();
  readonly notifier: Notifier;
  readonly refunds: RefundService;

  constructor(readonly deps: PayServiceDeps) {
    this.merchants = new MerchantRegistry(deps.wallNow);
    this.notifier = new Notifier({
      clock: deps.clock,
      timeScale: () => deps.settings.timeScale,
      timeoutMs: () => deps.settings.notifyTimeoutMs,
      headers: (mchId, body, probe) => signedHeaders(this.merchants.signerFor(this.merchant(mchId)), body, deps.wallNow(), probe),
      log: deps.log,
    });
    this.refunds = new RefundService(this);
  }

  merchant(mchId: string): PayMerchant {
    const merchant = this.merchants.get(mchId);
    if (!merchant) throw new SandboxError('NOT_FOUND', `no merchant ${mchId} in the sandbox`);
    return merchant;
  }

  /** The sandbox user whose openid for `appId` is `openid`, if any. */
  userOf(appId: string, openid: string): string | null {
    return this.deps.users.list().find((u) => this.deps.users.openid(appId, u.id) === openid)?.id ?? null;
  }

  /** Native / JSAPI / H5 order (§9.4); a re-submission with the same parameters gets a fresh handle. */
  createOrder(merchant: PayMerchant, tradeType: TradeType, body: Record<string, unknown>): Record<string, string> {
    const now = this.deps.clock.now();
    const draft = parseOrderRequest(tradeType, body, merchant, now, (appId, openid) => this.userOf(appId, openid) !== null);
    let order = this.orders.get(merchant.mchId, draft.outTradeNo);
    if (order) {
      if (order.fingerprint !== draft.fingerprint) throw new PayApiError('OUT_TRADE_NO_USED', '商户订单号重复');
      if (order.state === 'SUCCESS' || order.state === 'REFUND') throw new PayApiError('TRADE_ERROR', '该订单已支付，请勿重复下单');
      if (order.state === 'CLOSED') throw new PayApiError('ORDER_CLOSED', '订单已关闭');
      if (order.state === 'PAYERROR') throw new PayApiError('TRADE_ERROR', '该订单支付失败，请使用新的商户订单号下单');
      if (now >= order.timeExpire) throw new PayApiError('INVALID_REQUEST', '订单已过期，请使用新的商户订单号下单');
    } else {
      order = this.orders.create(merchant.mchId, draft, now);
    }
    if (tradeType === 'NATIVE') return { code_url: this.orders.addHandle(order, newCodeUrl(), now).value };
    const prepayId = this.orders.addHandle(order, newPrepayId(now), now).value;
    if (tradeType === 'JSAPI') return { prepay_id: prepayId };
    return { h5_url: `${this.deps.baseUrl()}${H5_PATH}?prepay_id=${prepayId}&package=${randomDigits(10)}` };
  }

  /** Query by out_trade_no or transaction_id (§9.4); `mchid` is the query parameter, required. */
  query(merchant: PayMerchant, by: 'out-trade-no' | 'id', value: string, mchid: string | undefined): Record<string, unknown> {
    if (mchid === undefined || mchid === '') throw new PayApiError('PARAM_ERROR', '缺少参数 mchid', { location: 'query', field: 'mchid' });
    if (mchid !== merchant.mchId) throw new PayApiError('PARAM_ERROR', 'mchid 与请求头 Authorization 中的 mchid 不一致', { location: 'query', field: 'mchid' });
    const order = by === 'id' ? this.orders.byTransactionId(mchid, value) : this.orders.get(mchid, value);
    if (!order) throw new PayApiError('ORDER_NOT_EXIST', '订单不存在');
    return transactionJson(order, this.deps.clock.now());
  }

  /** Close (§9.4): 204 for unpaid and already-closed orders; a paid order cannot be closed. */
  closeOrder(merchant: PayMerchant, outTradeNo: string, body: Record<string, unknown>): void {
    if (body.mchid !== merchant.mchId) throw new PayApiError('PARAM_ERROR', 'mchid 缺失或与请求头 Authorization 中的 mchid 不一致', { location: 'body', field: '/mchid' });
    const order = this.orders.get(merchant.mchId, outTradeNo);
    if (!order) throw new PayApiError('ORDER_NOT_EXIST', '订单不存在');
    if (order.state === 'SUCCESS' || order.state === 'REFUND') throw new PayApiError('TRADE_ERROR', '订单已支付，不能关闭');
    if (order.state === 'CLOSED') return;
    order.payingUntil = null;
    transition(order, 'CLOSED', this.deps.clock.now());
  }

  /** A sandbox user pays (or fails to pay) `order`; SUCCESS notifies the merchant. SandboxError when it cannot. */
  pay(order: PayOrder, userId: string, result: 'SUCCESS' | 'PAYERROR'): PayOrder {
    const now = this.deps.clock.now();
    if (!this.deps.users.get(userId)) throw new SandboxError('NOT_FOUND', `no sandbox user ${userId}`);
    const reason = unpayableReason(order, now);
    if (reason) throw new SandboxError('CONFLICT', reason);
    const openid = this.deps.users.openid(order.appId, userId);
    if (order.tradeType === 'JSAPI' && order.payerOpenid !== openid) throw new SandboxError('CONFLICT', '该订单只能由下单时指定的用户（payer.openid）支付');
    order.payingUntil = null;
    if (result === 'PAYERROR') {
      transition(order, 'PAYERROR', now);
      return order;
    }
    order.payerOpenid = openid;
    order.successAt = now;
    this.orders.setTransactionId(order, newTransactionId(now));
    transition(order, 'SUCCESS', now);
    const resource = transactionJson(order, now);
    this.notify(order.mchId, { eventType: 'TRANSACTION.SUCCESS', outTradeNo: order.outTradeNo, outRefundNo: null, url: order.notifyUrl, resource }, '支付成功', 'transaction');
    return order;
  }

  /** `getBrandWCPayRequest` (§9.4): the bundle's paySign is checked with the merchant's key before paying. */
  jsapiPay(input: JsapiPayInput): { errMsg: string; order: PayOrder | null } {
    const fail = (why: string) => ({ errMsg: `get_brand_wcpay_request:fail ${why}`, order: null });
    const prepayId = /^prepay_id=(.+)$/.exec(input.package)?.[1];
    const handle = prepayId ? this.orders.handle(prepayId) : undefined;
    if (!handle || handle.order.tradeType !== 'JSAPI') return fail('package 中的 prepay_id 无效');
    if (this.deps.clock.now() >= handle.expiresAt) return fail('prepay_id 已过期');
    if (handle.order.appId !== input.appId) return fail('appId 与下单时的 appid 不一致');
    if (input.signType !== 'RSA') return fail('signType 应为 RSA');
    const message = jsapiPayMessage(input.appId, input.timeStamp, input.nonceStr, input.package);
    if (!rsaVerify(message, input.paySign, this.merchant(handle.order.mchId).requestKey)) return fail('支付验证签名失败');
    if (input.action === 'cancel') return { errMsg: 'get_brand_wcpay_request:cancel', order: handle.order };
    try {
      return { errMsg: 'get_brand_wcpay_request:ok', order: this.pay(handle.order, input.userId, 'SUCCESS') };
    } catch (error) {
      if (error instanceof SandboxError) return fail(error.message);
      throw error;
    }
  }

  /** The payment a scanned code_url or h5_url stands for; null when `url` is not one of the sandbox's. */
  paymentOf(url: string): PaymentHandle | null {
    if (url.startsWith('weixin://wxpay/bizpayurl?')) return this.orders.handle(url) ?? null;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return null;
    }
    if (parsed.pathname !== H5_PATH || parsed.host !== new URL(this.deps.baseUrl()).host) return null;
    return this.orders.handle(parsed.searchParams.get('prepay_id') ?? '') ?? null;
  }

  /** Encrypts `resource` under the merchant's APIv3 key and sends it, unless the merchant turned notifications off. */
  notify(mchId: string, note: Omit<OutgoingNotification, 'id' | 'mchId' | 'body'>, summary: string, originalType: 'transaction' | 'refund'): void {
    const merchant = this.merchant(mchId);
    if (merchant.notifications === 'off') return;
    const id = randomUUID();
    const createTime = beijingTime(this.deps.clock.now());
    const body = notificationBody({ id, createTime, eventType: note.eventType, summary, originalType, plaintext: JSON.stringify(note.resource), apiV3Key: merchant.apiV3Key });
    this.notifier.send({ ...note, id, mchId, body });
  }

  async shutdown(): Promise<void> {
    this.refunds.close();
    await this.notifier.close();
  }
}
