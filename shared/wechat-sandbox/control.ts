/**
 * The WeChat sandbox's control API: how the studio (embedding it) and tests set it up and steer it. WeChat's own
 * endpoints (cgi-bin, sns, connect, showqrcode) are served by the sandbox exactly as WeChat documents them; this
 * table is only the sandbox's extra surface, under `/__sandbox/`, guarded by `X-Sandbox-Control: <control token>`.
 */
import { z } from 'zod';
import { payControl } from './pay-control';
import { publishingControl } from './publishing-control';

export const SANDBOX_CONTROL_HEADER = 'x-sandbox-control';

export const sandboxUserSchema = z.object({
  id: z.string(),
  nickname: z.string(),
  avatarUrl: z.string(),
  /** Whether the user has a unionid (apps of one Open Platform account share it). */
  hasUnionid: z.boolean(),
});

export const pushConfigSchema = z.object({
  /** Where WeChat pushes events for this official account (the companion's /wechat/events). */
  url: z.string().url(),
  token: z.string().min(3).max(32),
  /** 43 characters; required for compatible and safe modes. */
  encodingAesKey: z.string().length(43).optional(),
  mode: z.enum(['plain', 'compatible', 'safe']),
});

/** APIv3 error codes a fault can answer on WeChat Pay's endpoints (§9.5), with their HTTP status. */
export const PAY_FAULT_STATUS = { SYSTEM_ERROR: 500, FREQUENCY_LIMITED: 429, BANK_ERROR: 500, SERVICE_UNAVAILABLE: 503 } as const;

const faultSchema = z.object({
  /**
   * An API path (`/cgi-bin/token`, `/v3/pay/transactions/native` …), a prefix ending in `*`
   * (`/v3/pay/transactions/out-trade-no/*`), or `*` for every API of the fault's kind.
   */
  path: z.string(),
  /** The errcode to answer with (45009, -1, 45011, 40164 …) on the WeChat APIs; omitted for a slow answer only. */
  errcode: z.number().int().optional(),
  /** WeChat Pay (APIv3) instead: the error code to answer with, at its HTTP status (§9.5). */
  code: z.enum(Object.keys(PAY_FAULT_STATUS) as [keyof typeof PAY_FAULT_STATUS, ...(keyof typeof PAY_FAULT_STATUS)[]]).optional(),
  /**
   * APIv3 only: carry the request out, then answer the error anyway — the merchant cannot know whether the order or
   * refund exists (§9.5: query, or retry with the same out_trade_no / out_refund_no).
   */
  applied: z.boolean().default(false),
  /** How many calls the fault applies to; then it clears itself. */
  count: z.number().int().min(1).default(1),
  /** Delay before answering, in milliseconds (for timeouts and latency tests). */
  delayMs: z.number().int().min(0).max(60_000).default(0),
});

export const sandboxControl = {
  /** Registers (or replaces) an app: credentials, kind, and for an official account its push settings. */
  'apps.put': {
    method: 'POST',
    path: '/__sandbox/apps',
    body: z.object({
      appId: z.string().regex(/^wx[0-9a-f]{16}$/),
      appSecret: z.string().min(16).max(64),
      /** A mini program (小程序) can call msg_sec_check (§8.1); only official accounts get pushes and QR codes. */
      kind: z.enum(['officialAccount', 'websiteApp', 'miniProgram']),
      name: z.string().min(1).max(64),
      /** The account's original id (gh_…), used as ToUserName in pushes. */
      originalId: z.string().optional(),
      push: pushConfigSchema.optional(),
      /** Client IPs allowed to call APIs with this app's token; empty = no whitelist (everything allowed). */
      ipWhitelist: z.array(z.string()).default([]),
      /**
       * Host names a web OAuth `redirect_uri` may point at (网页授权域名 / 授权回调域, §2.1: 10003 otherwise);
       * empty = any host, which suits local development.
       */
      redirectDomains: z.array(z.string().min(1)).default([]),
    }),
    response: z.object({ ok: z.literal(true) }),
  },
  'users.list': { method: 'GET', path: '/__sandbox/users', response: z.object({ items: z.array(sandboxUserSchema) }) },
  /**
   * The openid a sandbox user has in one registered app — what that app learns when the user signs in (for a mini
   * program, `wx.login` then code2session). msg_sec_check v2 needs the openid of a user of the mini program (§8.1).
   */
  'users.openid': {
    method: 'POST',
    path: '/__sandbox/users/openid',
    body: z.object({ appId: z.string(), userId: z.string() }),
    response: z.object({ openid: z.string() }),
  },
  'clock.advance': {
    method: 'POST',
    path: '/__sandbox/clock/advance',
    body: z.object({ seconds: z.number().int().min(1).max(400 * 24 * 3600) }),
    response: z.object({ now: z.string() }),
  },
  'tokens.invalidate': {
    method: 'POST',
    path: '/__sandbox/tokens/invalidate',
    body: z.object({ appId: z.string() }),
    response: z.object({ ok: z.literal(true) }),
  },
  'faults.add': { method: 'POST', path: '/__sandbox/faults', body: faultSchema, response: z.object({ ok: z.literal(true) }) },
  /** Makes a sandbox user follow (subscribe, with `qrscene_` when a scene is given), scan (SCAN), unfollow, click… */
  'events.fire': {
    method: 'POST',
    path: '/__sandbox/events/fire',
    body: z.object({
      appId: z.string(),
      userId: z.string(),
      event: z.enum(['subscribe', 'unsubscribe', 'SCAN', 'CLICK', 'VIEW']),
      /** For SCAN / subscribe from a parametric QR: its ticket (the sandbox knows the scene). */
      ticket: z.string().optional(),
      eventKey: z.string().optional(),
    }),
    /** `event` is what was actually pushed: a QR scan becomes `subscribe` or `SCAN` by follow state (§4.3). */
    response: z.object({ deliveryId: z.string(), event: z.enum(['subscribe', 'unsubscribe', 'SCAN', 'CLICK', 'VIEW']) }),
  },
  /** Every push delivery with its attempts, for tests (retries, timeouts, answers). */
  'deliveries.list': {
    method: 'GET',
    path: '/__sandbox/deliveries',
    response: z.object({
      items: z.array(
        z.object({
          id: z.string(),
          appId: z.string(),
          /** The event pushed (`subscribe`, `SCAN` …) and to whom (the user's openid for this app). */
          event: z.string(),
          openid: z.string(),
          attempts: z.array(z.object({ at: z.string(), status: z.number().int().nullable(), body: z.string(), error: z.string().nullable() })),
          /** No more attempts will be made. */
          done: z.boolean(),
          /** The receiver accepted the push (`success`, an empty body, or a passive reply). */
          delivered: z.boolean(),
        }),
      ),
    }),
  },
  /**
   * The simulated phone, as an API (its page at `/phone` uses the same): a user "scans" a QR (its URL, or the PNG
   * as base64), follows redirects like WeChat's in-app browser, and lands on a consent step or a final page.
   */
  'phone.scan': {
    method: 'POST',
    path: '/__sandbox/phone/scan',
    body: z.union([z.object({ userId: z.string(), url: z.string() }), z.object({ userId: z.string(), pngBase64: z.string() })]),
    response: z.object({
      sessionId: z.string(),
      step: z.enum(['consent', 'done', 'error']),
      /**
       * For `consent`: what the user is asked — `authorize` (a web OAuth consent page, with app name and scope) or
       * `follow` (a parametric QR of an account the user does not follow yet: the account's page with 关注) or `pay`
       * (a WeChat Pay `code_url` or `h5_url`: the payment step, with `payment`; appName is the merchant's name).
       */
      consent: z.enum(['authorize', 'follow', 'pay']).nullable(),
      appName: z.string().nullable(),
      scope: z.string().nullable(),
      /** For `done` / `error`: where the phone ended up, the HTTP status there, and the text of that page. */
      landedUrl: z.string().nullable(),
      status: z.number().int().nullable(),
      pageText: z.string().nullable(),
      /** For a `pay` step: what the user is about to pay. Absent on other steps. */
      payment: z
        .object({
          merchantName: z.string(),
          description: z.string(),
          /** Fen, and as the phone shows it (`¥12.34`). */
          amountTotal: z.number().int(),
          amountText: z.string(),
        })
        .optional(),
    }),
  },
  'phone.decide': {
    method: 'POST',
    path: '/__sandbox/phone/decide',
    body: z.object({ sessionId: z.string(), allow: z.boolean() }),
    response: z.object({ step: z.enum(['done', 'error']), landedUrl: z.string().nullable(), status: z.number().int().nullable(), pageText: z.string().nullable() }),
  },
  ...payControl,
  ...publishingControl,
} as const;

export type SandboxControl = typeof sandboxControl;
