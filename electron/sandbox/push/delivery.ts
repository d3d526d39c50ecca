/**
 * Event push delivery (§5.2, §5.3, §12.3): sign, encrypt in compatible/safe mode, POST with a 5-second deadline,
 * 3 attempts in total, stop on `success` or an empty body. Every attempt is recorded for `deliveries.list`.
 */
import type { Logger } from 'pino';
import { unixSeconds, type SandboxClock } from '../clock';
import { encryptMessage, wechatSignature } from '../crypto/wx-biz-msg-crypt';
import { httpRequest, HttpTimeoutError } from '../http-client';
import { redactUrl } from '../http-helpers';
import { randomAlnum, randomDigits } from '../state/ids';
import type { SandboxApp } from '../state/apps';
import { compatibleEnvelope, safeEnvelope } from './event-xml';

/** WeChat tries a push 3 times in total (§5.3). */
export const PUSH_ATTEMPTS = 3;
/** Only the start of an answer is kept in the record. */
const RECORDED_BODY_CHARS = 1000;
/** The newest deliveries kept in memory. */
const KEEP_DELIVERIES = 1000;

export interface DeliveryAttempt {
  at: string;
  status: number | null;
  body: string;
  error: string | null;
}

export interface DeliveryRecord {
  id: string;
  appId: string;
  event: string;
  openid: string;
  attempts: DeliveryAttempt[];
  /** No more attempts will be made. */
  done: boolean;
  /** The receiver accepted it (`success`, an empty body, or a passive reply). */
  delivered: boolean;
}

export interface PushRequest {
  app: SandboxApp;
  openid: string;
  event: string;
  /** The plaintext event XML. */
  xml: string;
}

/** The URL and body of one push, signed and (in compatible/safe mode) encrypted. */
export function buildPush(app: SandboxApp, openid: string, xml: string, now: number): { url: string; body: string } {
  const push = app.push;
  if (!push) throw new Error(`app ${app.appId} has no push settings`);
  const timestamp = String(unixSeconds(now));
  const nonce = randomDigits(10);
  const query = new URLSearchParams({ signature: wechatSignature(push.token, timestamp, nonce), timestamp, nonce, openid });
  let body = xml;
  if (push.mode !== 'plain') {
    if (!push.encodingAesKey) throw new Error(`app ${app.appId} needs an encodingAesKey for ${push.mode} mode`);
    const encrypted = encryptMessage(push.encodingAesKey, app.appId, xml);
    body = push.mode === 'safe' ? safeEnvelope(app.originalId ?? app.appId, encrypted) : compatibleEnvelope(xml, encrypted);
    query.set('encrypt_type', 'aes');
    query.set('msg_signature', wechatSignature(push.token, timestamp, nonce, encrypted));
  }
  const url = new URL(push.url);
  for (const [name, value] of query) url.searchParams.append(name, value);
  return { url: url.toString(), body };
}

/** An answer that ends the retries (§5.3): `success`, a zero-length body, or a passive reply message. */
export function acceptsPush(status: number, body: string): boolean {
  if (status !== 200) return false;
  return body.length === 0 || body.trim() === 'success' || body.trimStart().startsWith('<xml');
}

export class DeliveryService {
  private readonly records: DeliveryRecord[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly aborter = new AbortController();

  constructor(private readonly deps: { clock: SandboxClock; timeoutMs: () => number; log: Logger }) {}

  /** Starts delivering in the background; returns the delivery id at once. */
  start(request: PushRequest): string {
    const record: DeliveryRecord = {
      id: `dlv_${randomAlnum(16)}`,
      appId: request.app.appId,
      event: request.event,
      openid: request.openid,
      attempts: [],
      done: false,
      delivered: false,
    };
    this.records.push(record);
    if (this.records.length > KEEP_DELIVERIES) this.records.splice(0, this.records.length - KEEP_DELIVERIES);
    const run = this.deliver(record, request).finally(() => this.inFlight.delete(run));
    this.inFlight.add(run);
    return record.id;
  }

  list(): DeliveryRecord[] {
    return this.records.map((r) => ({ ...r, attempts: [...r.attempts] }));
  }

  /** Resolves when every delivery started so far has finished. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** Abandons deliveries in flight (the sandbox is closing). */
  async close(): Promise<void> {
    this.aborter.abort();
    await this.idle();
  }

  private async deliver(record: DeliveryRecord, request: PushRequest): Promise<void> {
    // Retries resend the same signed request: the receiver de-duplicates by FromUserName + CreateTime (§5.3).
    const { url, body } = buildPush(request.app, request.openid, request.xml, this.deps.clock.now());
    for (let attempt = 1; attempt <= PUSH_ATTEMPTS && !this.aborter.signal.aborted; attempt++) {
      const at = new Date(this.deps.clock.now()).toISOString();
      try {
        const res = await httpRequest(url, {
          method: 'POST',
          headers: { 'content-type': 'text/xml; charset=utf-8', 'user-agent': 'Mozilla/4.0 (WeChat sandbox)' },
          body,
          timeoutMs: this.deps.timeoutMs(),
          signal: this.aborter.signal,
          maxBodyBytes: 64 * 1024,
        });
        const text = res.body.toString('utf8');
        record.attempts.push({ at, status: res.status, body: text.slice(0, RECORDED_BODY_CHARS), error: null });
        record.delivered = acceptsPush(res.status, text);
      } catch (error) {
        const message = error instanceof HttpTimeoutError ? `timeout: ${error.message}` : (error as Error).message;
        record.attempts.push({ at, status: null, body: '', error: message });
      }
      this.deps.log.info({ delivery: record.id, attempt, delivered: record.delivered, url: redactUrl(url) }, 'push attempt');
      if (record.delivered) break;
    }
    record.done = true;
  }
}
