/**
 * The WeChat Pay part of the sandbox's control API (spread into `sandboxControl`, control.ts): merchant registration,
 * the sandbox's platform keys, orders, payments by a sandbox user, notifications and their faults. WeChat Pay's own
 * endpoints (`/v3/pay/transactions/*`, `/v3/refund/domestic/refunds`, `/v3/certificates`) are served as
 * wechat-protocols.md §9 documents them; this table is only the sandbox's extra surface. Money is integer fen.
 */
import { z } from 'zod';

const appIdSchema = z.string().regex(/^wx[0-9a-f]{16}$/);

/** UTF-8 length without TextEncoder or Buffer, which shared/ cannot assume. */
function utf8Length(text: string): number {
  let bytes = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/** Which of the sandbox's platform keys signs this merchant's responses and notifications (§9.3). */
export const PAY_VERIFICATION_MODES = ['publicKey', 'platformCertificate'] as const;

/** Trade states of §9.7 that the sandbox produces (REVOKED is for payment-code flows, which it does not emulate). */
export const TRADE_STATES = ['NOTPAY', 'USERPAYING', 'SUCCESS', 'CLOSED', 'REFUND', 'PAYERROR'] as const;

/** One platform certificate as `/v3/certificates` serves it, already decrypted. */
export const payCertificateSchema = z.object({
  /** 40 upper-case hex digits, as `Wechatpay-Serial` carries it. */
  serialNo: z.string(),
  /** A self-signed X.509 certificate (PEM) of the sandbox's platform key. */
  certificatePem: z.string(),
  /** RFC 3339, +08:00. */
  effectiveTime: z.string(),
  expireTime: z.string(),
});

/** What a merchant needs to verify the sandbox: its WeChat Pay public key and its platform certificates. */
export const payPlatformSchema = z.object({
  mchId: z.string(),
  verification: z.enum(PAY_VERIFICATION_MODES),
  /** `PUB_KEY_ID_` followed by 34 digits; `Wechatpay-Serial` in publicKey mode. */
  publicKeyId: z.string(),
  /** SPKI PEM of the WeChat Pay public key. */
  publicKeyPem: z.string(),
  /** Newest first; the newest signs in platformCertificate mode. */
  certificates: z.array(payCertificateSchema),
});

export const payMerchantInputSchema = z.object({
  /** 商户号. */
  mchId: z.string().regex(/^\d{8,12}$/),
  /** The merchant's name as the payer sees it on the payment step (商户名称). */
  name: z.string().min(1).max(64),
  /** Serial of the merchant API certificate: `serial_no` in every request's Authorization (hex, any case). */
  certificateSerial: z.string().regex(/^[0-9A-Fa-f]{8,64}$/),
  /** The merchant's API public key (SPKI PEM) or its API certificate (X.509 PEM): verifies request signatures. */
  publicKeyPem: z.string().includes('-----BEGIN'),
  /** The APIv3 key: exactly 32 bytes (§9.6, AEAD_AES_256_GCM). */
  apiV3Key: z.string().refine((key) => utf8Length(key) === 32, 'the APIv3 key must be exactly 32 bytes'),
  /** Appids bound to this merchant; an order for another appid answers 400 APPID_MCHID_NOT_MATCH. */
  appIds: z.array(appIdSchema).min(1),
  /** Whose serial responses and notifications carry when the request does not ask (§9.3); default publicKey. */
  verification: z.enum(PAY_VERIFICATION_MODES).default('publicKey'),
  /** `off`: no notifications at all for this merchant (it must query, as after a lost callback). */
  notifications: z.enum(['send', 'off']).default('send'),
});

const historyEntrySchema = z.object({ at: z.string(), state: z.enum(TRADE_STATES) });

/** An order as the sandbox holds it (not WeChat's wire shape: that is §9.7, served by the query API). */
export const payOrderSchema = z.object({
  mchId: z.string(),
  appId: z.string(),
  outTradeNo: z.string(),
  /** Assigned when the order is paid. */
  transactionId: z.string().nullable(),
  tradeType: z.enum(['NATIVE', 'JSAPI', 'MWEB']),
  tradeState: z.enum(TRADE_STATES),
  description: z.string(),
  /** Fen. */
  amountTotal: z.number().int(),
  /** Fen, over every refund not CLOSED or ABNORMAL. */
  refundedTotal: z.number().int(),
  payerOpenid: z.string().nullable(),
  notifyUrl: z.string(),
  createdAt: z.string(),
  timeExpire: z.string(),
  successTime: z.string().nullable(),
  /** Every state the order went through, oldest first. */
  history: z.array(historyEntrySchema),
});

const attemptSchema = z.object({
  at: z.string(),
  /** `retry` attempts follow §9.6's schedule; `duplicate` and `probe` come from notification faults. */
  kind: z.enum(['first', 'retry', 'duplicate', 'probe']),
  /** The schedule's wait before this attempt in unscaled seconds (15, 15, 30, 180 …); 0 for the first. */
  scheduledAfterSeconds: z.number(),
  status: z.number().int().nullable(),
  body: z.string(),
  error: z.string().nullable(),
});

export const payNotificationSchema = z.object({
  /** The notification's `id`; the same in every attempt and duplicate. */
  id: z.string(),
  mchId: z.string(),
  eventType: z.enum(['TRANSACTION.SUCCESS', 'REFUND.SUCCESS']),
  outTradeNo: z.string(),
  outRefundNo: z.string().nullable(),
  url: z.string(),
  /** The decrypted `resource` (for tests; the wire carries it encrypted). */
  resource: z.record(z.string(), z.unknown()),
  attempts: z.array(attemptSchema),
  /** Held by a `hold` fault until `pay.notifications.release`. */
  held: z.boolean(),
  /** The merchant answered 2xx to a genuine (non-probe) attempt. */
  delivered: z.boolean(),
  /** No more attempts will be made. */
  done: z.boolean(),
});

const okSchema = z.object({ ok: z.literal(true) });

export const payControl = {
  /**
   * Registers (or updates) a merchant. The first registration of a mchId generates its platform key pairs (a WeChat
   * Pay public key and one platform certificate); updates keep them. Answers what the merchant needs to verify.
   */
  'pay.merchants.put': { method: 'POST', path: '/__sandbox/pay/merchants', body: payMerchantInputSchema, response: payPlatformSchema },
  /**
   * Rotates a merchant's platform material: `certificate` adds a new platform certificate (newest signs, the old one
   * stays listed unless `retirePrevious`); `publicKey` replaces the WeChat Pay public key and its id.
   */
  'pay.platform.rotate': {
    method: 'POST',
    path: '/__sandbox/pay/platform/rotate',
    body: z.object({ mchId: z.string(), kind: z.enum(['certificate', 'publicKey']), retirePrevious: z.boolean().default(false) }),
    response: payPlatformSchema,
  },
  /** Tunables; every field optional, the answer is the whole current set. */
  'pay.settings.put': {
    method: 'POST',
    path: '/__sandbox/pay/settings',
    body: z.object({
      /** Multiplies every notification retry wait and the refund processing time (0.001: 15 s → 15 ms). */
      timeScale: z.number().positive().max(1).optional(),
      /** How long a notification waits for the merchant's answer (§9.2: 5 s). */
      notifyTimeoutMs: z.number().int().min(10).max(60_000).optional(),
      /** Seconds (sandbox clock, scaled) before a refund goes PROCESSING → SUCCESS. */
      refundProcessingSeconds: z.number().int().min(0).max(86_400).optional(),
    }),
    response: z.object({ timeScale: z.number(), notifyTimeoutMs: z.number().int(), refundProcessingSeconds: z.number().int() }),
  },
  'pay.orders.list': { method: 'GET', path: '/__sandbox/pay/orders', response: z.object({ items: z.array(payOrderSchema) }) },
  /**
   * Pays an order as a sandbox user, without the phone: SUCCESS (payer = the user's openid for the order's appid,
   * then TRANSACTION.SUCCESS is notified) or PAYERROR. A JSAPI order can only be paid by its payer.
   */
  'pay.orders.pay': {
    method: 'POST',
    path: '/__sandbox/pay/orders/pay',
    body: z.object({ mchId: z.string(), outTradeNo: z.string(), userId: z.string(), result: z.enum(['SUCCESS', 'PAYERROR']).default('SUCCESS') }),
    response: z.object({ order: payOrderSchema }),
  },
  /**
   * What `WeixinJSBridge.invoke('getBrandWCPayRequest', …)` does in the user's WeChat: checks the bundle's paySign
   * with the merchant's public key (§9.4), that the prepay_id is the user's, then pays (or cancels). Like the JS API
   * it never fails as HTTP: the outcome is `errMsg` (`get_brand_wcpay_request:ok` / `:cancel` / `:fail …`).
   */
  'pay.jsapi.pay': {
    method: 'POST',
    path: '/__sandbox/pay/jsapi/pay',
    body: z.object({
      userId: z.string(),
      appId: z.string(),
      timeStamp: z.string(),
      nonceStr: z.string(),
      /** `prepay_id=…`. */
      package: z.string(),
      signType: z.string(),
      paySign: z.string(),
      action: z.enum(['pay', 'cancel']).default('pay'),
    }),
    response: z.object({ errMsg: z.string(), order: payOrderSchema.nullable() }),
  },
  /** Every notification with every attempt, oldest first. */
  'pay.notifications.list': { method: 'GET', path: '/__sandbox/pay/notifications', response: z.object({ items: z.array(payNotificationSchema) }) },
  /**
   * A fault for the next `count` notifications (of `mchId`, or any): `duplicate` sends `copies` extra copies after
   * the first 2xx (or, `concurrent`, together with the first attempt); `delay` waits `delayMs` before the first
   * attempt; `hold` keeps them until `pay.notifications.release`; `signProbe` sends a `WECHATPAY/SIGNTEST/` probe
   * first (§9.2), then the genuine notification.
   */
  'pay.notifications.fault': {
    method: 'POST',
    path: '/__sandbox/pay/notifications/faults',
    body: z.object({
      kind: z.enum(['duplicate', 'delay', 'hold', 'signProbe']),
      mchId: z.string().optional(),
      count: z.number().int().min(1).default(1),
      copies: z.number().int().min(1).max(10).default(1),
      concurrent: z.boolean().default(false),
      delayMs: z.number().int().min(0).max(60_000).default(0),
    }),
    response: okSchema,
  },
  /** Sends the held notifications one after another in this order (reordering); answers their ids as sent. */
  'pay.notifications.release': {
    method: 'POST',
    path: '/__sandbox/pay/notifications/release',
    body: z.object({ order: z.enum(['fifo', 'reverse', 'shuffle']).default('fifo') }),
    response: z.object({ released: z.array(z.string()) }),
  },
} as const;
