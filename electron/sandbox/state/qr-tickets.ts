/**
 * Parametric QR tickets (§4.1): who created them, their scene, when they expire, and the `http://weixin.qq.com/q/…`
 * URL each encodes, which the simulated phone recognises when it scans one.
 */
import { randomBytes } from 'node:crypto';
import type { SandboxClock } from '../clock';
import { randomToken } from './ids';

export const QR_ACTIONS = ['QR_SCENE', 'QR_STR_SCENE', 'QR_LIMIT_SCENE', 'QR_LIMIT_STR_SCENE'] as const;
export type QrAction = (typeof QR_ACTIONS)[number];

export interface QrTicket {
  ticket: string;
  appId: string;
  action: QrAction;
  /** scene_id in decimal, or scene_str. */
  scene: string;
  /** null for permanent codes. */
  expiresAt: number | null;
  url: string;
}

const QR_URL_PREFIX = 'http://weixin.qq.com/q/';

export class QrTicketStore {
  private readonly byTicket = new Map<string, QrTicket>();
  private readonly byUrlId = new Map<string, QrTicket>();

  constructor(private readonly clock: SandboxClock) {}

  create(appId: string, action: QrAction, scene: string, expireSeconds: number | null): QrTicket {
    const urlId = randomToken(22);
    const record: QrTicket = {
      // Real tickets are standard base64 (with + / =), so clients must URL-encode them for showqrcode (§4.2).
      ticket: randomBytes(48).toString('base64'),
      appId,
      action,
      scene,
      expiresAt: expireSeconds === null ? null : this.clock.now() + expireSeconds * 1000,
      url: `${QR_URL_PREFIX}${urlId}`,
    };
    this.byTicket.set(record.ticket, record);
    this.byUrlId.set(urlId, record);
    return record;
  }

  /** The ticket record, whether or not it expired (callers decide); undefined when unknown. */
  get(ticket: string): QrTicket | undefined {
    return this.byTicket.get(ticket);
  }

  /** The ticket a scanned `http(s)://weixin.qq.com/q/<id>` URL belongs to. */
  byUrl(url: string): QrTicket | undefined {
    const match = /^https?:\/\/weixin\.qq\.com\/q\/([A-Za-z0-9_-]+)$/.exec(url.trim());
    return match ? this.byUrlId.get(match[1]!) : undefined;
  }

  isExpired(ticket: QrTicket): boolean {
    return ticket.expiresAt !== null && this.clock.now() >= ticket.expiresAt;
  }
}

/** Whether `url` has the shape of a parametric QR's content. */
export function isWechatQrUrl(url: string): boolean {
  return /^https?:\/\/weixin\.qq\.com\/q\//.test(url.trim());
}
