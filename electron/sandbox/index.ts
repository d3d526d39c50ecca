/**
 * The WeChat sandbox: an independent emulation of WeChat's side of the protocols Creator Studio uses — access
 * tokens, web OAuth, parametric QR codes, event pushes with real signatures and encryption, WeChat Pay APIv3 with
 * signed answers and encrypted notifications — plus a simulated phone and a control API
 * (shared/wechat-sandbox/control.ts). For offline use, demos and tests.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { buildSandboxApp } from './app';
import { createVirtualClock, type SandboxClock } from './clock';
import type { SandboxContext, SandboxSettings } from './context';
import { sandboxLogger } from './logger';
import type { PayMerchantInput, PayPlatform } from './pay/merchants';
import { PayService } from './pay/pay-service';
import { PhoneService } from './phone/phone-service';
import { DeliveryService } from './push/delivery';
import { PublishingRunner } from './push/publishing';
import { PublishingState } from './state/publishing';
import { AppRegistry, type AppInput } from './state/apps';
import { FaultList } from './state/faults';
import { OAuthStore } from './state/oauth';
import { QrTicketStore } from './state/qr-tickets';
import { TokenService } from './state/tokens';
import { DEFAULT_USERS, UserDirectory, type SandboxUserSeed } from './state/users';

export type { SandboxClock } from './clock';
export type { AppInput } from './state/apps';
export type { PayMerchantInput, PayPlatform } from './pay/merchants';
export { RETRY_SCHEDULE_SECONDS } from './pay/notifier';
export type { SandboxUserSeed } from './state/users';
export { DEFAULT_USERS } from './state/users';

export interface SandboxOptions {
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Port; 0 (default) picks a free one. */
  port?: number;
  /** The X-Sandbox-Control token; random when absent. */
  controlToken?: string;
  /** The sandbox's WeChat users; default DEFAULT_USERS (4 users, 3 with a unionid). */
  users?: readonly SandboxUserSeed[];
  /** Apps registered at start, as `apps.put` bodies. */
  apps?: readonly AppInput[];
  /** A clock to share (tests); default real time plus an offset moved by `clock.advance`. */
  clock?: SandboxClock;
  /** Where logs go; default silent. Secrets, tokens and headers are never logged. */
  logger?: Logger;
  /** How long a push waits for an answer (default 5000 ms, §5.3); tests shorten it. */
  pushTimeoutMs?: number;
  /** expire_seconds of temporary QR codes when omitted (default 60; Appendix C: older copies say 30). */
  qrDefaultExpireSeconds?: number;
  /** The base URL clients should use, when it differs from the listening address (e.g. behind a proxy). */
  publicUrl?: string;
  /** WeChat Pay merchants registered at start, as `pay.merchants.put` bodies (their platform keys are made now). */
  payMerchants?: readonly PayMerchantInput[];
  /**
   * Multiplies WeChat Pay's waits — the notification retry schedule (§9.6) and refund processing — so tests run
   * them in milliseconds (0.001: 15 s → 15 ms). Default 1.
   */
  payTimeScale?: number;
  /** How long a pay notification waits for the merchant's answer (default 5000 ms, §9.2). */
  payNotifyTimeoutMs?: number;
  /** Sandbox-clock seconds before a refund goes PROCESSING → SUCCESS (default 5). */
  payRefundProcessingSeconds?: number;
  /** How long a publish job stays at publish_status 1 before it ends and PUBLISHJOBFINISH is pushed (default 2000 ms). */
  publishDelayMs?: number;
  /** Real time for signature timestamps and certificate dates (tests may fix it); default Date.now. */
  wallNow?: () => number;
}

export interface Sandbox {
  /** `http://127.0.0.1:PORT`: the base URL for api.weixin.qq.com, open.weixin.qq.com and mp.weixin.qq.com alike. */
  url: string;
  controlToken: string;
  clock: SandboxClock;
  /** Registers or replaces an app, as the control API's `apps.put`. */
  putApp(input: AppInput): void;
  /** Resolves when every event push started so far has finished its attempts. */
  deliveriesIdle(): Promise<void>;
  /** Resolves when every publish job and message submitted so far has ended and its event push has started. */
  publishingIdle(): Promise<void>;
  /** Registers or updates a WeChat Pay merchant, as `pay.merchants.put`; answers its platform key and certificates. */
  putPayMerchant(input: PayMerchantInput): Promise<PayPlatform>;
  /**
   * Resolves when every pay notification not held by a fault has finished its attempts (delivered or given up),
   * after waiting for refunds still processing (their scaled processing time) to settle and notify.
   */
  payNotificationsIdle(): Promise<void>;
  /** Stops listening and abandons pushes in flight. */
  close(): Promise<void>;
}

function urlHost(address: AddressInfo, requested: string): string {
  // A wildcard address is not something a client can dial: advertise loopback instead.
  if (requested === '0.0.0.0' || requested === '::' || requested === '') return '127.0.0.1';
  return address.family === 'IPv6' ? `[${address.address}]` : address.address;
}

/** Starts a sandbox and resolves once it listens. */
export async function createSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1';
  const clock = options.clock ?? createVirtualClock();
  const settings: SandboxSettings = {
    pushTimeoutMs: options.pushTimeoutMs ?? 5000,
    qrDefaultExpireSeconds: options.qrDefaultExpireSeconds ?? 60,
    publishDelayMs: options.publishDelayMs ?? 2000,
  };
  const log = sandboxLogger(options.logger);
  let baseUrl = options.publicUrl ?? '';
  const users = new UserDirectory(options.users ?? DEFAULT_USERS);
  const ctx = {
    clock,
    apps: new AppRegistry(),
    users,
    tokens: new TokenService(clock),
    oauth: new OAuthStore(clock),
    qr: new QrTicketStore(clock),
    faults: new FaultList(),
    publishing: new PublishingState(clock),
    deliveries: new DeliveryService({ clock, timeoutMs: () => settings.pushTimeoutMs, log }),
    controlToken: options.controlToken ?? randomBytes(24).toString('base64url'),
    settings,
    baseUrl: () => baseUrl,
    log,
    pay: new PayService({
      clock,
      wallNow: options.wallNow ?? Date.now,
      users,
      baseUrl: () => baseUrl,
      log,
      settings: {
        timeScale: options.payTimeScale ?? 1,
        notifyTimeoutMs: options.payNotifyTimeoutMs ?? 5000,
        refundProcessingSeconds: options.payRefundProcessingSeconds ?? 5,
      },
    }),
  } as Omit<SandboxContext, 'phone' | 'publishingRunner'> as SandboxContext;
  ctx.publishingRunner = new PublishingRunner(ctx);
  // The phone drives the other services through the finished context, so it joins last.
  ctx.phone = new PhoneService(ctx);
  for (const app of options.apps ?? []) ctx.apps.put(app);
  await Promise.all((options.payMerchants ?? []).map((merchant) => ctx.pay.merchants.put(merchant)));

  const app = await buildSandboxApp(ctx);
  await app.listen({ host, port: options.port ?? 0 });
  const address = app.server.address() as AddressInfo;
  if (!options.publicUrl) baseUrl = `http://${urlHost(address, host)}:${address.port}`;
  log.info({ url: baseUrl }, 'WeChat sandbox listening');

  return {
    url: baseUrl,
    controlToken: ctx.controlToken,
    clock,
    putApp: (input) => void ctx.apps.put(input),
    deliveriesIdle: () => ctx.deliveries.idle(),
    publishingIdle: () => ctx.publishingRunner.idle(),
    putPayMerchant: async (input) => ctx.pay.merchants.platformOf(await ctx.pay.merchants.put(input)),
    async payNotificationsIdle() {
      await ctx.pay.refunds.idle();
      await ctx.pay.notifier.idle();
    },
    async close() {
      ctx.publishingRunner.close();
      await ctx.pay.shutdown();
      await ctx.deliveries.close();
      await app.close();
    },
  };
}
