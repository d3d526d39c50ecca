/**
 * The `pay.*` methods of the control API (shared/wechat-sandbox/pay-control.ts). Added to the control API's own
 * context by control-routes.ts, so they share its token check and error answers.
 */
import type { FastifyInstance } from 'fastify';
import { sandboxControl as control } from '../../../shared/wechat-sandbox/control';
import type { SandboxContext } from '../context';
import { SandboxError } from '../errors';
import { stateOf, type PayOrder } from '../pay/orders';
import { beijingTime } from '../pay/time';
import { parseWith } from './validate';

/** An order as the control API shows it (payOrderSchema). */
export function orderView(ctx: SandboxContext, order: PayOrder) {
  const iso = beijingTime;
  return {
    mchId: order.mchId,
    appId: order.appId,
    outTradeNo: order.outTradeNo,
    transactionId: order.transactionId,
    tradeType: order.tradeType,
    tradeState: stateOf(order, ctx.clock.now()),
    description: order.description,
    amountTotal: order.amountTotal,
    refundedTotal: order.refundedTotal,
    payerOpenid: order.successAt !== null ? order.payerOpenid : null,
    notifyUrl: order.notifyUrl,
    createdAt: iso(order.createdAt),
    timeExpire: iso(order.timeExpire),
    successTime: order.successAt !== null ? iso(order.successAt) : null,
    history: order.history.map((h) => ({ at: iso(h.at), state: h.state })),
  };
}

export function addPayControlRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  const pay = ctx.pay;

  app.post(control['pay.merchants.put'].path, async (request) => {
    const merchant = await pay.merchants.put(parseWith(control['pay.merchants.put'].body, request.body));
    return pay.merchants.platformOf(merchant);
  });

  app.post(control['pay.platform.rotate'].path, async (request) => {
    const { mchId, kind, retirePrevious } = parseWith(control['pay.platform.rotate'].body, request.body);
    return pay.merchants.platformOf(await pay.merchants.rotate(mchId, kind, retirePrevious));
  });

  app.post(control['pay.settings.put'].path, async (request) => {
    const { timeScale, notifyTimeoutMs, refundProcessingSeconds } = parseWith(control['pay.settings.put'].body, request.body);
    const settings = pay.deps.settings;
    // Changes apply to waits that start from now on; a retry already sleeping keeps its old length.
    if (timeScale !== undefined) settings.timeScale = timeScale;
    if (notifyTimeoutMs !== undefined) settings.notifyTimeoutMs = notifyTimeoutMs;
    if (refundProcessingSeconds !== undefined) settings.refundProcessingSeconds = refundProcessingSeconds;
    return { ...settings };
  });

  app.get(control['pay.orders.list'].path, async () => ({ items: pay.orders.list().map((o) => orderView(ctx, o)) }));

  app.post(control['pay.orders.pay'].path, async (request) => {
    const { mchId, outTradeNo, userId, result } = parseWith(control['pay.orders.pay'].body, request.body);
    const order = pay.orders.get(mchId, outTradeNo);
    if (!order) throw new SandboxError('NOT_FOUND', `no order ${outTradeNo} of merchant ${mchId}`);
    return { order: orderView(ctx, pay.pay(order, userId, result)) };
  });

  app.post(control['pay.jsapi.pay'].path, async (request) => {
    const outcome = pay.jsapiPay(parseWith(control['pay.jsapi.pay'].body, request.body));
    return { errMsg: outcome.errMsg, order: outcome.order ? orderView(ctx, outcome.order) : null };
  });

  app.get(control['pay.notifications.list'].path, async () => ({ items: pay.notifier.list() }));

  app.post(control['pay.notifications.fault'].path, async (request) => {
    pay.notifier.addFault(parseWith(control['pay.notifications.fault'].body, request.body));
    return { ok: true };
  });

  app.post(control['pay.notifications.release'].path, async (request) => {
    const { order } = parseWith(control['pay.notifications.release'].body, request.body);
    return { released: pay.notifier.release(order) };
  });
}
