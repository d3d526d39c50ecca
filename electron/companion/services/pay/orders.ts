/**
 * Course orders at WeChat Pay (wechat-protocols.md §9.4): created for one course or a bundle at the price
 * shared/domain/pricing.ts computes, stored as CREATING before the request goes out (so a crash or timeout leaves a
 * row that reconciliation settles), then NOTPAY with what the buyer needs — a code_url and its QR (Native), the
 * paySign bundle (JSAPI) or an h5_url (H5). Query and close follow WeChat's answer through the ledger.
 */
import QRCode from 'qrcode';
import type { z } from 'zod';
import type { OrderDetail, createOrderSchema, orderPaymentSchema, Order } from '../../../../shared/companion/api';
import { quote } from '../../../../shared/domain/pricing';
import { CompanionError } from '../../errors';
import type { PayClient } from '../../wechat/pay/client';
import { NOT_FOUND_CODES, PayApiError } from '../../wechat/pay/errors';
import { jsapiPayParams, newNonce } from '../../wechat/pay/signing';
import type { Ledger } from './ledger';
import type { OrderQueries } from './order-queries';
import { beijingRfc3339, defaultDescription, encodeAttach, isPaid, newOutTradeNo } from './order-rules';
import type { PaySettingsService } from './settings';

export type CreateOrderInput = z.output<typeof createOrderSchema>;
type Payment = z.infer<typeof orderPaymentSchema>;

export interface OrderServiceDeps {
  ledger: Ledger;
  queries: OrderQueries;
  settings: PaySettingsService;
  client: PayClient;
  now: () => Date;
  /** Real time: the JSAPI bundle's timeStamp (§9.4) is checked by WeChat against its own clock. */
  wallNow: () => number;
}

const queryPath = '/v3/pay/transactions/out-trade-no/{out_trade_no}';

export class OrderService {
  constructor(private readonly deps: OrderServiceDeps) {}

  async create(input: CreateOrderInput, memberId: string | null): Promise<{ order: Order; payment: Payment }> {
    const { ledger, settings, client } = this.deps;
    const creds = settings.credentials();
    const priced = quote(input.items, input.discount ?? null);
    if (!priced.ok) throw new CompanionError('INVALID_INPUT', `body.items: cannot be priced (${priced.code})`, { part: 'body', code: priced.code });
    const q = priced.quote;
    const now = this.deps.now();
    const outTradeNo = newOutTradeNo(now);
    const expire = new Date(now.getTime() + input.expireMinutes * 60_000);
    const appId = settings.appId()!;
    const body: Record<string, unknown> = {
      appid: appId,
      mchid: creds.mchId,
      description: input.description ?? defaultDescription(q.lines.map((l) => l.title)),
      out_trade_no: outTradeNo,
      time_expire: beijingRfc3339(expire),
      attach: encodeAttach(q.lines.map((l) => l.courseId), input.scene),
      notify_url: settings.notifyUrl(),
      amount: { total: q.totalFen, currency: 'CNY' },
      ...(input.kind === 'jsapi' ? { payer: { openid: input.payerOpenid } } : {}),
      ...(input.kind === 'h5'
        ? {
            scene_info: {
              payer_client_ip: input.payerClientIp,
              h5_info: { type: input.h5Type, ...(input.appName ? { app_name: input.appName } : {}), ...(input.appUrl ? { app_url: input.appUrl } : {}) },
            },
          }
        : {}),
    };
    ledger.tx(() => {
      this.insert(outTradeNo, input, q, body, appId, creds.mchId, expire, memberId);
      ledger.history(outTradeNo, 'create', null, 'CREATING', `sent to WeChat Pay (${input.kind})`);
    });

    const path = `/v3/pay/transactions/${input.kind}`;
    let data: Record<string, unknown> | null;
    try {
      data = (await client.request({ method: 'POST', url: path, apiPath: path, body, memberId })).data;
    } catch (error) {
      this.recordFailure(outTradeNo, error);
      throw error;
    }
    const field = { native: 'code_url', jsapi: 'prepay_id', h5: 'h5_url' }[input.kind];
    const value = data?.[field];
    if (typeof value !== 'string' || !value) {
      const error = new PayApiError(`WeChat Pay answered without ${field}; the order's outcome is unknown`, 'BAD_ANSWER', 200, true, path);
      this.recordFailure(outTradeNo, error);
      throw error;
    }
    ledger.tx(() => {
      ledger.setState(outTradeNo, 'NOTPAY', 'create', `${field} received`);
      // `field` comes from the fixed map above, never from input.
      ledger.run(`UPDATE pay_orders SET ${field} = ? WHERE out_trade_no = ?`, value, outTradeNo);
    });
    const payment = await this.payment(input.kind, value, appId);
    return { order: this.deps.queries.detail(outTradeNo).order, payment };
  }

  private async payment(kind: CreateOrderInput['kind'], value: string, appId: string): Promise<Payment> {
    if (kind === 'native') {
      const png = await QRCode.toBuffer(value, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 320 });
      return { kind, codeUrl: value, qrPngBase64: png.toString('base64') };
    }
    if (kind === 'jsapi') {
      const timeStamp = String(Math.floor(this.deps.wallNow() / 1000));
      return { kind, prepayId: value, payParams: jsapiPayParams({ appId, prepayId: value, timeStamp, nonceStr: newNonce(), privateKey: this.deps.settings.privateKey() }) };
    }
    return { kind, h5Url: value };
  }

  private insert(
    outTradeNo: string,
    input: CreateOrderInput,
    q: Extract<ReturnType<typeof quote>, { ok: true }>['quote'],
    body: Record<string, unknown>,
    appId: string,
    mchId: string,
    expire: Date,
    memberId: string | null,
  ): void {
    const now = this.deps.now().toISOString();
    const { ledger } = this.deps;
    ledger.run(
      `INSERT INTO pay_orders (out_trade_no, mch_id, app_id, kind, state, description, list_fen, discount_fen, total_fen, discount_json, scene, attach,
         payer_openid, created_at, time_expire, created_by, updated_at) VALUES (?, ?, ?, ?, 'CREATING', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      outTradeNo,
      mchId,
      appId,
      input.kind,
      body.description as string,
      q.listFen,
      q.discountFen,
      q.totalFen,
      q.applied ? JSON.stringify(q.applied) : null,
      input.scene ?? null,
      body.attach as string,
      input.kind === 'jsapi' ? input.payerOpenid : null,
      now,
      expire.toISOString(),
      memberId,
      now,
    );
    q.lines.forEach((l, i) =>
      ledger.run('INSERT INTO pay_order_items (out_trade_no, position, course_id, title, price_fen, pay_fen) VALUES (?, ?, ?, ?, ?, ?)', outTradeNo, i, l.courseId, l.title, l.priceFen, l.payFen),
    );
  }

  /** A refusal is final (FAILED); an unknown outcome leaves CREATING for reconciliation, with a note either way. */
  private recordFailure(outTradeNo: string, error: unknown): void {
    const { ledger } = this.deps;
    const code = error instanceof PayApiError ? error.payCode : 'ERROR';
    ledger.tx(() => {
      if (error instanceof PayApiError && !error.outcomeUnknown) ledger.setState(outTradeNo, 'FAILED', 'create', `refused: ${code}`);
      else ledger.history(outTradeNo, 'create', 'CREATING', 'CREATING', `outcome unknown (${code}); reconciliation will query`);
    });
  }

  /** WeChat's view of an order now (§9.4 query), or null when WeChat Pay has no such order. */
  async fetch(outTradeNo: string, memberId: string | null): Promise<Record<string, unknown> | null> {
    const mchId = this.deps.settings.credentials().mchId;
    try {
      const answer = await this.deps.client.request({
        method: 'GET',
        url: `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}?mchid=${mchId}`,
        apiPath: queryPath,
        memberId,
      });
      return answer.data ?? {};
    } catch (error) {
      if (error instanceof PayApiError && NOT_FOUND_CODES.has(error.payCode)) return null;
      throw error;
    }
  }

  /** Queries WeChat Pay and applies the answer (source `query` or `reconcile`). */
  async query(outTradeNo: string, memberId: string | null, source: 'query' | 'reconcile' = 'query'): Promise<OrderDetail> {
    const { ledger } = this.deps;
    if (!ledger.order(outTradeNo)) throw new CompanionError('NOT_FOUND', `No order ${outTradeNo}`);
    const transaction = await this.fetch(outTradeNo, memberId);
    if (transaction) ledger.tx(() => ledger.applyTransaction(transaction, source, `${source}:${outTradeNo}`));
    return this.deps.queries.detail(outTradeNo);
  }

  /** Closes an unpaid order at WeChat Pay (§9.4: 204). CONFLICT for a paid one — checked with WeChat, not just locally. */
  async close(outTradeNo: string, memberId: string | null, source: 'close' | 'reconcile' = 'close'): Promise<OrderDetail> {
    const { ledger, client } = this.deps;
    const order = ledger.order(outTradeNo);
    if (!order) throw new CompanionError('NOT_FOUND', `No order ${outTradeNo}`);
    if (isPaid(order.state)) throw new CompanionError('CONFLICT', `Order ${outTradeNo} is paid (${order.state}); refund it instead`, { state: order.state });
    if (order.state === 'CLOSED' || order.state === 'FAILED') return this.deps.queries.detail(outTradeNo);
    const mchId = this.deps.settings.credentials().mchId;
    const path = `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}/close`;
    try {
      await client.request({ method: 'POST', url: path, apiPath: '/v3/pay/transactions/out-trade-no/{out_trade_no}/close', body: { mchid: mchId }, memberId });
      ledger.tx(() => ledger.setState(outTradeNo, 'CLOSED', source, 'closed at WeChat Pay'));
    } catch (error) {
      if (!(error instanceof PayApiError) || error.outcomeUnknown) throw error;
      if (error.payCode === 'ORDER_CLOSED') {
        ledger.tx(() => ledger.setState(outTradeNo, 'CLOSED', source, 'WeChat Pay reports it closed'));
      } else if (NOT_FOUND_CODES.has(error.payCode)) {
        ledger.tx(() => ledger.setState(outTradeNo, order.state === 'CREATING' ? 'FAILED' : 'CLOSED', source, 'WeChat Pay has no such order'));
      } else {
        // Refused for another reason (paid meanwhile, most likely): learn the truth before answering.
        const detail = await this.query(outTradeNo, memberId, source === 'close' ? 'query' : 'reconcile');
        if (isPaid(detail.order.state)) throw new CompanionError('CONFLICT', `Order ${outTradeNo} was paid meanwhile; refund it instead`, { state: detail.order.state });
        throw error;
      }
    }
    return this.deps.queries.detail(outTradeNo);
  }
}
