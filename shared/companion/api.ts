/**
 * The companion server's HTTP API, as the studio (and any other client) sees it: one route table with the role a
 * caller needs and zod schemas for bodies and answers. The companion builds its Fastify routes from this table; the
 * studio's companion client is typed from it. Studio and companion never import each other — only this file.
 *
 * Every `/api/*` route takes `Authorization: Bearer <device token>`. Errors answer with an HTTP status and
 * `{ error: { code, message, details? } }`, code from COMPANION_ERROR_CODES.
 */
import { z } from 'zod';
import {
  PAY_VERIFY_MODES,
  courseIdSchema,
  courseRevenueSchema,
  createOrderSchema,
  enrolmentSchema,
  orderDetailSchema,
  orderFilterFields,
  orderPaymentSchema,
  orderSchema,
  payPlatformCertificateSchema,
  paySettingsSchema,
  refundSchema,
} from './pay';
import { DEFAULT_SEC_SCENE, SEC_CHECK_MAX_TEXT, SEC_SCENES, secCheckResultSchema } from './content-check';
import { SYNC_LIMITS, syncPushItemSchema, syncPushResultSchema, syncRowSchema } from './sync';
import { SYNC_MEDIA_LIMITS, mediaHashSchema, syncMediaStateSchema } from './sync-media';

export * from './pay';
export * from './content-check';
export * from './sync';
export * from './sync-media';
import { courseSalesSchema, createPublishJobSchema, createReminderSchema, funnelFactSchema, publishJobSchema, reminderSchema } from './publishing';

export * from './pay';
export * from './content-check';
export * from './publishing';

export const ROLES = ['owner', 'editor', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** Whether `role` may do what `needed` allows: owner > editor > viewer. */
export function roleAllows(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) <= ROLES.indexOf(needed);
}

export const COMPANION_ERROR_CODES = [
  'INVALID_INPUT',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'EXPIRED',
  /** WeChat answered with an errcode; details carry `errcode` and a specific, actionable message. */
  'WECHAT_ERROR',
  /** WeChat (or the sandbox) could not be reached. */
  'WECHAT_UNREACHABLE',
  'NOT_CONFIGURED',
  'RATE_LIMITED',
  'INTERNAL',
] as const;
export type CompanionErrorCode = (typeof COMPANION_ERROR_CODES)[number];

export const companionErrorSchema = z.object({
  error: z.object({
    code: z.enum(COMPANION_ERROR_CODES),
    message: z.string(),
    details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  }),
});
export type CompanionErrorBody = z.infer<typeof companionErrorSchema>;

const isoDate = z.string();

/** The WeChat identity bound to a member. openid is shown desensitized (`oAbc…xyz`) everywhere but the database. */
export const wechatIdentitySchema = z.object({
  appId: z.string(),
  openidMasked: z.string(),
  hasUnionid: z.boolean(),
  nickname: z.string(),
  avatarUrl: z.string(),
  boundAt: isoDate,
});

export const memberSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  wechat: wechatIdentitySchema.nullable(),
  createdAt: isoDate,
});
export type Member = z.infer<typeof memberSchema>;

export const deviceSchema = z.object({
  id: z.string(),
  name: z.string(),
  memberId: z.string(),
  createdAt: isoDate,
  lastSeenAt: isoDate.nullable(),
  revokedAt: isoDate.nullable(),
});

export const BINDING_STATUSES = ['waiting', 'scanned', 'confirmed', 'bound', 'expired', 'denied', 'failed'] as const;
export type BindingStatus = (typeof BINDING_STATUSES)[number];

export const bindingSessionSchema = z.object({
  id: z.string(),
  status: z.enum(BINDING_STATUSES),
  mode: z.enum(['qrconnect', 'oauth']),
  /** What the QR code encodes: a companion landing URL that records the scan and redirects to WeChat. */
  qrUrl: z.string(),
  /** The QR code as a PNG, base64. */
  qrPngBase64: z.string(),
  expiresAt: isoDate,
  /** The member being bound (set from the start when re-binding, or once bound for a new member). */
  memberId: z.string().nullable(),
  /** When status is `failed` (or `denied`): a specific reason, e.g. WeChat errcode 40163 "code already used". */
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type BindingSession = z.infer<typeof bindingSessionSchema>;

export const wechatEventSchema = z.object({
  id: z.string(),
  receivedAt: isoDate,
  msgType: z.string(),
  event: z.string().nullable(),
  eventKey: z.string().nullable(),
  openidMasked: z.string(),
  /** The scene's owner when the event came from one of our parametric QR codes. */
  scene: z.string().nullable(),
  processed: z.boolean(),
});

export const auditEntrySchema = z.object({
  id: z.string(),
  at: isoDate,
  apiPath: z.string(),
  errcode: z.number().int(),
  latencyMs: z.number(),
  memberId: z.string().nullable(),
  /** Parameters with secrets, tokens, codes and openids desensitized. */
  params: z.string(),
});

export const QR_OWNER_KINDS = ['poster', 'inviter', 'funnel'] as const;
export const sceneSchema = z.object({
  sceneStr: z.string(),
  ownerKind: z.enum(QR_OWNER_KINDS),
  ownerId: z.string(),
  permanent: z.boolean(),
  ticket: z.string(),
  /** The content of the QR code (WeChat's weixin.qq.com/q/… URL). */
  url: z.string(),
  expiresAt: isoDate.nullable(),
  scans: z.number().int(),
  follows: z.number().int(),
});

export const companionSettingsSchema = z.object({
  sandbox: z.boolean(),
  publicBaseUrl: z.string(),
  officialAccount: z.object({ appId: z.string(), messageMode: z.enum(['plain', 'compatible', 'safe']), configured: z.boolean() }),
  websiteApp: z.object({ appId: z.string(), configured: z.boolean() }),
  /**
   * The mini program whose msg_sec_check gives the online second opinion: configured = AppID and AppSecret set;
   * `reviewOpenidMasked` is the openid checks run as when the calling member has none in it (masked; null = unset).
   */
  miniProgram: z.object({ appId: z.string(), configured: z.boolean(), reviewOpenidMasked: z.string().nullable() }),
  /** How team members bind by default. */
  bindingMode: z.enum(['qrconnect', 'oauth']),
});

const page = { limit: z.coerce.number().int().min(1).max(500).default(50), offset: z.coerce.number().int().min(0).default(0) };

interface RouteDef {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  /** The least role that may call it; `null` for routes that authenticate otherwise (pairing). */
  role: Role | null;
  /** A POST only because its input is too large for a query string: it changes no team data (it may call WeChat). */
  readOnly?: true;
  /** The largest body in bytes, when more than the server's default 1 MiB (uploads). */
  bodyLimit?: number;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  response: z.ZodType;
}

export const companionRoutes = {
  health: { method: 'GET', path: '/health', role: null, response: z.object({ ok: z.literal(true), version: z.string(), sandbox: z.boolean() }) },
  /**
   * Exchanges a one-time pairing code for a device token. The embedded companion is started with a pairing code for
   * the studio that started it (the first owner); an owner creates codes for teammates with `invites.create`.
   */
  'devices.pair': {
    method: 'POST',
    path: '/api/devices/pair',
    role: null,
    body: z.object({ code: z.string().min(8).max(128), deviceName: z.string().min(1).max(64), memberName: z.string().min(1).max(64).optional() }),
    response: z.object({ deviceToken: z.string(), device: deviceSchema, member: memberSchema }),
  },
  'devices.list': { method: 'GET', path: '/api/devices', role: 'owner', response: z.object({ items: z.array(deviceSchema) }) },
  'devices.revoke': { method: 'POST', path: '/api/devices/:id/revoke', role: 'owner', params: z.object({ id: z.string() }), response: deviceSchema },
  'invites.create': {
    method: 'POST',
    path: '/api/invites',
    role: 'owner',
    body: z.object({ role: z.enum(ROLES), memberName: z.string().min(1).max(64) }),
    response: z.object({ code: z.string(), expiresAt: isoDate, memberId: z.string() }),
  },
  me: { method: 'GET', path: '/api/me', role: 'viewer', response: z.object({ member: memberSchema, deviceId: z.string() }) },
  'members.list': { method: 'GET', path: '/api/members', role: 'viewer', response: z.object({ items: z.array(memberSchema) }) },
  'members.setRole': {
    method: 'PATCH',
    path: '/api/members/:id',
    role: 'owner',
    params: z.object({ id: z.string() }),
    body: z.object({ role: z.enum(ROLES) }),
    response: memberSchema,
  },
  'members.unbind': { method: 'DELETE', path: '/api/members/:id/wechat', role: 'owner', params: z.object({ id: z.string() }), response: memberSchema },
  /**
   * Starts binding a WeChat identity: to an existing member (re-bind) or to a new member with the role the inviter
   * chose. The state inside is random, single-use and valid 5 minutes.
   */
  'bindings.create': {
    method: 'POST',
    path: '/api/bindings',
    role: 'owner',
    body: z.union([
      z.object({ memberId: z.string(), mode: z.enum(['qrconnect', 'oauth']).optional() }),
      z.object({ newMember: z.object({ name: z.string().min(1).max(64), role: z.enum(ROLES) }), mode: z.enum(['qrconnect', 'oauth']).optional() }),
    ]),
    response: bindingSessionSchema,
  },
  'bindings.get': { method: 'GET', path: '/api/bindings/:id', role: 'owner', params: z.object({ id: z.string() }), response: bindingSessionSchema },
  'events.list': {
    method: 'GET',
    path: '/api/events',
    role: 'viewer',
    query: z.object({ type: z.string().max(64).optional(), ...page }),
    response: z.object({ items: z.array(wechatEventSchema), total: z.number().int() }),
  },
  'audit.list': {
    method: 'GET',
    path: '/api/audit',
    role: 'viewer',
    query: z.object(page),
    response: z.object({ items: z.array(auditEntrySchema), total: z.number().int() }),
  },
  /** The same rows as CSV (UTF-8 with BOM so Excel reads Chinese correctly). */
  'audit.csv': { method: 'GET', path: '/api/audit.csv', role: 'viewer', response: z.string() },
  'scenes.create': {
    method: 'POST',
    path: '/api/scenes',
    role: 'editor',
    body: z.object({
      ownerKind: z.enum(QR_OWNER_KINDS),
      ownerId: z.string().min(1).max(40),
      permanent: z.boolean().default(false),
      /** Temporary codes only; WeChat's maximum is 30 days. */
      expireSeconds: z.number().int().min(60).max(2_592_000).default(2_592_000),
    }),
    response: sceneSchema,
  },
  'scenes.get': { method: 'GET', path: '/api/scenes/:sceneStr', role: 'viewer', params: z.object({ sceneStr: z.string() }), response: sceneSchema },
  'settings.get': { method: 'GET', path: '/api/settings', role: 'viewer', response: companionSettingsSchema },
  'settings.update': {
    method: 'PUT',
    path: '/api/settings',
    role: 'owner',
    body: z
      .object({
        bindingMode: z.enum(['qrconnect', 'oauth']),
        /** null clears it. CONFLICT when the config sets it. */
        miniProgram: z.object({ reviewOpenid: z.string().regex(/^[A-Za-z0-9_-]{6,64}$/, 'an openid is 6–64 letters, digits, - or _').nullable() }),
      })
      .partial(),
    response: companionSettingsSchema,
  },
  /**
   * Sets WeChat secrets. They are encrypted at rest and never returned by any route or written to a log; the answer
   * only names which were updated. Standalone teams may instead reference them from the config (`env:NAME`).
   */
  'secrets.put': {
    method: 'PUT',
    path: '/api/secrets',
    role: 'owner',
    body: z.object({
      officialAccount: z
        .object({
          appSecret: z.string().min(16).max(64),
          token: z.string().min(3).max(32),
          /** 43 characters of base64 (WeChat generates letters and digits), 32 bytes once decoded. */
          encodingAesKey: z.string().regex(/^[A-Za-z0-9+/]{43}$/).optional(),
        })
        .partial()
        .optional(),
      websiteApp: z.object({ appSecret: z.string().min(16).max(64) }).optional(),
      miniProgram: z.object({ appSecret: z.string().min(16).max(64) }).optional(),
    }),
    response: z.object({ updated: z.array(z.string()) }),
  },
  /**
   * The online second opinion: WeChat's msg_sec_check v2 through the team's mini program, as the calling member (their
   * openid in the mini program if bound there, else the configured review openid). Text over 2,500 characters is
   * checked in chunks cut at sentence ends; the worst chunk decides. NOT_CONFIGURED without a mini program or an
   * openid to check as; WECHAT_ERROR (details.errcode) or WECHAT_UNREACHABLE when WeChat fails.
   */
  'content.check': {
    method: 'POST',
    path: '/api/content/check',
    role: 'viewer',
    readOnly: true,
    body: z.object({
      text: z.string().min(1).max(SEC_CHECK_MAX_TEXT),
      scene: z
        .number()
        .int()
        .refine((n) => (SEC_SCENES as readonly number[]).includes(n), 'scene is 1, 2, 3 or 4')
        .default(DEFAULT_SEC_SCENE),
    }),
    response: secCheckResultSchema,
  },
  /** WeChat Pay settings: configured flags and non-secret values only. */
  'pay.settings': { method: 'GET', path: '/api/pay/settings', role: 'viewer', response: paySettingsSchema },
  /**
   * Changes WeChat Pay settings. Secrets are write-only (sealed at rest, never returned): the merchant API private key
   * (PEM), the APIv3 key (exactly 32 characters) and the WeChat Pay public key (PEM, with its `PUB_KEY_ID_…`).
   * A setting the config file fixes answers CONFLICT.
   */
  'pay.updateSettings': {
    method: 'PUT',
    path: '/api/pay/settings',
    role: 'owner',
    body: z
      .object({
        mchId: z.string().regex(/^\d{8,12}$/, 'the 商户号 is 8–12 digits'),
        merchantSerialNo: z.string().regex(/^[0-9A-Fa-f]{8,64}$/, 'the certificate serial is hexadecimal'),
        verifyMode: z.enum(PAY_VERIFY_MODES),
        publicKeyId: z.string().regex(/^PUB_KEY_ID_[0-9A-Za-z_]{1,64}$/, 'must look like PUB_KEY_ID_0112…'),
        appId: z.string().regex(/^wx[0-9a-f]{16}$/),
        merchantPrivateKeyPem: z.string().min(100).max(10_000),
        /** 32 ASCII characters (the APIv3 密钥 the merchant set); AES-256-GCM needs exactly 32 bytes. */
        apiV3Key: z.string().regex(/^[\x21-\x7e]{32}$/, 'must be exactly 32 characters (letters and digits)'),
        publicKeyPem: z.string().min(100).max(10_000),
      })
      .partial(),
    response: z.object({ updated: z.array(z.string()), settings: paySettingsSchema }),
  },
  /**
   * Makes one signed call (GET /v3/certificates in platformCertificates mode — which also refreshes them — or a query
   * of an order that does not exist in publicKey mode) and verifies the answer's signature. `ok` is false with
   * WeChat's code and a message when anything fails; nothing is retried.
   */
  'pay.test': {
    method: 'POST',
    path: '/api/pay/test',
    role: 'owner',
    response: z.object({
      ok: z.boolean(),
      verifyMode: z.enum(PAY_VERIFY_MODES),
      /** e.g. `GET /v3/certificates`. */
      call: z.string(),
      httpStatus: z.number().int().nullable(),
      /** The `Wechatpay-Serial` whose signature was verified. */
      verifiedSerial: z.string().nullable(),
      /** WeChat Pay's error code (SIGN_ERROR …), or ours (`SIGNATURE_INVALID`, `UNKNOWN_SERIAL`, `UNREACHABLE`). */
      code: z.string().nullable(),
      message: z.string(),
      platformCertificates: z.array(payPlatformCertificateSchema),
    }),
  },
  /** Creates an order at WeChat Pay; the answer carries what the buyer needs to pay (QR, JSAPI bundle or H5 URL). */
  'orders.create': {
    method: 'POST',
    path: '/api/orders',
    role: 'editor',
    body: createOrderSchema,
    response: z.object({ order: orderSchema, payment: orderPaymentSchema }),
  },
  'orders.list': {
    method: 'GET',
    path: '/api/orders',
    role: 'viewer',
    query: z.object({ ...orderFilterFields, ...page }),
    response: z.object({
      items: z.array(orderSchema),
      total: z.number().int(),
      /** Per course, over every order matching the filters (not just this page). */
      revenue: z.array(courseRevenueSchema),
    }),
  },
  /** The same rows as CSV (UTF-8 with BOM), amounts in yuan. */
  'orders.csv': { method: 'GET', path: '/api/orders.csv', role: 'viewer', query: z.object(orderFilterFields), response: z.string() },
  'orders.get': {
    method: 'GET',
    path: '/api/orders/:outTradeNo',
    role: 'viewer',
    params: z.object({ outTradeNo: z.string() }),
    response: orderDetailSchema,
  },
  /** Asks WeChat Pay for the order's state now and records any change. */
  'orders.query': {
    method: 'POST',
    path: '/api/orders/:outTradeNo/query',
    role: 'editor',
    params: z.object({ outTradeNo: z.string() }),
    response: orderDetailSchema,
  },
  /** Closes an unpaid order at WeChat Pay (CONFLICT when it is already paid). */
  'orders.close': {
    method: 'POST',
    path: '/api/orders/:outTradeNo/close',
    role: 'editor',
    params: z.object({ outTradeNo: z.string() }),
    response: orderDetailSchema,
  },
  /** Refunds a paid order in full (amountFen omitted) or in part; the total of refunds never exceeds what was paid. */
  'refunds.create': {
    method: 'POST',
    path: '/api/orders/:outTradeNo/refunds',
    role: 'owner',
    params: z.object({ outTradeNo: z.string() }),
    body: z.object({ amountFen: z.number().int().min(1).optional(), reason: z.string().max(80).optional() }),
    response: z.object({ refund: refundSchema, order: orderDetailSchema }),
  },
  /** Who may access which course because they paid for it (revoked by a full refund). */
  'enrolments.list': {
    method: 'GET',
    path: '/api/enrolments',
    role: 'viewer',
    query: z.object({ courseId: courseIdSchema.optional(), ...page }),
    response: z.object({ items: z.array(enrolmentSchema), total: z.number().int() }),
  },
  /**
   * Team sync: writes a batch of rows, each against the version it was based on. Per row: accepted with its new
   * version, or a conflict with the companion's current row (nothing written). A viewer may pull but not push.
   */
  'sync.push': {
    method: 'POST',
    path: '/api/sync/push',
    role: 'editor',
    bodyLimit: SYNC_LIMITS.pushBytes + 64 * 1024,
    body: z.object({ items: z.array(syncPushItemSchema).min(1).max(SYNC_LIMITS.pushItems) }),
    response: z.object({ results: z.array(syncPushResultSchema) }),
  },
  /**
   * The change feed: rows written after `since` (a cursor from an earlier pull, 0 from the start), oldest first.
   * With `waitMs` and nothing new, the answer waits up to that long for a write (long poll), so another desktop sees
   * a saved edit at once.
   */
  'sync.pull': {
    method: 'GET',
    path: '/api/sync/changes',
    role: 'viewer',
    query: z.object({
      since: z.coerce.number().int().min(0).default(0),
      limit: z.coerce.number().int().min(1).max(SYNC_LIMITS.pullItems).default(500),
      waitMs: z.coerce.number().int().min(0).max(SYNC_LIMITS.maxWaitMs).default(0),
    }),
    response: z.object({
      changes: z.array(syncRowSchema),
      /** Pass as `since` next time. */
      cursor: z.number().int().min(0),
      /** More changes are waiting past this page. */
      more: z.boolean(),
    }),
  },
  /** Which of these media blobs the companion has, wholly or as an upload to resume (binary routes: sync-media.ts). */
  'sync.mediaHas': {
    method: 'POST',
    path: '/api/sync/media/has',
    role: 'viewer',
    readOnly: true,
    body: z.object({ hashes: z.array(mediaHashSchema).min(1).max(SYNC_MEDIA_LIMITS.hasItems) }),
    response: z.object({ items: z.array(syncMediaStateSchema) }),
  },
  /**
   * Starts publishing a course: uploads the cover (material/add_material) and body images (media/uploadimg, rewriting
   * their `src` in the HTML), creates the draft (draft/add) and submits it (freepublish/submit). Answers at once with
   * the job; it goes on in the background and resumes after a restart. 48001 ends it in `noPublishRights`.
   */
  'publish.create': {
    method: 'POST',
    path: '/api/publish/jobs',
    role: 'editor',
    bodyLimit: 64 * 1024 * 1024,
    body: createPublishJobSchema,
    response: publishJobSchema,
  },
  'publish.get': { method: 'GET', path: '/api/publish/jobs/:id', role: 'viewer', params: z.object({ id: z.string() }), response: publishJobSchema },
  /** A course's publish jobs, newest first. */
  'publish.list': {
    method: 'GET',
    path: '/api/publish/jobs',
    role: 'viewer',
    query: z.object({ courseId: courseIdSchema, ...page }),
    response: z.object({ items: z.array(publishJobSchema), total: z.number().int() }),
  },
  /** Schedules a reminder to every buyer of a live course (from the pay orders' enrolments), `leadMinutes` before its start. */
  'reminders.create': { method: 'POST', path: '/api/reminders', role: 'editor', body: createReminderSchema, response: reminderSchema },
  'reminders.list': {
    method: 'GET',
    path: '/api/reminders',
    role: 'viewer',
    query: z.object({ courseId: courseIdSchema }),
    response: z.object({ items: z.array(reminderSchema) }),
  },
  'reminders.cancel': { method: 'POST', path: '/api/reminders/:id/cancel', role: 'editor', params: z.object({ id: z.string() }), response: reminderSchema },
  /**
   * What the studio keeps offline: the newest orders, per-course sales, the team, the newest events and the facts
   * funnels count (scans and follows by scene, unfollows, purchases, with times).
   */
  'insights.get': {
    method: 'GET',
    path: '/api/insights',
    role: 'viewer',
    response: z.object({
      generatedAt: isoDate,
      orders: z.array(orderSchema),
      sales: z.array(courseSalesSchema),
      members: z.array(memberSchema),
      events: z.array(wechatEventSchema),
      facts: z.array(funnelFactSchema),
    }),
  },
} as const satisfies Record<string, RouteDef>;

export type CompanionRoutes = typeof companionRoutes;
export type CompanionRouteName = keyof CompanionRoutes;

/** The embedded companion and the sandbox announce readiness on stdout with one JSON line of this shape. */
export const readyLineSchema = z.object({
  ready: z.literal(true),
  service: z.enum(['companion', 'sandbox']),
  url: z.string(),
});
export type ReadyLine = z.infer<typeof readyLineSchema>;

/** `oAbcdefghijklmnopqrstuvwxyz` → `oAbc…xyz`: enough to tell members apart, not enough to reuse. */
export function maskOpenid(openid: string): string {
  if (openid.length <= 8) return `${openid.slice(0, 1)}…`;
  return `${openid.slice(0, 4)}…${openid.slice(-3)}`;
}
