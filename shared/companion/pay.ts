/**
 * WeChat Pay's part of the companion API (the routes are in api.ts's table, which re-exports everything here):
 * settings without secrets, discount rules, orders with their append-only history, refunds, alerts, enrolments,
 * and what a buyer needs to pay. Money is integer fen; payer openids are only ever returned masked.
 */
import { z } from 'zod';

const isoDate = z.string();

/** WeChat Pay: how responses and notifications are verified (§9.3) — by downloaded platform certificates or by the public key. */
export const PAY_VERIFY_MODES = ['platformCertificates', 'publicKey'] as const;
export type PayVerifyMode = (typeof PAY_VERIFY_MODES)[number];

/** A platform certificate the companion knows (downloaded with GET /v3/certificates), by serial. */
export const payPlatformCertificateSchema = z.object({
  serialNo: z.string(),
  effectiveTime: isoDate,
  expireTime: isoDate,
});

/** The pay settings page. Never carries a secret: only whether each one is set. */
export const paySettingsSchema = z.object({
  /** True when every setting the current verification mode needs is present, so orders can be created. */
  configured: z.boolean(),
  sandbox: z.boolean(),
  /** The app the orders are made for (the official account's AppID unless configured otherwise). */
  appId: z.string(),
  mchId: z.string(),
  /** Serial of the merchant API certificate (商户API证书序列号), sent in every Authorization header. */
  merchantSerialNo: z.string(),
  verifyMode: z.enum(PAY_VERIFY_MODES),
  /** `PUB_KEY_ID_…` in publicKey mode; empty otherwise. */
  publicKeyId: z.string(),
  /** Where WeChat Pay sends payment and refund notifications (the companion's /wechat/pay/notify behind the public base URL). */
  notifyUrl: z.string(),
  secrets: z.object({ merchantPrivateKey: z.boolean(), apiV3Key: z.boolean(), publicKey: z.boolean() }),
  /** Setting keys fixed by the companion's config file (the API refuses to change them). */
  managedByConfig: z.array(z.string()),
  platformCertificates: z.array(payPlatformCertificateSchema),
  /** How often the reconciliation job runs, in seconds. */
  reconcileIntervalSeconds: z.number().int(),
});
export type PaySettings = z.infer<typeof paySettingsSchema>;

/** 满减 (`threshold`: off `offFen` once the list total reaches `thresholdFen`) or a fixed coupon. Integer fen. */
export const discountRuleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('threshold'), thresholdFen: z.number().int().min(1), offFen: z.number().int().min(1) }),
  z.object({ kind: z.literal('coupon'), offFen: z.number().int().min(1), code: z.string().max(32).optional() }),
]);

export const ORDER_KINDS = ['native', 'jsapi', 'h5'] as const;
export type OrderKind = (typeof ORDER_KINDS)[number];
/**
 * An order's state: WeChat's trade_state (§9.7) plus two of our own — `CREATING` (sent to WeChat, answer not known
 * yet; reconciliation settles it) and `FAILED` (WeChat refused to create it; nothing can be paid).
 */
export const ORDER_STATES = ['CREATING', 'FAILED', 'NOTPAY', 'USERPAYING', 'SUCCESS', 'REFUND', 'CLOSED', 'REVOKED', 'PAYERROR'] as const;
export type OrderState = (typeof ORDER_STATES)[number];
/** What caused a state history entry. */
export const ORDER_EVENT_SOURCES = ['create', 'notify', 'query', 'close', 'reconcile', 'refund'] as const;
export const REFUND_STATES = ['CREATING', 'PROCESSING', 'SUCCESS', 'CLOSED', 'ABNORMAL', 'FAILED'] as const;

/** Course ids and tracking scenes travel in `attach` (≤128 characters), so they are short and plain. */
export const courseIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'course ids are 1–64 letters, digits, _ or -');
export const trackingSceneSchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'scenes are 1–64 letters, digits or _ . : -');

export const orderItemSchema = z.object({
  courseId: courseIdSchema,
  title: z.string().min(1).max(64),
  /** List price in integer fen. */
  priceFen: z.number().int().min(0).max(99_999_999),
});

export const orderSchema = z.object({
  outTradeNo: z.string(),
  kind: z.enum(ORDER_KINDS),
  state: z.enum(ORDER_STATES),
  description: z.string(),
  /** The courses bought, with each one's share of the paid total (integer fen, summing to totalFen). */
  items: z.array(orderItemSchema.extend({ payFen: z.number().int() })),
  listFen: z.number().int(),
  discountFen: z.number().int(),
  discount: discountRuleSchema.nullable(),
  /** What the buyer pays, integer fen (≥ 1). */
  totalFen: z.number().int(),
  /** Sum of successful refunds. */
  refundedFen: z.number().int(),
  /** The tracking scene (poster / funnel QR) the buyer came from. */
  scene: z.string().nullable(),
  payerOpenidMasked: z.string().nullable(),
  transactionId: z.string().nullable(),
  createdAt: isoDate,
  timeExpire: isoDate,
  paidAt: isoDate.nullable(),
  createdBy: z.string().nullable(),
  /** Open alerts (a notification that disagreed with the order, a refund that went ABNORMAL …). */
  alertCount: z.number().int(),
});
export type Order = z.infer<typeof orderSchema>;

export const orderHistoryEntrySchema = z.object({
  at: isoDate,
  source: z.enum(ORDER_EVENT_SOURCES),
  fromState: z.enum(ORDER_STATES).nullable(),
  toState: z.enum(ORDER_STATES),
  note: z.string(),
});

export const refundSchema = z.object({
  outRefundNo: z.string(),
  outTradeNo: z.string(),
  refundId: z.string().nullable(),
  amountFen: z.number().int(),
  status: z.enum(REFUND_STATES),
  reason: z.string(),
  createdAt: isoDate,
  successAt: isoDate.nullable(),
  createdBy: z.string().nullable(),
});
export type Refund = z.infer<typeof refundSchema>;

export const payAlertSchema = z.object({
  id: z.string(),
  at: isoDate,
  outTradeNo: z.string().nullable(),
  /** e.g. `amount_mismatch`, `mchid_mismatch`, `unknown_order`, `refund_abnormal`. */
  kind: z.string(),
  message: z.string(),
});

export const orderDetailSchema = z.object({
  order: orderSchema,
  /** Append-only: every state change with what caused it. */
  history: z.array(orderHistoryEntrySchema),
  refunds: z.array(refundSchema),
  alerts: z.array(payAlertSchema),
});
export type OrderDetail = z.infer<typeof orderDetailSchema>;

/** What a WeChat page needs to call `getBrandWCPayRequest` (§9.4); paySign is SHA256withRSA by the merchant key. */
export const jsapiPayParamsSchema = z.object({
  appId: z.string(),
  timeStamp: z.string(),
  nonceStr: z.string(),
  package: z.string(),
  signType: z.literal('RSA'),
  paySign: z.string(),
});

export const orderPaymentSchema = z.discriminatedUnion('kind', [
  /** code_url (valid 2 h) and its QR code as a PNG, base64. */
  z.object({ kind: z.literal('native'), codeUrl: z.string(), qrPngBase64: z.string() }),
  z.object({ kind: z.literal('jsapi'), prepayId: z.string(), payParams: jsapiPayParamsSchema }),
  /** h5_url is valid 5 minutes; append `&redirect_url=<urlencoded>` to come back. */
  z.object({ kind: z.literal('h5'), h5Url: z.string() }),
]);

const orderCommonFields = {
  items: z.array(orderItemSchema).min(1).max(20),
  discount: discountRuleSchema.optional(),
  /** Shown to the buyer; default: the course title (or "title 等 N 门课程"). */
  description: z.string().min(1).max(127).optional(),
  scene: trackingSceneSchema.optional(),
  /** Minutes until WeChat stops accepting payment (time_expire); WeChat's minimum is 1, the safe maximum 15 days. */
  expireMinutes: z.number().int().min(1).max(21_600).default(120),
};

export const createOrderSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('native'), ...orderCommonFields }),
  z.object({ kind: z.literal('jsapi'), payerOpenid: z.string().regex(/^[A-Za-z0-9_-]{6,128}$/), ...orderCommonFields }),
  z.object({
    kind: z.literal('h5'),
    /** The buyer's IP address (IPv4 or IPv6), as WeChat requires for H5 (§9.4 scene_info.payer_client_ip). */
    payerClientIp: z.string().regex(/^[0-9A-Fa-f:.]{3,45}$/, 'must be an IP address'),
    h5Type: z.enum(['Wap', 'iOS', 'Android']).default('Wap'),
    appName: z.string().max(64).optional(),
    appUrl: z.string().max(256).optional(),
    ...orderCommonFields,
  }),
]);

/** The filters of orders.list and orders.csv. */
export const orderFilterFields = {
  courseId: courseIdSchema.optional(),
  state: z.enum(ORDER_STATES).optional(),
  /** Created on or after this date (`YYYY-MM-DD`, China time) or instant (ISO 8601). */
  from: z.string().max(40).optional(),
  /** Created on or before this date (`YYYY-MM-DD`, China time, the whole day) or before this instant. */
  to: z.string().max(40).optional(),
};

export const courseRevenueSchema = z.object({
  courseId: z.string(),
  title: z.string(),
  paidOrders: z.number().int(),
  /** The course's share of paid orders, integer fen. */
  grossFen: z.number().int(),
  refundedFen: z.number().int(),
  netFen: z.number().int(),
});

export const enrolmentSchema = z.object({
  courseId: z.string(),
  openidMasked: z.string(),
  outTradeNo: z.string(),
  enrolledAt: isoDate,
  revokedAt: isoDate.nullable(),
});
