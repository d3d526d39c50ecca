/**
 * What the companion's plugins share: the options every plugin receives, the decorations they add to the Fastify
 * instance, and `plugin()`, which marks a plugin as not encapsulated (what fastify-plugin does) so its decorations
 * and hooks reach the routes registered after it.
 */
import type Database from 'better-sqlite3';
import type { FastifyPluginAsync } from 'fastify';
import type { DestinationStream, Logger } from 'pino';
import type { Role } from '../../../shared/companion/api';
import type { CompanionConfig } from '../config';
import type { AuditLog } from '../services/audit';
import type { BindingService } from '../services/bindings';
import type { ContentCheckService } from '../services/content-check';
import type { EventService } from '../services/events';
import type { SceneService } from '../services/scenes';
import type { SecretsService } from '../services/secrets';
import type { SettingsService } from '../services/settings';
import type { SyncService } from '../services/sync';
import type { SyncMediaStore } from '../services/sync-media';
import type { Authenticated, TeamService } from '../services/team';
import type { WechatClient, WechatClientOptions } from '../wechat/client';
import type { WXBizMsgCrypt } from '../wechat/msg-crypt';
import type { ConnectionTestResult } from '../services/pay/connection-test';
import type { Ledger } from '../services/pay/ledger';
import type { NotificationService } from '../services/pay/notifications';
import type { OrderQueries } from '../services/pay/order-queries';
import type { OrderService } from '../services/pay/orders';
import type { Reconciler } from '../services/pay/reconcile';
import type { RefundService } from '../services/pay/refunds';
import type { PaySettingsService } from '../services/pay/settings';
import type { PlatformCertificates } from '../wechat/pay/certificates';
import type { PayClient, PayClientOptions } from '../wechat/pay/client';
import type { InsightsService } from '../services/insights';
import type { PublishService } from '../services/publishing';
import type { ReminderService } from '../services/reminders';

export interface CompanionDeps {
  /** The 32-byte key that seals the secrets at rest. */
  masterKey: Buffer;
  /** The embedded studio's one-time code (from stdin): pairs the first owner's desktop. */
  bootstrapPairingCode?: string | null;
  now?: () => Date;
  /**
   * Real time in ms for WeChat Pay signature timestamps and replay windows (default Date.now). Tests that move `now`
   * along the sandbox's virtual clock keep this real — as the sandbox does for its own signatures.
   */
  wallNow?: () => number;
  /** A logger to use, or a stream for the companion's own (tests capture lines this way). */
  logger?: Logger;
  logStream?: DestinationStream;
  /** WeChat client tuning (tests shorten backoff, lower rate limits). */
  wechat?: Partial<Pick<WechatClientOptions, 'retry' | 'rateLimits' | 'timeoutMs' | 'sleep' | 'random' | 'stableToken'>>;
  /** WeChat Pay client tuning (tests shorten backoff); `reconcileOnStart: false` leaves reconciliation to explicit runs. */
  pay?: Partial<Pick<PayClientOptions, 'retry' | 'timeoutMs' | 'sleep' | 'random'>> & { reconcileOnStart?: boolean };
  /** Check every answer against the route table's response schema (tests turn this on). */
  checkResponses?: boolean;
  /** How often due live reminders are looked for, in ms (default 15 s; tests shorten it). */
  reminderTickMs?: number;
}

export interface CompanionOptions {
  config: CompanionConfig;
  deps: CompanionDeps;
}

/** The event-push crypto for the official account as configured now (null parts when not configured yet). */
export interface EventCrypto {
  appId: string | null;
  token: string | null;
  mode: 'plain' | 'compatible' | 'safe';
  crypt: WXBizMsgCrypt | null;
}

export interface CompanionServices {
  config: CompanionConfig;
  now: () => Date;
  /** Where browsers and WeChat reach us: the configured publicBaseUrl, else the address we listen on. */
  publicBaseUrl: () => string;
  setListeningUrl: (url: string) => void;
  team: TeamService;
  settings: SettingsService;
  audit: AuditLog;
  wechat: WechatClient;
  scenes: SceneService;
  events: EventService;
  bindings: BindingService;
  /** msg_sec_check through the mini program (the online second opinion). */
  contentCheck: ContentCheckService;
  eventCrypto: () => EventCrypto;
  /** Team sync: the synced rows and their change feed. */
  sync: SyncService;
  /** Team sync: media blobs by sha256 (services/sync-media.ts). */
  syncMedia: SyncMediaStore;
}

/** WeChat Pay (plugins/pay.ts). */
export interface PayServices {
  settings: PaySettingsService;
  client: PayClient;
  certificates: PlatformCertificates;
  ledger: Ledger;
  queries: OrderQueries;
  orders: OrderService;
  refunds: RefundService;
  notifications: NotificationService;
  reconciler: Reconciler;
  test: (memberId: string | null) => Promise<ConnectionTestResult>;
}

declare module 'fastify' {
  interface FastifyInstance {
    db: Database.Database;
    secrets: SecretsService;
    companion: CompanionServices;
    pay: PayServices;
    /** Publish jobs, live reminders and the studio's offline insights (plugins/publishing.ts). */
    publishing: { publish: PublishService; reminders: ReminderService; insights: InsightsService };
  }
  interface FastifyRequest {
    /** The paired device and its member, on routes that need a role. */
    auth: Authenticated | null;
  }
  interface FastifyContextConfig {
    /** The least role a route needs (from the route table); absent = no device token needed. */
    role?: Role | null;
  }
}

export function plugin<T extends FastifyPluginAsync<CompanionOptions>>(name: string, fn: T): T {
  Object.assign(fn, { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: name });
  return fn;
}

