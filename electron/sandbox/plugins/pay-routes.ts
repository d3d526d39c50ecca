/**
 * The WeChat Pay endpoints (§9.3, §9.4, §9.8). pay-api.ts has already authenticated the merchant; each route
 * answers JSON, or 204 when it returns nothing.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxContext } from '../context';
import { aeadEncrypt } from '../crypto/pay-crypto';
import { queryParam } from '../http-helpers';
import { PayApiError } from '../pay/errors';
import type { PayMerchant } from '../pay/merchants';
import type { TradeType } from '../pay/orders';
import { beijingTime } from '../pay/time';
import { randomAlnum } from '../state/ids';
import { faultError, payRequests } from './pay-request-state';

type Handler = (request: FastifyRequest, merchant: PayMerchant) => Record<string, unknown> | void;

/** Runs a handler for the authenticated merchant; an `applied` fault answers its error after the work is done. */
function route(handler: Handler) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const state = payRequests.get(request)!;
    const result = handler(request, state.merchant);
    if (state.fault?.code) throw faultError(state.fault.code);
    if (result === undefined) return reply.status(204).send();
    return reply.type('application/json').send(JSON.stringify(result));
  };
}

/** The JSON object of a request body; PARAM_ERROR for anything else. */
function jsonOf(request: FastifyRequest): Record<string, unknown> {
  const raw = Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '';
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new PayApiError('PARAM_ERROR', '请求体不是合法的 JSON', { location: 'body' });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new PayApiError('PARAM_ERROR', '请求体应为 JSON 对象', { location: 'body' });
  return value as Record<string, unknown>;
}

const param = (request: FastifyRequest, name: string) => (request.params as Record<string, string>)[name]!;

export async function payRoutes(app: FastifyInstance, ctx: SandboxContext): Promise<void> {
  const order = (tradeType: TradeType) => route((request, merchant) => ctx.pay.createOrder(merchant, tradeType, jsonOf(request)));
  app.post('/v3/pay/transactions/native', order('NATIVE'));
  app.post('/v3/pay/transactions/jsapi', order('JSAPI'));
  app.post('/v3/pay/transactions/h5', order('MWEB'));

  app.get('/v3/pay/transactions/out-trade-no/:outTradeNo', route((request, merchant) => ctx.pay.query(merchant, 'out-trade-no', param(request, 'outTradeNo'), queryParam(request, 'mchid'))));
  app.get('/v3/pay/transactions/id/:transactionId', route((request, merchant) => ctx.pay.query(merchant, 'id', param(request, 'transactionId'), queryParam(request, 'mchid'))));
  app.post('/v3/pay/transactions/out-trade-no/:outTradeNo/close', route((request, merchant) => ctx.pay.closeOrder(merchant, param(request, 'outTradeNo'), jsonOf(request))));

  app.post('/v3/refund/domestic/refunds', route((request, merchant) => ctx.pay.refunds.create(merchant, jsonOf(request))));
  app.get('/v3/refund/domestic/refunds/:outRefundNo', route((request, merchant) => ctx.pay.refunds.query(merchant, param(request, 'outRefundNo'))));

  // §9.3: every platform certificate, its PEM encrypted under the merchant's APIv3 key with AAD "certificate".
  app.get(
    '/v3/certificates',
    route((request, merchant) => {
      const algorithm = queryParam(request, 'algorithm_type');
      if (algorithm !== undefined && algorithm !== 'RSA') throw new PayApiError('PARAM_ERROR', '沙箱只有 RSA 平台证书', { location: 'query', field: 'algorithm_type' });
      return {
        data: merchant.certificates.map((cert) => {
          const nonce = randomAlnum(12);
          return {
            serial_no: cert.serialNo,
            effective_time: beijingTime(cert.effectiveAt),
            expire_time: beijingTime(cert.expireAt),
            encrypt_certificate: { algorithm: 'AEAD_AES_256_GCM', nonce, associated_data: 'certificate', ciphertext: aeadEncrypt(merchant.apiV3Key, nonce, 'certificate', cert.certificatePem) },
          };
        }),
      };
    }),
  );
}
