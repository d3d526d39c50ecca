/**
 * Everything the sandbox's plugins share: its state stores, clock, options and logger. Built once per sandbox by
 * createSandbox and handed to each plugin as its options.
 */
import type { Logger } from 'pino';
import type { SandboxClock } from './clock';
import type { AppRegistry } from './state/apps';
import type { FaultList } from './state/faults';
import type { OAuthStore } from './state/oauth';
import type { QrTicketStore } from './state/qr-tickets';
import type { TokenService } from './state/tokens';
import type { UserDirectory } from './state/users';
import type { DeliveryService } from './push/delivery';
import type { PhoneService } from './phone/phone-service';
import type { PayService } from './pay/pay-service';
import type { PublishingState } from './state/publishing';
import type { PublishingRunner } from './push/publishing';

/** Tunables with WeChat's values as defaults; tests shorten the push timeout. */
export interface SandboxSettings {
  /** How long a push waits for an answer before it counts as failed (§5.3: 5 seconds). */
  pushTimeoutMs: number;
  /** expire_seconds of a temporary QR when the request omits it (Appendix C: 60 now, 30 in older copies). */
  qrDefaultExpireSeconds: number;
  /** How long a publish job stays at publish_status 1, and a message before its delivery event (real milliseconds). */
  publishDelayMs: number;
}

export interface SandboxContext {
  clock: SandboxClock;
  apps: AppRegistry;
  users: UserDirectory;
  tokens: TokenService;
  oauth: OAuthStore;
  qr: QrTicketStore;
  faults: FaultList;
  deliveries: DeliveryService;
  phone: PhoneService;
  /** WeChat Pay: merchants, orders, refunds, notifications (§9). */
  pay: PayService;
  /** Materials, drafts, publish jobs, templates and messages (§6, §7). */
  publishing: PublishingState;
  publishingRunner: PublishingRunner;
  controlToken: string;
  settings: SandboxSettings;
  /** Where the sandbox is reachable (`http://127.0.0.1:PORT`); known once it listens. */
  baseUrl(): string;
  log: Logger;
}

/** A user's avatar URL as WeChat's `headimgurl` would give it: the last path segment is the size (§2.4). */
export function avatarUrlOf(ctx: SandboxContext, userId: string, size = 132): string {
  return `${ctx.baseUrl()}/mmopen/${encodeURIComponent(userId)}/${size}`;
}
