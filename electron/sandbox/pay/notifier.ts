/**
 * WeChat Pay notifications to the merchant's notify_url (§9.6): POST the signed, encrypted body; a 2xx ends it,
 * anything else (or no answer within the timeout) is retried after 15s/15s/30s/3m/10m/20m/30m/30m/30m/60m/3h/3h/
 * 3h/6h/6h — multiplied by the time scale so tests run in milliseconds. Every attempt is recorded; faults add
 * duplicates, delays, holds (released in another order) and SIGNTEST probes.
 */
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { payControl, payNotificationSchema } from '../../../shared/wechat-sandbox/pay-control';
import type { SandboxClock } from '../clock';
import { httpRequest, HttpTimeoutError } from '../http-client';
import { redactUrl } from '../http-helpers';
import { Semaphore, cancellableSleep } from './semaphore';

/** §9.6, in seconds: 15 retries, 24 h 4 min in all. */
export const RETRY_SCHEDULE_SECONDS = [15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600] as const;
const RECORDED_BODY_CHARS = 1000;
const KEEP_RECORDS = 50_000;
/** Attempts in flight at once; the rest wait (a storm of notifications must not exhaust sockets). */
const CONCURRENCY = 64;

export type NotificationRecord = z.output<typeof payNotificationSchema>;
type Attempt = NotificationRecord['attempts'][number];
export type NotifyFaultInput = z.output<(typeof payControl)['pay.notifications.fault']['body']>;

export interface OutgoingNotification {
  id: string;
  mchId: string;
  eventType: NotificationRecord['eventType'];
  outTradeNo: string;
  outRefundNo: string | null;
  url: string;
  resource: Record<string, unknown>;
  /** The exact body; every attempt sends these bytes. */
  body: string;
}

export interface NotifierDeps {
  clock: SandboxClock;
  timeScale: () => number;
  timeoutMs: () => number;
  /** The Wechatpay-* headers for one attempt (signed now, with the merchant's current key; `probe`: a SIGNTEST). */
  headers: (mchId: string, body: string, probe: boolean) => Record<string, string>;
  log: Logger;
}

interface Plan {
  delayMs: number;
  probe: boolean;
  duplicate: { copies: number; concurrent: boolean } | null;
}

export class Notifier {
  private readonly records: NotificationRecord[] = [];
  private readonly faults: Array<NotifyFaultInput & { left: number }> = [];
  private readonly held: Array<{ record: NotificationRecord; note: OutgoingNotification; plan: Plan }> = [];
  private readonly running = new Set<Promise<void>>();
  private readonly aborter = new AbortController();
  private readonly gate = new Semaphore(CONCURRENCY);

  constructor(private readonly deps: NotifierDeps) {}

  addFault(fault: NotifyFaultInput): void {
    this.faults.push({ ...fault, left: fault.count });
  }

  /** Starts delivering (or holds it, under a `hold` fault). */
  send(note: OutgoingNotification): void {
    const { body: _body, ...described } = note;
    const record: NotificationRecord = { ...described, attempts: [], held: false, delivered: false, done: false };
    this.records.push(record);
    if (this.records.length > KEEP_RECORDS) this.records.splice(0, this.records.length - KEEP_RECORDS);
    const taken = (kind: NotifyFaultInput['kind']) => this.take(kind, note.mchId);
    const duplicate = taken('duplicate');
    const plan: Plan = {
      delayMs: taken('delay')?.delayMs ?? 0,
      probe: taken('signProbe') !== null,
      duplicate: duplicate ? { copies: duplicate.copies, concurrent: duplicate.concurrent } : null,
    };
    if (taken('hold')) {
      record.held = true;
      this.held.push({ record, note, plan });
      return;
    }
    this.track(this.deliver(record, note, plan));
  }

  /** Sends the held notifications one after another (each one's first attempt answered before the next starts). */
  release(order: 'fifo' | 'reverse' | 'shuffle'): string[] {
    const batch = this.held.splice(0, this.held.length);
    if (order === 'reverse') batch.reverse();
    if (order === 'shuffle') {
      for (let i = batch.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        [batch[i], batch[j]] = [batch[j]!, batch[i]!];
      }
    }
    const sequence = batch.reduce<Promise<unknown>>(
      (previous, item) =>
        previous.then(() => {
          item.record.held = false;
          let firstDone!: () => void;
          const first = new Promise<void>((resolve) => (firstDone = resolve));
          this.track(this.deliver(item.record, item.note, item.plan, firstDone));
          return first;
        }),
      Promise.resolve(),
    );
    this.track(sequence.then(() => undefined));
    return batch.map((item) => item.record.id);
  }

  list(): NotificationRecord[] {
    return this.records.map((r) => ({ ...r, attempts: [...r.attempts] }));
  }

  /** Resolves once every notification not held has finished its attempts. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  async close(): Promise<void> {
    this.aborter.abort();
    await this.idle();
  }

  private take(kind: NotifyFaultInput['kind'], mchId: string): NotifyFaultInput | null {
    const index = this.faults.findIndex((f) => f.kind === kind && (f.mchId === undefined || f.mchId === mchId));
    if (index < 0) return null;
    const fault = this.faults[index]!;
    if (--fault.left <= 0) this.faults.splice(index, 1);
    return fault;
  }

  private track(run: Promise<void>): void {
    const tracked = run.finally(() => this.running.delete(tracked));
    this.running.add(tracked);
  }

  private async deliver(record: NotificationRecord, note: OutgoingNotification, plan: Plan, firstDone?: () => void): Promise<void> {
    const signal = this.aborter.signal;
    try {
      if (plan.delayMs > 0) await cancellableSleep(plan.delayMs, signal);
      if (plan.probe) await this.attempt(record, note, 'probe', 0);
      const copies = plan.duplicate?.concurrent ? plan.duplicate.copies : 0;
      const firsts = await Promise.all([this.attempt(record, note, 'first', 0), ...Array.from({ length: copies }, () => this.attempt(record, note, 'duplicate', 0))]);
      record.delivered = firsts.some(Boolean);
      firstDone?.();
      for (const wait of RETRY_SCHEDULE_SECONDS) {
        if (record.delivered || signal.aborted) break;
        await cancellableSleep(wait * 1000 * this.deps.timeScale(), signal);
        if (signal.aborted) break;
        record.delivered = await this.attempt(record, note, 'retry', wait);
      }
      if (record.delivered && plan.duplicate && !plan.duplicate.concurrent) {
        for (let i = 0; i < plan.duplicate.copies && !signal.aborted; i++) await this.attempt(record, note, 'duplicate', 0);
      }
    } finally {
      firstDone?.();
      record.done = true;
    }
  }

  /** One POST; true when the merchant answered 2xx to a genuine (non-probe) attempt (§9.6: the status decides). */
  private async attempt(record: NotificationRecord, note: OutgoingNotification, kind: Attempt['kind'], after: number): Promise<boolean> {
    await this.gate.acquire();
    const entry: Attempt = { at: new Date(this.deps.clock.now()).toISOString(), kind, scheduledAfterSeconds: after, status: null, body: '', error: null };
    try {
      const headers = { 'content-type': 'application/json', 'user-agent': 'Mozilla/4.0', ...this.deps.headers(note.mchId, note.body, kind === 'probe') };
      const res = await httpRequest(note.url, { method: 'POST', headers, body: note.body, timeoutMs: this.deps.timeoutMs(), signal: this.aborter.signal, maxBodyBytes: 64 * 1024 });
      entry.status = res.status;
      entry.body = res.body.toString('utf8').slice(0, RECORDED_BODY_CHARS);
    } catch (error) {
      entry.error = error instanceof HttpTimeoutError ? `timeout: ${error.message}` : (error as Error).message;
    } finally {
      this.gate.release();
    }
    record.attempts.push(entry);
    this.deps.log.info({ notification: record.id, kind, status: entry.status, url: redactUrl(note.url) }, 'pay notification attempt');
    return kind !== 'probe' && entry.status !== null && entry.status >= 200 && entry.status < 300;
  }
}
